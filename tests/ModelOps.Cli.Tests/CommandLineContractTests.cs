using System.CommandLine;
using System.Text.Json;
using ModelOps.Cli;
using ModelOps.Learning.Data;
using ModelOps.Onnx;

namespace ModelOps.Cli.Tests;

/// <summary>What every command promises: no secret in help, the documented exit codes, errors in the user's words, stdin.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CommandLineContractTests : IDisposable
{
    private const string AuditKey = "c2VjcmV0LWF1ZGl0LWtleS10aGF0LW11c3QtbmV2ZXItYmUtcHJpbnRlZA==";
    private const string AccountKey = "QWNjb3VudEtleVRoYXRNdXN0TmV2ZXJCZVByaW50ZWRBbnl3aGVyZQ==";
    private readonly string _folder = Directory.CreateTempSubdirectory("cli-contract-").FullName;

    private string In(string name) => Path.Combine(_folder, name);

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => await CommandRunner.RunAsync(CliApp.Create(), args);

    private string Churn(int rows, int seed = 1, double drift = 0)
    {
        string path = In($"churn-{rows}-{seed}-{drift}.csv");
        using var writer = new StreamWriter(path);
        SyntheticChurn.WriteCsv(writer, SyntheticChurn.Generate(rows, seed, new ChurnDrift(drift)));
        return path;
    }

    [Fact]
    public async Task No_help_of_any_command_shows_the_audit_key_or_the_storage_account_key()
    {
        string? oldKey = Environment.GetEnvironmentVariable("Registry__AuditKey"), oldStorage = Environment.GetEnvironmentVariable("AzureWebJobsStorage");
        Environment.SetEnvironmentVariable("Registry__AuditKey", AuditKey);
        Environment.SetEnvironmentVariable("AzureWebJobsStorage", $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};TableEndpoint=http://127.0.0.1:1/devstoreaccount1;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1");
        try
        {
            List<string[]> commands = CliApp.Paths(CliApp.Create()).ToList();
            commands.Should().Contain(p => p.SequenceEqual(new[] { "models", "register" }));
            foreach (string[] path in commands)
            {
                (_, string output, string error) = await RunAsync([.. path, "--help"]);
                string shown = output + error;
                shown.Should().NotContain(AuditKey, string.Join(' ', path)).And.NotContain(AccountKey, string.Join(' ', path)).And.NotContain("AccountKey=");
            }

            (_, string modelsHelp, _) = await RunAsync("models", "register", "--help");
            modelsHelp.Should().Contain("the Registry__AuditKey setting").And.Contain("default: the AzureWebJobsStorage");
        }
        finally
        {
            Environment.SetEnvironmentVariable("Registry__AuditKey", oldKey);
            Environment.SetEnvironmentVariable("AzureWebJobsStorage", oldStorage);
        }
    }

    [Fact]
    public void Every_command_that_does_work_takes_quiet()
    {
        RootCommand root = CliApp.Create();
        List<Command> leaves = CliApp.Paths(root)
            .Select(path => path.Aggregate((Command)root, (command, name) => command.Subcommands.Single(c => c.Name == name)))
            .Where(command => command.Subcommands.Count == 0)
            .ToList();

        leaves.Should().Contain(c => c.Name == "up");
        leaves.Where(c => !c.Options.Any(o => o.Name == "--quiet")).Select(c => c.Name).Should().BeEmpty("the README promises --quiet on every command");
    }

    [Fact]
    public async Task A_wrong_audit_key_or_connection_is_refused_without_echoing_it()
    {
        (int keyExit, string keyOut, string keyError) = await RunAsync("models", "verify", "churn", "--audit-key", "not base64 " + AccountKey, "--connection", "UseDevelopmentStorage=true");
        (int connExit, string connOut, string connError) = await RunAsync("models", "list", "--connection", "AccountName=x;AccountKey=" + AccountKey + ";Bogus");

        keyExit.Should().NotBe(0);
        (keyOut + keyError).Should().NotContain(AccountKey).And.Contain("AuditKey");
        connExit.Should().Be(1);
        (connOut + connError).Should().NotContain(AccountKey);
    }

    [Theory]
    [InlineData(new[] { "demo-data", "--rows", "two", "--out", "x.csv" }, "--rows: 'two' is not a whole number")]
    [InlineData(new[] { "evaluate", "--model", "m.onnx", "--data", "d.csv", "--target", "y", "--report", "r.json", "--threshold", "half" }, "--threshold: 'half' is not a number")]
    [InlineData(new[] { "models", "alias", "churn", "champion", "two", "--reason", "r" }, "'two' is not a whole number")]
    [InlineData(new[] { "train", "--data", "missing.csv", "--target", "y", "--out", "m.onnx" }, "--data: file 'missing.csv' does not exist")]
    [InlineData(new[] { "onnx", "inspect", "missing.onnx" }, "MODEL: file 'missing.onnx' does not exist")]
    [InlineData(new[] { "train", "--nonsense" }, "--nonsense")]
    public async Task A_wrong_command_line_exits_2_naming_the_option_in_plain_words(string[] args, string expected)
    {
        (int exit, _, string error) = await RunAsync(args);

        exit.Should().Be(CliRun.Usage);
        error.Should().Contain(expected).And.NotContain("System.").And.NotContain("Could not find file");
    }

    [Fact]
    public async Task Sensitive_and_out_are_checked_before_fitting()
    {
        string data = Churn(300);
        string model = In("m.onnx");

        (int sensitiveExit, _, string sensitiveError) = await RunAsync("train", "--data", data, "--target", "churn", "--positive", "Yes", "--out", model, "--sensitive", "colour", "--quiet");
        (int outExit, _, string outError) = await RunAsync("train", "--data", data, "--target", "churn", "--positive", "Yes", "--out", Path.Combine(_folder, "no", "such", "m.onnx"), "--quiet");

        sensitiveExit.Should().Be(CliRun.Usage);
        sensitiveError.Should().Contain("--sensitive").And.Contain("'colour'");
        File.Exists(model).Should().BeFalse("the model is not fitted and written before the options are checked");
        outExit.Should().Be(CliRun.Usage);
        outError.Should().Contain("--out");
    }

    [Fact]
    public async Task Drift_errors_carry_no_parameter_names()
    {
        string fewer = In("fewer.csv");
        await File.WriteAllTextAsync(fewer, "tenure_months\n1\n2\n");

        (int exit, _, string error) = await RunAsync("drift", "--reference", Churn(100), "--current", fewer, "--report", In("r.json"));

        exit.Should().Be(CliRun.Failed);
        error.Should().Contain("'contract'").And.NotContain("(Parameter");
    }

    [Fact]
    public async Task Csv_inputs_read_standard_input_for_a_dash()
    {
        string csv = await File.ReadAllTextAsync(Churn(400));
        TextReader original = Console.In;
        Console.SetIn(new StringReader(csv));
        try
        {
            (int exit, _, string error) = await RunAsync("train", "--data", "-", "--target", "churn", "--positive", "Yes", "--out", In("m.onnx"), "--report", In("r.json"), "--quiet");

            exit.Should().Be(0, error);
            using JsonDocument report = JsonDocument.Parse(await File.ReadAllTextAsync(In("r.json")));
            report.RootElement.GetProperty("lineage").GetProperty("data")[0].GetProperty("uri").GetString().Should().Be("stdin");
        }
        finally
        {
            Console.SetIn(original);
        }
    }

    [Fact]
    public async Task Onnx_run_carries_an_id_column_into_the_scores()
    {
        string model = In("linear.onnx");
        await File.WriteAllBytesAsync(model, new OnnxModelBuilder().Opset("", 15)
            .Input("X", TensorElementType.Float, -1, 2).Output("Y", TensorElementType.Float, -1, 1)
            .Initializer("W", Tensor.FromFloats([1f, 10f], 2, 1)).Node("MatMul", ["X", "W"], ["Y"]).ToBytes());
        string rows = In("rows.csv");
        await File.WriteAllTextAsync(rows, "customer,a,b\nc-7,1,2\nc-9,3,4\n");

        (int exit, _, string error) = await RunAsync("onnx", "run", "--model", model, "--input", rows, "--output", In("scores.csv"), "--id", "customer", "--quiet");

        exit.Should().Be(0, error);
        (await File.ReadAllLinesAsync(In("scores.csv"))).Should().Equal("customer,Y", "c-7,21", "c-9,43");
        error.Should().BeEmpty("--quiet");
    }

    [Fact]
    public void A_bar_that_stops_short_is_wiped_before_the_next_line_and_nothing_is_drawn_when_redirected()
    {
        var terminal = new StringWriter();
        var redirected = new StringWriter();
        TextWriter original = Console.Error;
        try
        {
            Console.SetError(terminal);
            var onTerminal = new ConsoleProgress(quiet: false, terminal: true);
            onTerminal.Bar("search", 10).Report(4);
            onTerminal.Line("  best: done");
            Console.SetError(redirected);
            var toFile = new ConsoleProgress(quiet: false, terminal: false);
            toFile.Bar("search", 10).Report(4);
            toFile.Step("fit", () => 1);
        }
        finally
        {
            Console.SetError(original);
        }

        string drawn = terminal.ToString();
        drawn.Should().Contain("\r" + new string(' ', "  search [############------------------] 4/10".Length) + "\r  best: done");
        redirected.ToString().Should().NotContain("\r").And.NotContain("[").And.StartWith("  fit (");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
