using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ModelOps.Scoring.Cache;
using ModelOps.Scoring.Validation;
using ModelOps.Scoring.Tests.Engines;
using ModelOps.Scoring.Tests.Registry;

namespace ModelOps.Scoring.Tests.Cache;

public sealed class ModelCacheTests
{
    private static readonly string Row = TestArtifacts.TelcoRowsJson(0, 1);

    [Fact]
    public async Task Concurrent_first_requests_load_the_version_once()
    {
        await using var harness = new ScoringHarness();
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        int readsBefore = harness.Stores.ArtifactReads;

        ModelLease[] leases = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => harness.Cache.AcquireAsync(ScoringHarness.Model, "champion", CancellationToken.None))));

        (harness.Stores.ArtifactReads - readsBefore).Should().Be(1);
        leases.Select(l => l.Model).Distinct().Should().ContainSingle();
        foreach (ModelLease lease in leases)
        {
            lease.Dispose();
        }
    }

    [Fact]
    public async Task A_swap_under_continuous_concurrent_scoring_through_the_service_fails_nothing_and_names_only_champions_of_the_window()
    {
        await using var harness = new ScoringHarness();
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        await harness.RegisterAsync(TestArtifacts.TelcoGbdt);
        using (await harness.Cache.AcquireAsync(ScoringHarness.Model, "champion", CancellationToken.None))
        {
        }

        var served = new ConcurrentBag<(int Version, bool AfterSwap)>();
        var failures = new ConcurrentBag<Exception>();
        int swapped = 0;
        using var stop = new CancellationTokenSource();
        Task[] clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                bool after = Volatile.Read(ref swapped) == 1;
                try
                {
                    ScoreResponse response = await harness.ScoreAsync(Row);
                    served.Add((response.Rows.Single().Version, after));
                }
                catch (Exception e)
                {
                    failures.Add(e);
                }
            }
        })).ToArray();

        await Until(() => served.Count >= 200);
        await harness.MoveAsync("champion", 2);
        await harness.Cache.PollAsync(CancellationToken.None);
        Volatile.Write(ref swapped, 1);
        await Until(() => served.Count(s => s.AfterSwap) >= 200);
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        failures.Should().BeEmpty();
        served.Select(s => s.Version).Distinct().Should().BeEquivalentTo([1, 2]);
        served.Where(s => s.AfterSwap).Should().OnlyContain(s => s.Version == 2);
        harness.Cache.Aliases[(ScoringHarness.Model, "champion")].Should().Be(2);
    }

    [Fact]
    public async Task Swapping_back_to_the_previous_version_serves_it_without_loading_it_again()
    {
        await using var harness = new ScoringHarness();
        var loads = new ConcurrentQueue<string?>();
        using MeterListener listener = ListenToLoads(harness, loads);
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        await harness.RegisterAsync(TestArtifacts.TelcoGbdt);
        (await harness.ScoreAsync(Row)).Rows.Single().Version.Should().Be(1);

        await harness.MoveAsync("champion", 2);
        await harness.Cache.PollAsync(CancellationToken.None);
        (await harness.ScoreAsync(Row)).Rows.Single().Version.Should().Be(2);
        await harness.MoveAsync("champion", 1);
        await harness.Cache.PollAsync(CancellationToken.None);
        ScoreResponse back = await harness.ScoreAsync(Row);

        back.Rows.Single().Version.Should().Be(1);
        loads.Should().BeEquivalentTo(["1", "2"], "each version loaded once; the swap back found version 1 still cached");
        harness.Cache.Loaded.Should().BeEquivalentTo([(ScoringHarness.Model, 1), (ScoringHarness.Model, 2)]);
    }

    [Fact]
    public async Task A_swapped_out_version_is_released_when_the_budget_has_no_room_for_it()
    {
        long both = TestArtifacts.TelcoGbdt.Length + TestArtifacts.TelcoGlm.Length;
        await using var harness = new ScoringHarness(new ModelCacheOptions { MemoryBudgetBytes = both - 1 });
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        await harness.RegisterAsync(TestArtifacts.TelcoGbdt);
        using ModelLease inFlight = await harness.Cache.AcquireAsync(ScoringHarness.Model, "champion", CancellationToken.None);

        await harness.MoveAsync("champion", 2);
        await harness.Cache.PollAsync(CancellationToken.None);

        harness.Cache.Loaded.Should().Equal((ScoringHarness.Model, 2));
        inFlight.Model.Version.Should().Be(1, "a request in flight keeps the version it was given until it is done");
        ScoreBody body = ScoreBodyReader.Read(ScoreBodyReader.Utf8(Row), new RequestLimits());
        inFlight.Model.Score(RowValidator.Validate(body.Rows, inFlight.Model.Schema, null), CancellationToken.None).Should().ContainSingle();
    }

    [Fact]
    public async Task A_version_that_fails_to_load_never_replaces_the_working_one_and_is_not_retried()
    {
        await using var harness = new ScoringHarness(validate: false);
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        await harness.RegisterAsync([1, 2, 3, 4, 5]);
        using (await harness.Cache.AcquireAsync(ScoringHarness.Model, "champion", CancellationToken.None))
        {
        }

        await harness.MoveAsync("champion", 2);
        await harness.Cache.PollAsync(CancellationToken.None);
        int reads = harness.Stores.ArtifactReads;
        await harness.Cache.PollAsync(CancellationToken.None);

        harness.Cache.Aliases[(ScoringHarness.Model, "champion")].Should().Be(1);
        harness.Stores.ArtifactReads.Should().Be(reads);
        using ModelLease lease = await harness.Cache.AcquireAsync(ScoringHarness.Model, "champion", CancellationToken.None);
        lease.Model.Version.Should().Be(1);
        EngineTests.Score(lease.Model, Row).Should().ContainSingle();
    }

    [Fact]
    public async Task When_storage_is_unreachable_the_cached_version_keeps_serving()
    {
        await using var harness = new ScoringHarness();
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        using (await harness.Cache.AcquireAsync(ScoringHarness.Model, "champion", CancellationToken.None))
        {
        }

        harness.Stores.Unreachable = true;
        await harness.Cache.PollAsync(CancellationToken.None);
        using ModelLease lease = await harness.Cache.AcquireAsync(ScoringHarness.Model, "champion", CancellationToken.None);
        Func<Task> uncached = () => harness.Cache.AcquireAsync(ScoringHarness.Model, "challenger", CancellationToken.None);

        lease.Model.Version.Should().Be(1);
        EngineTests.Score(lease.Model, Row).Should().ContainSingle();
        await uncached.Should().ThrowAsync<ModelUnavailableException>();
    }

    [Fact]
    public async Task A_model_storage_cannot_serve_is_unavailable_without_naming_storage()
    {
        await using var harness = new ScoringHarness();
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        harness.Stores.Unreachable = true;

        Func<Task> score = () => harness.ScoreAsync(Row);

        ModelUnavailableException unavailable = (await score.Should().ThrowAsync<ModelUnavailableException>()).Which;
        unavailable.Message.Should().Contain(ScoringHarness.Model).And.NotContain("127.0.0.1").And.NotContain("devstoreaccount1").And.NotContain("Connection refused");
        unavailable.InnerException!.Message.Should().Contain(ReachableStores.StorageUrl, "the cause is kept for the logs");
    }

    [Fact]
    public async Task The_clock_drives_polling_and_a_moved_alias_is_swapped_after_one_interval()
    {
        await using var harness = new ScoringHarness(new ModelCacheOptions { PollInterval = TimeSpan.FromSeconds(5) });
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        await harness.RegisterAsync(TestArtifacts.TelcoGbdt);
        using (await harness.Cache.AcquireAsync(ScoringHarness.Model, "champion", CancellationToken.None))
        {
        }

        harness.Cache.Start();
        await harness.MoveAsync("champion", 2);
        harness.Clock.Advance(TimeSpan.FromSeconds(4));
        harness.Cache.Aliases[(ScoringHarness.Model, "champion")].Should().Be(1);
        harness.Clock.Advance(TimeSpan.FromSeconds(1));

        await Until(() => harness.Cache.Aliases[(ScoringHarness.Model, "champion")] == 2);
    }

    [Fact]
    public async Task Beyond_the_memory_budget_the_least_recently_used_unaliased_version_is_released()
    {
        long one = TestArtifacts.TelcoGbdt.Length + TestArtifacts.TelcoGlm.Length;
        await using var harness = new ScoringHarness(new ModelCacheOptions { MemoryBudgetBytes = one + 10 });
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        await harness.RegisterAsync(TestArtifacts.TelcoGbdt);
        await harness.RegisterAsync(TestArtifacts.TelcoGbdt.Concat(new byte[] { 0x12, 0x00 }).ToArray());
        using (await harness.Cache.AcquireAsync(ScoringHarness.Model, "champion", CancellationToken.None))
        using (await harness.Cache.AcquireVersionAsync(ScoringHarness.Model, 2, CancellationToken.None))
        {
        }

        using (await harness.Cache.AcquireVersionAsync(ScoringHarness.Model, 3, CancellationToken.None))
        {
        }

        await Until(() => !harness.Cache.Loaded.Contains((ScoringHarness.Model, 2)));
        harness.Cache.Loaded.Should().BeEquivalentTo([(ScoringHarness.Model, 1), (ScoringHarness.Model, 3)]);
    }

    [Fact]
    public async Task Two_instances_sharing_storage_both_move_to_the_new_champion_after_their_polls()
    {
        await using var one = new ScoringHarness();
        await one.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        await one.RegisterAsync(TestArtifacts.TelcoGbdt);
        await using var other = new ModelCache(one.Registry, one.Engines, new ModelCacheOptions(), one.Clock, one.Metrics, Microsoft.Extensions.Logging.Abstractions.NullLogger<ModelCache>.Instance);
        foreach (ModelCache cache in new[] { one.Cache, other })
        {
            using ModelLease lease = await cache.AcquireAsync(ScoringHarness.Model, "champion", CancellationToken.None);
            lease.Model.Version.Should().Be(1);
        }

        await one.MoveAsync("champion", 2);
        await Task.WhenAll(one.Cache.PollAsync(CancellationToken.None), other.PollAsync(CancellationToken.None));

        foreach (ModelCache cache in new[] { one.Cache, other })
        {
            using ModelLease lease = await cache.AcquireAsync(ScoringHarness.Model, "champion", CancellationToken.None);
            lease.Model.Version.Should().Be(2);
        }
    }

    /// <summary>The version tag of every cache load the harness's meter counts.</summary>
    private static MeterListener ListenToLoads(ScoringHarness harness, ConcurrentQueue<string?> loads)
    {
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, harness.Metrics.Meter) && instrument.Name == "modelops.scoring.cache.loads")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "version")
                {
                    loads.Enqueue(tag.Value?.ToString());
                }
            }
        });
        listener.Start();
        return listener;
    }

    internal static async Task Until(Func<bool> condition)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the condition should hold within a minute");
            await Task.Delay(10);
        }
    }
}
