using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOps.Learning.Tests.Pipelines;
using ModelOps.Registry;
using ModelOps.Scoring.Cache;
using ModelOps.Scoring.Engines;
using ModelOps.Scoring.Telemetry;
using ModelOps.Storage;
using ModelOps.Storage.Batch;
using ModelOps.Storage.Registry;
using ModelOps.Testing;

namespace ModelOps.Batch.Tests;

/// <summary>A chunk processed twice (a retry after a crash, a message delivered twice) leaves the same result and no duplicates.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class IdempotencyTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private StorageConnection _storage = null!;
    private ModelCache _cache = null!;
    private ScoringMetrics _metrics = null!;
    private int _version;

    public async Task InitializeAsync()
    {
        _storage = StorageConnection.FromConnectionString(azurite.ConnectionString);
        string table = AzuriteFixture.UniqueName("reg"), container = AzuriteFixture.UniqueName("art");
        _version = await TelcoModel.RegisterAsync(_storage, table, container);
        ModelRegistry registry = ModelRegistryFactory.Create(_storage, new RegistryOptions { AuditKey = TelcoModel.AuditKey },
            new RegistryStorageOptions { TableName = table, ArtifactContainer = container }, TimeProvider.System);
        _metrics = new ScoringMetrics();
        _cache = new ModelCache(registry, new EngineSelector(), new ModelCacheOptions(), TimeProvider.System, _metrics, NullLogger<ModelCache>.Instance);
    }

    [Fact]
    public async Task A_table_chunk_done_twice_writes_each_entity_once_and_a_half_done_chunk_writes_only_the_rest()
    {
        TableServiceClient tables = _storage.CreateTableServiceClient();
        string name = AzuriteFixture.UniqueName("src");
        TableClient table = tables.GetTableClient(name);
        await table.CreateAsync();
        for (int start = 0; start < 300; start += 100)
        {
            await table.SubmitTransactionAsync(Enumerable.Range(start, 100).Select(i => new TableTransactionAction(TableTransactionActionType.Add, TelcoModel.Entity("p", $"r{i:D4}", i))));
        }

        var source = new TableSource(tables, new BatchScorer(_cache), TimeProvider.System);
        BatchRunStatus run = Run("table:" + name);
        var range = new ChunkRange(0, 300, "p", "r0000", "r0299");

        ChunkCounts first = await source.ScoreChunkAsync(run, range, CancellationToken.None);
        Dictionary<string, ETag> afterFirst = (await table.QueryAsync<TableEntity>().ToListAsync()).ToDictionary(e => e.RowKey, e => e.ETag);
        ChunkCounts second = await source.ScoreChunkAsync(run, range, CancellationToken.None);
        List<TableEntity> afterSecond = await table.QueryAsync<TableEntity>().ToListAsync();

        first.Should().Be(new ChunkCounts(300, 300 - first.Invalid, 0, first.Invalid));
        second.Should().Be(new ChunkCounts(300, 0, 300, 0));
        afterSecond.Should().HaveCount(300).And.OnlyContain(e => e.ETag == afterFirst[e.RowKey]);

        // As if the worker died after its first transaction: the first 100 carry the run, the rest an older one.
        foreach (TableEntity e in afterSecond.Skip(100))
        {
            e["batch_run"] = "20260101T000000Z-s";
            await table.UpdateEntityAsync(e, e.ETag, TableUpdateMode.Replace);
        }

        ChunkCounts resumed = await source.ScoreChunkAsync(run, range, CancellationToken.None);
        List<TableEntity> end = await table.QueryAsync<TableEntity>().ToListAsync();

        resumed.Skipped.Should().Be(100);
        (resumed.Scored + resumed.Invalid).Should().Be(200);
        end.Should().HaveCount(300).And.OnlyContain(e => e.GetString("batch_run") == run.RunId && e.GetInt32("model_version") == _version);
        end.Where(e => e.GetString("score_error") is null).Should().OnlyContain(e => Math.Abs(e.GetDouble("score")!.Value - TelcoModel.Expected(e.GetInt32("source_row")!.Value)) < 1e-5);
    }

    [Fact]
    public async Task A_blob_chunk_done_twice_leaves_its_part_as_the_first_attempt_wrote_it()
    {
        BlobServiceClient blobs = _storage.CreateBlobServiceClient();
        string container = AzuriteFixture.UniqueName("in");
        BlobContainerClient folder = blobs.GetBlobContainerClient(container);
        await folder.CreateAsync();
        byte[] csv = Encoding.UTF8.GetBytes(string.Join('\n', (await File.ReadAllLinesAsync(TelcoData.CsvPath)).Take(501)) + "\n");
        await folder.GetBlobClient("telco.csv").UploadAsync(new BinaryData(csv));
        var source = new BlobLineSource(blobs, new BatchScorer(_cache), TimeProvider.System);
        ChunkPlan plan = await source.PlanAsync(BatchSource.Parse($"blob:{container}/telco.csv"), 1000, CancellationToken.None);
        var stored = new StoredRun(Run($"blob:{container}/telco.csv"), "customerID", plan.Header);

        ChunkCounts first = await source.ScoreChunkAsync(stored, plan.Chunks[0], CancellationToken.None);
        BlobClient part = folder.GetBlobClient(BatchSource.Parse($"blob:{container}/telco.csv").PartPath(stored.Status.RunId, 0));
        Azure.Storage.Blobs.Models.BlobProperties written = (await part.GetPropertiesAsync()).Value;
        ChunkCounts second = await source.ScoreChunkAsync(stored, plan.Chunks[0], CancellationToken.None);
        Azure.Storage.Blobs.Models.BlobProperties after = (await part.GetPropertiesAsync()).Value;

        first.Rows.Should().Be(500);
        second.Should().Be(first);
        after.ETag.Should().Be(written.ETag);
        string[] lines = (await part.DownloadContentAsync()).Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(501);
    }

    private BatchRunStatus Run(string source) => new(
        "job", RunIds.OnDemand(DateTimeOffset.UtcNow), "manual", RunState.Running, TelcoModel.Name, "champion", _version, source,
        1, 300, 0, 0, 0, 0, 0, 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, null);

    public async Task DisposeAsync()
    {
        await _cache.DisposeAsync();
        _metrics.Dispose();
    }
}
