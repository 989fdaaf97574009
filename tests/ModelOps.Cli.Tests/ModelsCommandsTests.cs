using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using ModelOps.Learning.Data;
using Azure;
using Azure.Data.Tables;
using ModelOps.Cli;
using ModelOps.Onnx;
using ModelOps.Storage;
using ModelOps.Testing;

namespace ModelOps.Cli.Tests;

/// <summary>One Azurite for the CLI tests that need storage; they redirect the console, so they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AzuriteConsoleCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "AzuriteConsole";
}

[Collection(AzuriteConsoleCollection.Name)]
public sealed class ModelsCommandsTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(40, 32).Select(i => (byte)i).ToArray());
    private readonly string _folder = Directory.CreateTempSubdirectory("models-cli-").FullName;
    private readonly string _table = "reg" + AzuriteFixture.UniqueName("cli");
    private readonly string _container = AzuriteFixture.UniqueName("artifacts");

    private string Artifact(float bias)
    {
        string path = Path.Combine(_folder, $"m{bias}.onnx");
        File.WriteAllBytes(path, new OnnxModelBuilder().Opset("", 15)
            .Input("X", TensorElementType.Float, -1, 2).Output("Y", TensorElementType.Float, -1, 1)
            .Initializer("W", Tensor.FromFloats([0.25f, -1f], 2, 1)).Initializer("B", Tensor.FromFloats([bias], 1))
            .Node("MatMul", ["X", "W"], ["XW"]).Node("Add", ["XW", "B"], ["Y"])
            .ToBytes());
        return path;
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        Command command = ModelsCommands.Create();
        var output = new StringWriter();
        var error = new StringWriter();
        TextWriter originalOut = Console.Out, originalError = Console.Error;
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            string[] common = ["--connection", azurite.ConnectionString, "--audit-key", Key, "--table", _table, "--container", _container];
            return (await CliApp.InvokeAsync(command, [.. args, .. common]), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }

    [Fact]
    public async Task Register_alias_archive_audit_and_verify_round_trip()
    {
        (await RunAsync("register", "churn", "--artifact", Artifact(0.1f), "--reason", "first", "--principal", "alice")).Exit.Should().Be(0);
        (await RunAsync("register", "churn", "--artifact", Artifact(0.2f), "--alias", "champion", "--force", "--reason", "second", "--principal", "alice")).Exit.Should().Be(0);
        (await RunAsync("alias", "churn", "challenger", "1", "--reason", "compare", "--principal", "bob")).Exit.Should().Be(0);
        (await RunAsync("alias", "churn", "challenger", "2", "--reason", "compare again", "--principal", "bob")).Exit.Should().Be(0);
        (await RunAsync("archive", "churn", "1", "--reason", "superseded", "--principal", "carol")).Exit.Should().Be(0);

        (int exit, string audit, _) = await RunAsync("audit", "churn");
        (int verifyExit, string verify, _) = await RunAsync("verify", "churn");
        (int listExit, string list, _) = await RunAsync("list", "--prefix", "ch");

        exit.Should().Be(0);
        audit.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[3] + "/" + l.Split('\t')[2]).Should().Equal(
            "register/alice", "register/alice", "alias/alice", "alias/bob", "alias/bob", "status/carol");
        verifyExit.Should().Be(0);
        verify.Should().Contain("intact: 6 entries");
        listExit.Should().Be(0);
        list.Should().StartWith("churn\tv2\t");
    }

    [Fact]
    public async Task Verify_exits_3_naming_the_entry_after_an_edit_in_the_table()
    {
        await RunAsync("register", "churn", "--artifact", Artifact(0.1f), "--reason", "first", "--principal", "alice");
        await RunAsync("alias", "churn", "champion", "1", "--reason", "launch", "--force", "--principal", "bob");
        TableClient table = StorageConnection.FromConnectionString(azurite.ConnectionString).CreateTableServiceClient().GetTableClient(_table);
        TableEntity second = await table.GetEntityAsync<TableEntity>("churn", "audit-" + 2L.ToString("D19", System.Globalization.CultureInfo.InvariantCulture));
        second["Principal"] = "mallory";
        await table.UpdateEntityAsync(second, ETag.All, TableUpdateMode.Replace);

        (int exit, string output, _) = await RunAsync("verify", "churn");

        exit.Should().Be(3);
        output.Should().Contain("broken at entry 2 (sequence 2)");
    }

    [Fact]
    public async Task Duplicate_version_and_hostile_name_exit_non_zero_naming_the_problem()
    {
        await RunAsync("register", "churn", "--artifact", Artifact(0.1f), "--version", "1", "--principal", "alice");

        (int duplicate, _, string duplicateError) = await RunAsync("register", "churn", "--artifact", Artifact(0.2f), "--version", "1", "--principal", "alice");
        (int hostile, _, string hostileError) = await RunAsync("register", "../etc", "--artifact", Artifact(0.3f), "--principal", "alice");
        (int corrupt, _, string corruptError) = await RunAsync("register", "other", "--artifact", WriteBytes("bad.onnx", [1, 2, 3, 4]), "--principal", "alice");
        (int tooBig, _, string tooBigError) = await RunAsync("register", "big", "--artifact", Artifact(0.4f), "--max-artifact-bytes", "10", "--principal", "alice");

        duplicate.Should().NotBe(0);
        duplicateError.Should().Contain("already has a version 1");
        hostile.Should().NotBe(0);
        hostileError.Should().Contain("model");
        corrupt.Should().NotBe(0);
        corruptError.Should().Contain("artifact");
        tooBig.Should().NotBe(0);
        tooBigError.Should().Contain("limit");
        (await RunAsync("list")).Output.Should().NotContain("other").And.NotContain("big");
    }

    [Fact]
    public async Task Register_with_a_training_report_keeps_metrics_lineage_and_baseline_and_identical_bytes_answer_with_that_version()
    {
        string data = Path.Combine(_folder, "train.csv");
        await using (var writer = new StreamWriter(data))
        {
            SyntheticChurn.WriteCsv(writer, SyntheticChurn.Generate(500, 1, new ChurnDrift(0)));
        }

        string model = Path.Combine(_folder, "model.onnx"), report = Path.Combine(_folder, "train.json");
        (int trained, _, string trainError) = await CommandRunner.RunAsync(TrainCommand.Create(), "--data", data, "--target", "churn", "--positive", "Yes", "--out", model, "--report", report, "--quiet");

        (int first, string registered, string firstError) = await RunAsync("register", "churn", "--artifact", model, "--report", report, "--alias", "champion", "--reason", "first cut", "--principal", "alice");
        (int again, _, string againError) = await RunAsync("register", "churn", "--artifact", model, "--report", report, "--principal", "alice");
        (int shown, string show, _) = await RunAsync("show", "churn");

        trained.Should().Be(0, trainError);
        first.Should().Be(0, firstError);
        using JsonDocument version = JsonDocument.Parse(registered);
        JsonElement v = version.RootElement;
        v.GetProperty("metrics").GetProperty("auroc").GetDouble().Should().BeInRange(0.5, 1);
        v.GetProperty("metrics").TryGetProperty("log_loss", out _).Should().BeTrue();
        v.GetProperty("lineage").GetProperty("trainingData")[0].GetProperty("sha256").GetString().Should().Be(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(data))));
        v.GetProperty("lineage").GetProperty("pipelineSpecSha256").GetString().Should().HaveLength(64);
        v.GetProperty("lineage").GetProperty("parameters").GetProperty("estimator").GetString().Should().Be("glm");
        v.GetProperty("lineage").GetProperty("codeVersion").GetString().Should().NotBeNullOrEmpty();
        v.GetProperty("baseline").GetProperty("numeric").GetArrayLength().Should().BeGreaterThan(0);
        again.Should().Be(0, againError);
        againError.Should().Contain("already has these exact bytes as version 1");
        shown.Should().Be(0);
        using JsonDocument document = JsonDocument.Parse(show);
        document.RootElement.GetProperty("versions").GetArrayLength().Should().Be(1);
        document.RootElement.GetProperty("model").GetProperty("name").GetString().Should().Be("churn");
        document.RootElement.GetProperty("aliases")[0].GetProperty("alias").GetString().Should().Be("champion");
    }

    [Fact]
    public async Task Metadata_with_an_unknown_field_is_refused_naming_it()
    {
        string meta = Path.Combine(_folder, "meta.json");
        await File.WriteAllTextAsync(meta, """{"description":"churn","metricz":{"auroc":0.8}}""");

        (int exit, _, string error) = await RunAsync("register", "churn", "--artifact", Artifact(0.1f), "--metadata", meta, "--principal", "alice");

        exit.Should().Be(2);
        error.Should().Contain("metricz");
        (await RunAsync("list")).Output.Should().BeEmpty();
    }

    [Fact]
    public async Task Champion_without_held_out_metrics_needs_force_and_etags_print_unescaped()
    {
        await RunAsync("register", "churn", "--artifact", Artifact(0.1f), "--principal", "alice");

        (int refused, _, string why) = await RunAsync("alias", "churn", "champion", "1", "--reason", "launch", "--principal", "bob");
        (int forced, string moved, string forcedError) = await RunAsync("alias", "churn", "champion", "1", "--reason", "launch", "--force", "--principal", "bob");

        refused.Should().Be(1);
        why.Should().Contain("no held-out metrics").And.Contain("--force");
        forced.Should().Be(0, forcedError);
        moved.Should().NotContain("\\u0022").And.NotContain("\\u0027");
        string etag = JsonDocument.Parse(moved).RootElement.GetProperty("eTag").GetString()!;
        (await RunAsync("alias", "churn", "champion", "1", "--reason", "again", "--force", "--if-match", etag, "--principal", "bob")).Exit.Should().Be(0);
    }

    [Fact]
    public async Task A_model_only_onnx_runtime_runs_registers_after_scoring_the_sample_rows()
    {
        // Softplus is not an operator our engine claims; before the cross-check the CLI refused every such model.
        string softplus = Path.Combine(PyTorchConverted, "test_Softplus", "model.onnx");

        (int exit, string output, string error) = await RunAsync("register", "softplus", "--artifact", softplus, "--principal", "alice");

        exit.Should().Be(0, error);
        JsonDocument.Parse(output).RootElement.GetProperty("version").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task A_model_scoring_cannot_feed_is_refused_with_exit_1_naming_its_inputs()
    {
        // ELU takes a [3,2,5] tensor: neither one [N,1] tensor per feature nor one [N,k] vector.
        string elu = Path.Combine(PyTorchConverted, "test_ELU", "model.onnx");

        (int exit, _, string error) = await RunAsync("register", "elu", "--artifact", elu, "--principal", "alice");

        exit.Should().Be(1);
        error.Should().Contain("artifact:").And.Contain("Float[3,2,5]");
        (await RunAsync("list")).Output.Should().BeEmpty();
    }

    private static string PyTorchConverted => "/usr/share/libonnx-testdata/data/pytorch-converted";

    private string WriteBytes(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
