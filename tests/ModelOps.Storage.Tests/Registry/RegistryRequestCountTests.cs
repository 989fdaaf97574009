using Azure.Core;
using ModelOps.Registry;
using ModelOps.Storage.Registry;
using ModelOps.Testing;
using Xunit.Abstractions;

namespace ModelOps.Storage.Tests.Registry;

/// <summary>
/// Table requests per registry operation, counted by a pipeline policy on the table client. Writes take their new
/// ETags from the write responses, so nothing is read back; these bounds fail if a read-back creeps in again.
/// Before Azure.Data.Tables: registration 7, registration with an alias 13, alias move 5.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RegistryRequestCountTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private readonly RequestRecorder _recorder = new();

    private ModelRegistry Registry(RegistryHarness h) => ModelRegistryFactory.Create(
        h.Connection, h.Options, new RegistryStorageOptions { TableName = h.Table.Name, ArtifactContainer = h.Container.Name }, TimeProvider.System,
        o => o.AddPolicy(_recorder, HttpPipelinePosition.PerRetry));

    private async Task<int> CountAsync(Func<Task> operation)
    {
        int start = _recorder.Requests.Count;
        await operation();
        IReadOnlyList<string> requests = _recorder.Requests.Skip(start).ToArray();
        output.WriteLine(string.Join(Environment.NewLine, requests));
        return requests.Count;
    }

    private async Task<ModelRegistry> WarmRegistryAsync(RegistryHarness h)
    {
        // The first write creates the table; that happens once per process, not per operation.
        ModelRegistry registry = Registry(h);
        await registry.RegisterAsync(RegistryHarness.Request("warm"), RegistryHarness.Linear(0.1f), "alice", default);
        return registry;
    }

    [Fact]
    public async Task Registration_takes_at_most_six_table_requests()
    {
        var h = new RegistryHarness(azurite);
        ModelRegistry registry = await WarmRegistryAsync(h);

        int requests = await CountAsync(() => registry.RegisterAsync(RegistryHarness.Request(), RegistryHarness.Linear(0.2f), "alice", default));

        requests.Should().BeLessThanOrEqualTo(6, "a registration reads the highest number, the version, the model row and the head, then inserts and commits");
    }

    [Fact]
    public async Task Registration_with_an_alias_takes_at_most_eleven_table_requests()
    {
        var h = new RegistryHarness(azurite);
        ModelRegistry registry = await WarmRegistryAsync(h);

        int requests = await CountAsync(() => registry.RegisterAsync(RegistryHarness.Request(alias: "champion"), RegistryHarness.Linear(0.2f), "alice", default));

        requests.Should().BeLessThanOrEqualTo(11);
        (await registry.GetAliasAsync("churn", "champion", default)).Version.Should().Be(1);
    }

    [Fact]
    public async Task Alias_move_takes_at_most_four_table_requests_and_returns_the_stored_etag()
    {
        var h = new RegistryHarness(azurite);
        ModelRegistry registry = await WarmRegistryAsync(h);
        await registry.RegisterAsync(RegistryHarness.Request(alias: "champion"), RegistryHarness.Linear(0.2f), "alice", default);
        await registry.RegisterAsync(RegistryHarness.Request(), RegistryHarness.Linear(0.3f), "alice", default);
        AliasPointer moved = null!;

        int requests = await CountAsync(async () => moved = await registry.MoveAliasAsync("churn", "champion", 2, "better", null, "bob", default));

        requests.Should().BeLessThanOrEqualTo(4, "a move reads the version, the alias and the head, then commits");
        AliasPointer stored = await registry.GetAliasAsync("churn", "champion", default);
        moved.ETag.Should().Be(stored.ETag, "the ETag comes from the transaction's response for the alias row");
        moved.Should().BeEquivalentTo(stored);
    }
}
