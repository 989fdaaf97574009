using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOps.Registry;
using ModelOps.Scoring.Payloads;
using ModelOps.Scoring.Telemetry;
using ModelOps.Testing;

namespace ModelOps.Scoring.Tests.Payloads;

[Collection(AzuriteCollection.Name)]
public sealed class PayloadLoggingTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly BlobContainerClient _container = new(azurite.ConnectionString, AzuriteFixture.UniqueName("payloads"));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _container.DeleteIfExistsAsync();

    [Fact]
    public async Task Payloads_of_1000_scored_rows_are_all_in_blob_storage_after_a_graceful_stop()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 12, 1, 21, 5, 0, TimeSpan.Zero));
        await using var harness = new ScoringHarness(payloads: new BlobPayloadSink(_container, clock), payloadOptions: new PayloadOptions { BatchSize = 64 });
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        await harness.Routes.SetRoutingAsync(new ModelRouting(ScoringHarness.Model, [new AliasWeight("champion", 1)], "customerId", ShadowAlias: "shadow"), null, CancellationToken.None);
        await harness.RegisterAsync(TestArtifacts.TelcoGbdt, "shadow");

        var responses = new List<ScoreResponse>();
        for (int request = 0; request < 100; request++)
        {
            responses.Add(await harness.ScoreAsync(TestArtifacts.TelcoRowsJson(request * 10, 10, keyField: "customerId")));
        }

        await harness.StopAsync();
        List<JsonElement> records = await ReadAllAsync("payloads/telco/");

        responses.SelectMany(r => r.Rows).Should().OnlyContain(r => r.Alias == "champion");
        List<JsonElement> scored = records.Where(r => !r.TryGetProperty("shadow", out _)).ToList();
        scored.Should().HaveCount(1000);
        scored.Select(r => r.GetProperty("key").GetString()).Should().OnlyHaveUniqueItems();
        JsonElement first = scored.First(r => r.GetProperty("key").GetString() == "c0");
        first.GetProperty("version").GetInt32().Should().Be(1);
        first.GetProperty("alias").GetString().Should().Be("champion");
        first.GetProperty("engine").GetString().Should().Be("ModelOps");
        first.GetProperty("requestId").GetString().Should().Be(responses[0].RequestId);
        first.GetProperty("features").GetProperty("Contract").ValueKind.Should().Be(JsonValueKind.String);
        first.GetProperty("outputs").GetProperty("probabilities").GetProperty("Yes").GetDouble()
            .Should().Be(responses[0].Rows[0].Probabilities!["Yes"]);
        records.Where(r => r.TryGetProperty("shadow", out _)).Should().HaveCount(1000)
            .And.OnlyContain(r => r.GetProperty("alias").GetString() == "shadow" && r.GetProperty("version").GetInt32() == 2);
    }

    [Fact]
    public async Task Blobs_are_named_by_model_and_hour_and_refusals_are_kept_when_nothing_is_sampled()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 12, 1, 7, 30, 0, TimeSpan.Zero));
        await using var harness = new ScoringHarness(payloads: new BlobPayloadSink(_container, clock), payloadOptions: new PayloadOptions { SampleRate = 0 });
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");

        await harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 5));
        Func<Task> refused = () => harness.ScoreAsync("{\"tenure\":\"long\"}");
        await refused.Should().ThrowAsync<ScoringValidationException>();
        await harness.StopAsync();

        List<JsonElement> records = await ReadAllAsync(BlobPayloadSink.Prefix("telco", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        records.Should().ContainSingle().Which.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString())
            .Should().Contain("tenure").And.Contain("Contract");
    }

    [Fact]
    public async Task When_the_buffer_is_full_records_are_dropped_and_counted_without_blocking()
    {
        var sink = new MemoryPayloadSink { Gate = new TaskCompletionSource() };
        using var metrics = new ScoringMetrics();
        await using var logger = new PayloadLogger(sink, new PayloadOptions { Capacity = 10, BatchSize = 5 }, metrics, NullLogger<PayloadLogger>.Instance);
        var record = new PayloadRecord(DateTimeOffset.UnixEpoch, "r", "telco", 0, null, null, null, 1, "champion", "ModelOps", 0.1);

        bool[] accepted = Enumerable.Range(0, 100).Select(_ => logger.Log(record)).ToArray();
        sink.Gate.SetResult();
        await logger.StopAsync(CancellationToken.None);

        accepted.Count(a => !a).Should().BeGreaterThanOrEqualTo(85);
        logger.Dropped.Should().Be(accepted.Count(a => !a));
        sink.Records.Should().HaveCount(accepted.Count(a => a));
    }

    [Fact]
    public async Task A_batch_holds_at_most_the_batch_size_and_each_record_is_written_once()
    {
        var sink = new MemoryPayloadSink();
        using var metrics = new ScoringMetrics();
        await using var logger = new PayloadLogger(sink, new PayloadOptions { BatchSize = 5 }, metrics, NullLogger<PayloadLogger>.Instance);

        for (int row = 0; row < 12; row++)
        {
            logger.Log(new PayloadRecord(DateTimeOffset.UnixEpoch, "r", "telco", row, null, null, null, 1, "champion", "ModelOps", 0.1)).Should().BeTrue();
        }

        await logger.StopAsync(CancellationToken.None);

        sink.Batches.Should().Equal(5, 5, 2);
        sink.Records.Select(r => r.GetProperty("row").GetInt32()).Should().Equal(Enumerable.Range(0, 12));
    }

    [Fact]
    public async Task A_batch_that_does_not_fill_is_written_a_batch_window_after_its_first_record_without_a_stop()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var sink = new MemoryPayloadSink();
        using var metrics = new ScoringMetrics();
        await using var logger = new PayloadLogger(sink, new PayloadOptions(), metrics, NullLogger<PayloadLogger>.Instance, clock: clock);
        for (int row = 0; row < 3; row++)
        {
            logger.Log(new PayloadRecord(clock.GetUtcNow(), "r", "telco", row, null, null, null, 1, "champion", "ModelOps", 0.1));
        }

        // The writer runs on its own: move the clock in small steps until the batch is out (bounded in steps, not in time).
        TimeSpan moved = TimeSpan.Zero;
        for (int step = 0; step < 400 && sink.Batches.IsEmpty; step++)
        {
            await Task.Delay(5);
            clock.Advance(TimeSpan.FromMilliseconds(25));
            moved += TimeSpan.FromMilliseconds(25);
        }

        sink.Batches.Should().Equal(3);
        moved.Should().BeGreaterThanOrEqualTo(PayloadLogger.BatchWindow);
    }

    private async Task<List<JsonElement>> ReadAllAsync(string prefix)
    {
        var records = new List<JsonElement>();
        await foreach (BlobItem blob in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None))
        {
            blob.Name.Should().EndWith(".jsonl");
            BinaryData content = (await _container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content;
            records.AddRange(Encoding.UTF8.GetString(content.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()));
        }

        return records;
    }
}
