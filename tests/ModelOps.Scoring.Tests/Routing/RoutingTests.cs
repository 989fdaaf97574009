using ModelOps.Registry;
using ModelOps.Scoring.Routing;

namespace ModelOps.Scoring.Tests.Routing;

public sealed class RoutingTests
{
    private static readonly ModelRouting Split = new(ScoringHarness.Model, [new AliasWeight("champion", 90), new AliasWeight("challenger", 10)], KeyField: "customerId");

    [Fact]
    public void A_90_10_split_over_10000_keys_lands_within_2_percent_and_a_key_always_gets_the_same_alias()
    {
        string[] keys = Enumerable.Range(0, 10_000).Select(i => "customer-" + i).ToArray();

        string[] first = keys.Select(k => TrafficSplit.Assign(Split, k, new Random(1))).ToArray();
        string[] again = keys.Select(k => TrafficSplit.Assign(Split, k, new Random(2))).ToArray();

        first.Count(a => a == "champion").Should().BeInRange(8800, 9200);
        again.Should().Equal(first);
    }

    [Fact]
    public void The_bucket_is_SHA256_of_model_and_key_so_every_process_agrees()
    {
        // First 8 bytes, big-endian, of SHA-256("telco\0customer-1"), computed independently.
        TrafficSplit.Bucket("telco", "customer-1").Should().Be(17415634639768632838UL);
    }

    [Fact]
    public async Task Rows_are_routed_by_their_key_and_name_the_alias_and_version_that_served_them()
    {
        await using var harness = new ScoringHarness();
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        await harness.RegisterAsync(TestArtifacts.TelcoGbdt, "challenger");
        await harness.Routes.SetRoutingAsync(Split, null, CancellationToken.None);

        ScoreResponse response = await harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 300, keyField: "customerId"));

        response.Rows.Should().HaveCount(300);
        foreach (RowScore row in response.Rows)
        {
            row.Alias.Should().Be(TrafficSplit.Assign(Split, row.Key, new Random(0)));
            row.Version.Should().Be(row.Alias == "champion" ? 1 : 2);
        }

        response.Rows.Select(r => r.Alias).Distinct().Should().HaveCount(2);
    }

    [Fact]
    public async Task The_kill_switch_refuses_with_retry_after_or_serves_the_fallback_alias()
    {
        await using var harness = new ScoringHarness();
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        await harness.RegisterAsync(TestArtifacts.TelcoGbdt, "challenger");
        ModelRouting off = await harness.Routes.SetRoutingAsync(Split with { Enabled = false, RetryAfterSeconds = 120 }, null, CancellationToken.None);

        Func<Task> refused = () => harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 3, keyField: "customerId"));
        (await refused.Should().ThrowAsync<ScoringDisabledException>()).Which.RetryAfter.Should().Be(TimeSpan.FromMinutes(2));

        await harness.Routes.SetRoutingAsync(off with { FallbackAlias = "challenger" }, off.ETag, CancellationToken.None);
        harness.Clock.Advance(TimeSpan.FromSeconds(11));
        ScoreResponse fallback = await harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 20, keyField: "customerId"));
        fallback.Rows.Should().OnlyContain(r => r.Alias == "challenger" && r.Version == 2);
    }

    [Fact]
    public async Task Shadow_results_appear_in_payload_logs_and_never_in_responses()
    {
        await using var harness = new ScoringHarness();
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        await harness.RegisterAsync(TestArtifacts.TelcoGbdt, "shadow");
        await harness.Routes.SetRoutingAsync(new ModelRouting(ScoringHarness.Model, [new AliasWeight("champion", 1)], "customerId", ShadowAlias: "shadow"), null, CancellationToken.None);

        ScoreResponse response = await harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 10, keyField: "customerId"));
        await harness.StopAsync();

        response.Rows.Should().OnlyContain(r => r.Alias == "champion" && r.Version == 1);
        var records = ((MemoryPayloadSink)harness.Sink).Records;
        records.Where(r => r.TryGetProperty("shadow", out _)).Should().HaveCount(10)
            .And.OnlyContain(r => r.GetProperty("alias").GetString() == "shadow" && r.GetProperty("version").GetInt32() == 2);
        records.Count(r => !r.TryGetProperty("shadow", out _)).Should().Be(10);
    }

    [Fact]
    public async Task An_explicit_alias_or_version_bypasses_the_split()
    {
        await using var harness = new ScoringHarness();
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        await harness.RegisterAsync(TestArtifacts.TelcoGbdt, "challenger");
        await harness.Routes.SetRoutingAsync(Split, null, CancellationToken.None);

        ScoreResponse byAlias = await harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 50, keyField: "customerId"), alias: "challenger");
        ScoreResponse byVersion = await harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 50, keyField: "customerId"), version: 1);

        byAlias.Rows.Should().OnlyContain(r => r.Alias == "challenger" && r.Version == 2);
        byVersion.Rows.Should().OnlyContain(r => r.Alias == "version" && r.Version == 1);
    }

    [Fact]
    public async Task When_the_shadow_queue_is_full_shadow_work_is_dropped_and_counted_and_requests_do_not_wait()
    {
        await using var harness = new ScoringHarness();
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        await harness.RegisterAsync(TestArtifacts.TelcoGbdt, "shadow");
        await harness.Routes.SetRoutingAsync(new ModelRouting(ScoringHarness.Model, [new AliasWeight("champion", 1)], ShadowAlias: "shadow"), null, CancellationToken.None);
        using (await harness.Cache.AcquireAsync(ScoringHarness.Model, "champion", CancellationToken.None))
        {
        }

        // The shadow version's first load waits on storage, so the shadow reader holds one request and the queue fills.
        harness.Stores.ArtifactGate = new TaskCompletionSource();

        for (int i = 0; i < harness.Shadow.Capacity + 50; i++)
        {
            (await harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 1))).Rows.Should().ContainSingle().Which.Alias.Should().Be("champion");
        }

        harness.Shadow.Dropped.Should().BeGreaterThanOrEqualTo(49);
        harness.Stores.ArtifactGate.SetResult();
    }
}
