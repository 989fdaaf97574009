using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace ModelOps.Scoring.Telemetry;

/// <summary>
/// Scoring's meter (<see cref="MeterName"/>): requests, rows, latency, errors, cache loads and failures, swaps,
/// evictions, shadow and payload drops — tagged by model and, where one served, version, alias and engine.
/// Tags never hold feature values or entity keys.
/// </summary>
public sealed class ScoringMetrics : IDisposable
{
    /// <summary>The meter's name, for OpenTelemetry's <c>AddMeter</c>.</summary>
    public const string MeterName = "ModelOps.Scoring";

    /// <summary>The latency histogram's name (exporters give it buckets suited to milliseconds).</summary>
    public const string LatencyInstrument = "modelops.scoring.latency";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _rows;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _loads;
    private readonly Counter<long> _loadFailures;
    private readonly Counter<long> _swaps;
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _storageFailures;
    private readonly Counter<long> _shadowDrops;
    private readonly Counter<long> _payloadDrops;

    public ScoringMetrics()
    {
        _meter = new Meter(MeterName);
        _requests = _meter.CreateCounter<long>("modelops.scoring.requests", "{request}", "Scoring requests answered, per version that served them.");
        _rows = _meter.CreateCounter<long>("modelops.scoring.rows", "{row}", "Rows scored.");
        _errors = _meter.CreateCounter<long>("modelops.scoring.errors", "{request}", "Scoring requests refused or failed, by kind.");
        _latency = _meter.CreateHistogram<double>(LatencyInstrument, "ms", "Time to score one request's rows on one version.");
        _loads = _meter.CreateCounter<long>("modelops.scoring.cache.loads", "{load}", "Versions loaded into the cache.");
        _loadFailures = _meter.CreateCounter<long>("modelops.scoring.cache.load_failures", "{load}", "Versions that failed to load.");
        _swaps = _meter.CreateCounter<long>("modelops.scoring.cache.swaps", "{swap}", "Aliases swapped to a new version.");
        _evictions = _meter.CreateCounter<long>("modelops.scoring.cache.evictions", "{version}", "Versions released from the cache.");
        _storageFailures = _meter.CreateCounter<long>("modelops.scoring.cache.storage_failures", "{poll}", "Alias polls that could not reach storage.");
        _shadowDrops = _meter.CreateCounter<long>("modelops.scoring.shadow.drops", "{request}", "Shadow requests dropped because the queue was full.");
        _payloadDrops = _meter.CreateCounter<long>("modelops.scoring.payloads.drops", "{row}", "Payload records dropped (buffer full or write failed).");
    }

    /// <summary>The meter itself (listeners filter on it).</summary>
    public Meter Meter => _meter;

    /// <summary>
    /// One answered request per version that served rows of it (a request split over aliases counts once for each),
    /// tagged like the rows it scored.
    /// </summary>
    public void Request(string model, string outcome, int version, string alias, string engine) =>
        _requests.Add(1, new TagList { { "model", model }, { "version", Version(version) }, { "alias", alias }, { "engine", engine }, { "outcome", outcome } });

    public void Scored(string model, int version, string alias, string engine, int rows, TimeSpan elapsed)
    {
        var tags = new TagList { { "model", model }, { "version", Version(version) }, { "alias", alias }, { "engine", engine } };
        _rows.Add(rows, tags);
        _latency.Record(elapsed.TotalMilliseconds, tags);
    }

    public void Error(string model, string kind) => _errors.Add(1, new("model", model), new("kind", kind));

    public void Loaded(string model, int version, string engine) => _loads.Add(1, new("model", model), new("version", Version(version)), new("engine", engine));

    public void LoadFailed(string model, int version) => _loadFailures.Add(1, new("model", model), new("version", Version(version)));

    public void Swapped(string model, string alias, int version) => _swaps.Add(1, new("model", model), new("alias", alias), new("version", Version(version)));

    public void Evicted(string model, int version) => _evictions.Add(1, new("model", model), new("version", Version(version)));

    public void StorageFailed(string model) => _storageFailures.Add(1, new KeyValuePair<string, object?>("model", model));

    public void ShadowDropped(string model) => _shadowDrops.Add(1, new KeyValuePair<string, object?>("model", model));

    public void PayloadsDropped(string model, int count) => _payloadDrops.Add(count, new KeyValuePair<string, object?>("model", model));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private static string Version(int version) => version.ToString(CultureInfo.InvariantCulture);
}
