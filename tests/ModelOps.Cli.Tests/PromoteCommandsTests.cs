using ModelOps.Cli;
using ModelOps.Testing;

namespace ModelOps.Cli.Tests;

/// <summary><c>modelops promote</c>: rollback against a real registry on Azurite, and request/status answers when the Pipelines app is not there.</summary>
[Collection(AzuriteConsoleCollection.Name)]
public sealed class PromoteCommandsTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(50, 32).Select(i => (byte)i).ToArray());
    private readonly string _folder = Directory.CreateTempSubdirectory("promote-cli-").FullName;
    private readonly string _table = "reg" + AzuriteFixture.UniqueName("promote");
    private readonly string _container = AzuriteFixture.UniqueName("artifacts");

    private string[] Storage => ["--connection", azurite.ConnectionString, "--audit-key", Key, "--table", _table, "--container", _container];

    private string Artifact(float bias)
    {
        string path = Path.Combine(_folder, $"m{bias}.onnx");
        File.WriteAllBytes(path, TestOnnxModels.Linear(bias));
        return path;
    }

    [Fact]
    public async Task Rollback_returns_the_champion_to_the_version_before_its_last_move_with_its_own_audit_entry()
    {
        await CommandRunner.RunAsync(CliApp.Create(), ["models", "register", "churn", "--artifact", Artifact(0.1f), "--alias", "champion", "--force", "--reason", "first", .. Storage]);
        await CommandRunner.RunAsync(CliApp.Create(), ["models", "register", "churn", "--artifact", Artifact(0.2f), "--alias", "champion", "--force", "--reason", "second", .. Storage]);

        (int exit, string output, string error) = await CommandRunner.RunAsync(CliApp.Create(), ["promote", "rollback", "churn", "--reason", "v2 misbehaves", "--principal", "ops", .. Storage]);
        (int again, string againOutput, _) = await CommandRunner.RunAsync(CliApp.Create(), ["models", "audit", "churn", .. Storage]);

        exit.Should().Be(CliRun.Ok, error);
        output.Should().Contain("version 2 -> 1");
        again.Should().Be(CliRun.Ok);
        againOutput.Should().Contain("rollback of 'champion' from version 2: v2 misbehaves").And.Contain("ops");
    }

    [Fact]
    public async Task Rollback_of_an_alias_that_never_moved_fails_naming_it()
    {
        await CommandRunner.RunAsync(CliApp.Create(), ["models", "register", "churn", "--artifact", Artifact(0.3f), "--alias", "champion", "--force", "--reason", "first", .. Storage]);

        (int exit, _, string error) = await CommandRunner.RunAsync(CliApp.Create(), ["promote", "rollback", "churn", "--reason", "undo", .. Storage]);

        exit.Should().Be(CliRun.Failed);
        error.Should().Contain("An earlier version of alias 'champion' of 'churn'");
    }

    [Fact]
    public async Task Status_without_a_running_pipelines_app_fails_saying_so()
    {
        int port = LoopbackPorts.GetFree();

        (int exit, _, string error) = await CommandRunner.RunAsync(CliApp.Create(), ["promote", "status", "churn", "2", "--url", $"http://127.0.0.1:{port}", "--key", "k"]);

        exit.Should().Be(CliRun.Failed);
        error.Should().Contain("did not answer").And.NotContain("System.");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
