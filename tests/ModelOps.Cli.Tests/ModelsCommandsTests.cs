using System.CommandLine;
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
            return (await command.Parse([.. args, .. common]).InvokeAsync(), output.ToString(), error.ToString());
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
        (await RunAsync("register", "churn", "--artifact", Artifact(0.2f), "--alias", "champion", "--reason", "second", "--principal", "alice")).Exit.Should().Be(0);
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
        list.Should().Contain("\"name\": \"churn\"");
    }

    [Fact]
    public async Task Verify_exits_1_naming_the_entry_after_an_edit_in_the_table()
    {
        await RunAsync("register", "churn", "--artifact", Artifact(0.1f), "--reason", "first", "--principal", "alice");
        await RunAsync("alias", "churn", "champion", "1", "--reason", "launch", "--principal", "bob");
        TableClient table = StorageConnection.FromConnectionString(azurite.ConnectionString).CreateTableServiceClient().GetTableClient(_table);
        TableEntity second = await table.GetEntityAsync<TableEntity>("churn", "audit-" + 2L.ToString("D19", System.Globalization.CultureInfo.InvariantCulture));
        second["Principal"] = "mallory";
        await table.UpdateEntityAsync(second, ETag.All, TableUpdateMode.Replace);

        (int exit, string output, _) = await RunAsync("verify", "churn");

        exit.Should().Be(1);
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

    private string WriteBytes(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
