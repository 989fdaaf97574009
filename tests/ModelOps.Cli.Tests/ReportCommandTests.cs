using ModelOps.Onnx;
using ModelOps.Testing;

namespace ModelOps.Cli.Tests;

/// <summary><c>modelops report</c> against a registry on Azurite.</summary>
[Collection(AzuriteConsoleCollection.Name)]
public sealed class ReportCommandTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(40, 32).Select(i => (byte)i).ToArray());
    private readonly string _folder = Directory.CreateTempSubdirectory("report-cli-").FullName;
    private readonly string _table = "reg" + AzuriteFixture.UniqueName("report");
    private readonly string _container = AzuriteFixture.UniqueName("artifacts");

    [Fact]
    public async Task Report_writes_the_page_with_the_challenger_against_the_champions_stored_metrics()
    {
        await Register(0.1f, """{ "model": "churn", "metrics": { "auroc": 0.81, "logLoss": 0.45 }, "alias": "champion" }""");
        await Register(0.2f, """{ "model": "churn", "metrics": { "auroc": 0.84, "logLoss": 0.41 } }""");
        string page = Path.Combine(_folder, "report.html");

        (int exit, string output, string error) = await CommandRunner.RunAsync(ReportCommand.Create(), "churn", "2", "--out", page, "--connection", azurite.ConnectionString, "--table", _table);

        exit.Should().Be(0, error);
        output.Should().Contain("churn version 2 against champion version 1");
        string html = await File.ReadAllTextAsync(page);
        html.Should().Contain("Model report: churn — version 2")
            .And.Contain("<td>auroc</td><td>0.8400</td><td>0.8100</td><td>0.0300</td>")
            .And.Contain("<td>logLoss</td><td>0.4100</td><td>0.4500</td><td>-0.0400</td>")
            .And.NotContain("<form");
    }

    [Fact]
    public async Task Report_names_a_missing_version_and_exits_non_zero()
    {
        await Register(0.1f, """{ "model": "churn" }""");

        (int exit, _, string error) = await CommandRunner.RunAsync(ReportCommand.Create(), "churn", "9", "--out", Path.Combine(_folder, "r.html"), "--connection", azurite.ConnectionString, "--table", _table);
        (int zero, _, string zeroError) = await CommandRunner.RunAsync(ReportCommand.Create(), "churn", "0", "--out", Path.Combine(_folder, "r.html"), "--connection", azurite.ConnectionString, "--table", _table);

        exit.Should().Be(1);
        error.Should().Contain("MODEL 'churn' VERSION 9 does not exist");
        zero.Should().Be(2);
        zeroError.Should().Contain("VERSION must be 1 or more");
        File.Exists(Path.Combine(_folder, "r.html")).Should().BeFalse();
    }

    private async Task Register(float bias, string metadata)
    {
        string artifact = Path.Combine(_folder, $"m{bias}.onnx");
        File.WriteAllBytes(artifact, new OnnxModelBuilder().Opset("", 15)
            .Input("X", TensorElementType.Float, -1, 2).Output("Y", TensorElementType.Float, -1, 1)
            .Initializer("W", Tensor.FromFloats([0.25f, -1f], 2, 1)).Initializer("B", Tensor.FromFloats([bias], 1))
            .Node("MatMul", ["X", "W"], ["XW"]).Node("Add", ["XW", "B"], ["Y"])
            .ToBytes());
        string meta = Path.Combine(_folder, $"m{bias}.json");
        File.WriteAllText(meta, metadata);
        (int exit, _, string error) = await CommandRunner.RunAsync(ModelsCommands.Create(),
            "register", "churn", "--artifact", artifact, "--metadata", meta, "--principal", "alice", "--reason", "test",
            "--connection", azurite.ConnectionString, "--audit-key", Key, "--table", _table, "--container", _container);
        exit.Should().Be(0, error);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the folder is under the temp directory.
        }
    }
}
