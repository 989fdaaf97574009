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

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
