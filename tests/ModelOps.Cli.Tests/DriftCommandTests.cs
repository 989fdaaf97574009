using System.CommandLine;
using System.Text.Json;
using ModelOps.Cli;
using ModelOps.Learning.Data;

namespace ModelOps.Cli.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class DriftCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("drift-").FullName;

    private string Write(string name, int rows, int seed, double drift)
    {
        string path = Path.Combine(_folder, name);
        using var writer = new StreamWriter(path);
        SyntheticChurn.WriteCsv(writer, SyntheticChurn.Generate(rows, seed, new ChurnDrift(drift)));
        return path;
    }

    private static async Task<(int Exit, string Error)> RunAsync(params string[] args)
    {
        (int exit, _, string error) = await CommandRunner.RunAsync(DriftCommand.Create(), args);
        return (exit, error);
    }

    [Fact]
    public async Task Drifted_prices_are_flagged_and_the_report_has_the_documented_keys()
    {
        string report = Path.Combine(_folder, "drift.json");

        (int exit, _) = await RunAsync("--reference", Write("a.csv", 3000, 1, 0), "--current", Write("b.csv", 3000, 2, 1), "--report", report);
        using JsonDocument json = JsonDocument.Parse(await File.ReadAllTextAsync(report));
        JsonElement monthly = json.RootElement.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "monthly_charges");
        JsonElement contract = json.RootElement.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "contract");

        exit.Should().Be(0);
        monthly.GetProperty("kind").GetString().Should().Be("numeric");
        monthly.GetProperty("drifted").GetBoolean().Should().BeTrue();
        foreach (string key in new[] { "psi", "ks_statistic", "ks_pvalue", "wasserstein", "method" })
        {
            monthly.TryGetProperty(key, out _).Should().BeTrue(key);
        }

        contract.GetProperty("kind").GetString().Should().Be("categorical");
        contract.TryGetProperty("chi2_pvalue", out _).Should().BeTrue();
        contract.TryGetProperty("js_distance", out _).Should().BeTrue();
        json.RootElement.TryGetProperty("dataset_drift", out _).Should().BeTrue();
    }

    [Fact]
    public async Task The_same_population_shows_no_dataset_drift()
    {
        string report = Path.Combine(_folder, "same.json");

        (int exit, _) = await RunAsync("--reference", Write("a.csv", 3000, 1, 0), "--current", Write("c.csv", 3000, 3, 0), "--report", report);
        using JsonDocument json = JsonDocument.Parse(await File.ReadAllTextAsync(report));

        exit.Should().Be(0);
        json.RootElement.GetProperty("dataset_drift").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task Missing_files_empty_files_and_missing_columns_fail_with_the_problem_named()
    {
        string empty = Path.Combine(_folder, "empty.csv");
        await File.WriteAllTextAsync(empty, string.Empty);
        string fewer = Path.Combine(_folder, "fewer.csv");
        await File.WriteAllTextAsync(fewer, "tenure_months\n1\n2\n");
        string reference = Write("a.csv", 100, 1, 0);
        string report = Path.Combine(_folder, "r.json");

        (int missingExit, string missingError) = await RunAsync("--reference", Path.Combine(_folder, "nope.csv"), "--current", reference, "--report", report);
        (int emptyExit, string emptyError) = await RunAsync("--reference", reference, "--current", empty, "--report", report);
        (int columnsExit, string columnsError) = await RunAsync("--reference", reference, "--current", fewer, "--report", report);

        missingExit.Should().Be(2);
        missingError.Should().Contain("nope.csv");
        emptyExit.Should().Be(1);
        emptyError.Should().Contain("empty");
        columnsExit.Should().Be(1);
        columnsError.Should().Contain("'contract'");
    }

    [Fact]
    public async Task Fail_on_drift_exits_3_and_the_verdict_names_the_columns_and_leaves_out_the_customer_id()
    {
        string report = Path.Combine(_folder, "drift.json");
        string reference = Write("a.csv", 3000, 1, 0), current = Write("b.csv", 3000, 2, 1);

        (int exit, string output, string error) = await CommandRunner.RunAsync(DriftCommand.Create(), "--reference", reference, "--current", current, "--report", report, "--fail-on-drift");
        (int without, _, _) = await CommandRunner.RunAsync(DriftCommand.Create(), "--reference", reference, "--current", current, "--report", report);
        using JsonDocument json = JsonDocument.Parse(await File.ReadAllTextAsync(report));

        exit.Should().Be(3, error);
        without.Should().Be(0);
        output.Should().Contain("dataset drift: yes").And.Contain("drifted: ").And.Contain("monthly_charges");
        output.Should().Contain("left out (identifier-like");
        json.RootElement.GetProperty("excluded").EnumerateArray().Select(e => e.GetString()).Should().Equal("customer_id");
        json.RootElement.GetProperty("driven_by").EnumerateArray().Select(e => e.GetString()).Should().Contain("monthly_charges");
        json.RootElement.GetProperty("columns").EnumerateArray().Should().OnlyContain(c => c.GetProperty("statistic").GetString()!.Length > 0);
    }

    [Fact]
    public async Task Include_measures_an_identifier_column_and_quiet_prints_only_the_verdict()
    {
        string report = Path.Combine(_folder, "drift.json");

        (int exit, string output, _) = await CommandRunner.RunAsync(DriftCommand.Create(),
            "--reference", Write("a.csv", 3000, 1, 0), "--current", Write("c.csv", 3000, 3, 0), "--report", report, "--include", "customer_id", "--quiet");
        using JsonDocument json = JsonDocument.Parse(await File.ReadAllTextAsync(report));

        exit.Should().Be(0);
        output.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("dataset drift:");
        json.RootElement.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Should().Contain("customer_id");
    }

    [Fact]
    public async Task Baseline_compares_with_the_training_reports_profile()
    {
        string train = Write("train.csv", 3000, 1, 0);
        string trainReport = Path.Combine(_folder, "train.json");
        (int trained, _, string trainError) = await CommandRunner.RunAsync(TrainCommand.Create(),
            "--data", train, "--target", "churn", "--positive", "Yes", "--out", Path.Combine(_folder, "m.onnx"), "--report", trainReport, "--quiet");
        string report = Path.Combine(_folder, "drift.json");

        (int same, string sameOutput, string sameError) = await CommandRunner.RunAsync(DriftCommand.Create(), "--baseline", trainReport, "--current", Write("c.csv", 3000, 3, 0), "--report", report);
        (int drifted, string driftedOutput, _) = await CommandRunner.RunAsync(DriftCommand.Create(), "--baseline", trainReport, "--current", Write("d.csv", 3000, 4, 1), "--report", report);
        using JsonDocument json = JsonDocument.Parse(await File.ReadAllTextAsync(report));

        trained.Should().Be(0, trainError);
        same.Should().Be(0, sameError);
        sameOutput.Should().Contain("dataset drift: no");
        drifted.Should().Be(0);
        driftedOutput.Should().Contain("DRIFT  monthly_charges").And.Contain("drifted: monthly_charges");
        json.RootElement.GetProperty("compared_with").GetString().Should().Be("training baseline profile");
        json.RootElement.GetProperty("columns").EnumerateArray().Should().Contain(c => c.GetProperty("method").GetString() == "psi");
    }

    [Fact]
    public async Task Reference_and_baseline_are_exclusive()
    {
        (int exit, _, string error) = await CommandRunner.RunAsync(DriftCommand.Create(), "--current", Write("c.csv", 100, 3, 0), "--report", Path.Combine(_folder, "r.json"));

        exit.Should().Be(2);
        error.Should().Contain("--reference").And.Contain("--baseline");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
