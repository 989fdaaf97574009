using System.Text.Json.Nodes;
using ModelOps.Cli;
using ModelOps.Registry;
using ModelOps.Storage;
using ModelOps.Storage.Registry;
using ModelOps.Testing;

namespace ModelOps.Cli.Tests;

/// <summary>The demo champion <c>modelops up</c> trains from the synthetic data and registers, once.</summary>
[Collection(AzuriteConsoleCollection.Name)]
public sealed class DemoModelTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("demo-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task The_demo_model_is_trained_registered_as_champion_and_not_registered_twice()
    {
        var layout = new StackLayout(_root, "Release", 7071, 7072);
        string table = "reg" + AzuriteFixture.UniqueName("demo"), container = AzuriteFixture.UniqueName("demo");
        Directory.CreateDirectory(layout.StateFolder);
        string key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        await File.WriteAllTextAsync(layout.SettingsFile, new JsonObject
        {
            ["Values"] = new JsonObject { ["Registry__AuditKey"] = key, ["Registry__TableName"] = table, ["Registry__ArtifactContainer"] = container },
        }.ToJsonString());
        string data = DemoSeed.WriteData(layout);

        StorageConnection connection = StorageConnection.FromConnectionString(azurite.ConnectionString);
        string first = await DemoModel.EnsureAsync(layout, data, connection, CancellationToken.None);
        string second = await DemoModel.EnsureAsync(layout, data, connection, CancellationToken.None);

        first.Should().StartWith("churn v1 (champion; held-out AUROC");
        second.Should().Be("churn v1 (champion, already registered)");
        File.Exists(Path.Combine(layout.StateFolder, "demo", "churn.onnx")).Should().BeTrue();
        var options = new RegistryOptions { AuditKey = key };
        ModelRegistry registry = ModelRegistryFactory.Create(
            connection, options, new RegistryStorageOptions { TableName = table, ArtifactContainer = container }, TimeProvider.System);
        ModelVersion version = await registry.GetVersionAsync("churn", 1, CancellationToken.None);
        version.Metrics["auroc"].Should().BeGreaterThan(0.7, "the synthetic churn has a strong known signal");
        version.Lineage.PipelineSpecSha256.Should().HaveLength(64);
        (await registry.ListVersionsAsync("churn", CancellationToken.None)).Should().HaveCount(1);
        (await registry.VerifyAuditAsync("churn", CancellationToken.None)).Intact.Should().BeTrue();
    }
}
