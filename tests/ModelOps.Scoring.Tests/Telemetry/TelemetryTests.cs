using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ModelOps.Scoring.Telemetry;

namespace ModelOps.Scoring.Tests.Telemetry;

public sealed class TelemetryTests
{
    [Fact]
    public async Task Meters_count_rows_latency_loads_and_swaps_per_model_and_version()
    {
        await using var harness = new ScoringHarness(validate: false);
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string?> Tags)>();
        using MeterListener listener = Listen(harness, measurements);
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        await harness.RegisterAsync(TestArtifacts.TelcoGbdt);
        await harness.RegisterAsync([9, 9, 9]);

        await harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 7));
        await harness.MoveAsync("champion", 3);
        await harness.Cache.PollAsync(CancellationToken.None);
        await harness.MoveAsync("champion", 2);
        await harness.Cache.PollAsync(CancellationToken.None);
        await harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 3));

        Sum("modelops.scoring.rows", "1").Should().Be(7);
        Sum("modelops.scoring.rows", "2").Should().Be(3);
        measurements.Where(m => m.Instrument == "modelops.scoring.latency").Should().HaveCount(2).And.OnlyContain(m => m.Tags["engine"] == "ModelOps");
        Sum("modelops.scoring.cache.loads", "1").Should().Be(1);
        Sum("modelops.scoring.cache.load_failures", "3").Should().Be(1);
        Sum("modelops.scoring.cache.swaps", "2").Should().Be(1);
        Sum("modelops.scoring.requests", null).Should().Be(2);

        double Sum(string name, string? version) => measurements
            .Where(m => m.Instrument == name && m.Tags["model"] == "telco" && (version is null || m.Tags["version"] == version)).Sum(m => m.Value);
    }

    [Fact]
    public async Task Meters_count_errors_by_kind_and_dropped_shadow_requests_and_tag_no_feature_value_or_key()
    {
        await using var harness = new ScoringHarness();
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string?> Tags)>();
        using MeterListener listener = Listen(harness, measurements);
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        await harness.Routes.SetRoutingAsync(new ModelOps.Registry.ModelRouting(ScoringHarness.Model, [new ModelOps.Registry.AliasWeight("champion", 1)], "customerId", ShadowAlias: "champion"), null, CancellationToken.None);
        await harness.Shadow.StopAsync(CancellationToken.None);

        await harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 2, keyField: "customerId").Replace("\"c0\"", "\"secret-key-4711\"", StringComparison.Ordinal));
        Func<Task> refused = () => harness.ScoreAsync("{\"tenure\":\"secret-value-0815\"}");
        await refused.Should().ThrowAsync<ScoringValidationException>();
        Func<Task> unknownAlias = () => harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 1), alias: "nobody");
        await unknownAlias.Should().ThrowAsync<ModelOps.Registry.RegistryNotFoundException>();

        measurements.Where(m => m.Instrument == "modelops.scoring.errors").Select(m => m.Tags["kind"]).Should().BeEquivalentTo(["validation", "not_found"]);
        measurements.Where(m => m.Instrument == "modelops.scoring.shadow.drops").Sum(m => m.Value).Should().Be(1, "the stopped shadow queue takes nothing");
        measurements.Where(m => m.Instrument == "modelops.scoring.requests").Should().ContainSingle(m => m.Tags["outcome"] == "scored");
        measurements.SelectMany(m => m.Tags.Values).Should().NotContain(v => v != null && (v.Contains("secret", StringComparison.Ordinal) || v.Contains("Month-to-month", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_requests_counter_is_tagged_by_model_version_alias_and_engine_like_the_rows_counter()
    {
        await using var harness = new ScoringHarness(validate: false);
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string?> Tags)>();
        using MeterListener listener = Listen(harness, measurements);
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        await harness.RegisterAsync(TestArtifacts.TelcoGbdt, "challenger");

        await harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 2));
        await harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 1), alias: "challenger");

        var requests = measurements.Where(m => m.Instrument == "modelops.scoring.requests").ToArray();
        requests.Should().HaveCount(2);
        requests.Should().ContainSingle(m => m.Tags["model"] == "telco" && m.Tags["version"] == "1" && m.Tags["alias"] == "champion" && m.Tags["engine"] == "ModelOps" && m.Tags["outcome"] == "scored");
        requests.Should().ContainSingle(m => m.Tags["version"] == "2" && m.Tags["alias"] == "challenger" && m.Tags["engine"] != null);
    }

    [Fact]
    public async Task A_scored_request_has_a_span_naming_model_version_alias_and_engine_but_no_feature_value_or_key()
    {
        await using var harness = new ScoringHarness();
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");
        var spans = new ConcurrentQueue<Activity>();
        using ActivityListener listener = ListenToSpans(spans);
        // A parent of the test's own, so spans of tests running beside this one are told apart by trace.
        using var parent = new Activity("test").Start();

        await harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 3, keyField: "customerId").Replace("\"c0\"", "\"secret-key-4711\"", StringComparison.Ordinal), keyField: "customerId");
        Func<Task> refused = () => harness.ScoreAsync("{\"tenure\":\"secret-value-0815\"}");
        await refused.Should().ThrowAsync<ScoringValidationException>();
        parent.Stop();

        Activity[] mine = spans.Where(s => s.TraceId == parent.TraceId).ToArray();
        mine.Should().HaveCount(2).And.OnlyContain(s => s.OperationName == ScoringTracing.ScoreSpan && (string?)s.GetTagItem("model") == "telco");
        Activity scored = mine.Single(s => s.Status != ActivityStatusCode.Error);
        scored.GetTagItem("version").Should().Be("1");
        scored.GetTagItem("alias").Should().Be("champion");
        scored.GetTagItem("engine").Should().Be("ModelOps");
        scored.GetTagItem("rows").Should().Be(3);
        mine.Single(s => s.Status == ActivityStatusCode.Error).GetTagItem("error.type").Should().Be("validation");
        mine.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString()).Should().NotContain(v => v != null && (v.Contains("secret", StringComparison.Ordinal) || v.Contains("Month-to-month", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Logs_name_models_and_versions_but_never_feature_values_or_keys()
    {
        var logs = new RecordingLogs();
        await using var harness = new ScoringHarness(logs: logs);
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");

        await harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 5, keyField: "customerId").Replace("\"c0\"", "\"secret-key-4711\"", StringComparison.Ordinal), keyField: "customerId");
        Func<Task> refused = () => harness.ScoreAsync("{\"tenure\":\"secret-value-0815\"}");
        await refused.Should().ThrowAsync<ScoringValidationException>();

        logs.Entries.Select(e => e.Id.Id).Should().Contain([3101, 3110, 3111]);
        foreach ((_, string message, string[] values) in logs.Entries)
        {
            foreach (string secret in new[] { "secret-key-4711", "secret-value-0815", "Month-to-month", "Electronic check" })
            {
                message.Should().NotContain(secret);
                values.Should().NotContain(v => v.Contains(secret, StringComparison.Ordinal));
            }
        }
    }

    /// <summary>Records every measurement of the harness's scoring meter.</summary>
    private static MeterListener Listen(ScoringHarness harness, ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string?> Tags)> measurements)
    {
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, harness.Metrics.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tags(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tags(tags))));
        listener.Start();
        return listener;
    }

    /// <summary>Records every finished span of scoring's activity source.</summary>
    private static ActivityListener ListenToSpans(ConcurrentQueue<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ScoringTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static Dictionary<string, string?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            map[tag.Key] = tag.Value?.ToString();
        }

        return map;
    }
}
