using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOps.Registry;
using ModelOps.Scoring.Cache;
using ModelOps.Scoring.Engines;
using ModelOps.Scoring.Payloads;
using ModelOps.Scoring.Routing;
using ModelOps.Scoring.Validation;
using ModelOps.Scoring.Telemetry;
using ModelOps.Scoring.Tests.Registry;
using ModelOps.Testing;

namespace ModelOps.Scoring.Tests;

/// <summary>A registry on in-memory ports (validated by both engines, or by nothing for broken versions), a fake clock, and a cache over them.</summary>
internal sealed class ScoringHarness : IAsyncDisposable
{
    public const string Model = "telco";

    private static readonly byte[] AuditKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    public ScoringHarness(ModelCacheOptions? cacheOptions = null, bool validate = true, IPayloadSink? payloads = null, PayloadOptions? payloadOptions = null, ILoggerFactory? logs = null)
    {
        logs ??= NullLoggerFactory.Instance;
        var options = new RegistryOptions { AuditKey = Convert.ToBase64String(AuditKey) };
        IModelArtifactValidator validator = validate ? new CrossCheckedArtifactValidator(options, Engines) : new AnyArtifact();
        Registry = new ModelRegistry(Stores, Stores, validator, new AuditChain(AuditKey), options, Clock);
        Cache = new ModelCache(Registry, Engines, cacheOptions ?? new ModelCacheOptions(), Clock, Metrics, logs.CreateLogger<ModelCache>());
        Sink = payloads ?? new MemoryPayloadSink();
        Payloads = new PayloadLogger(Sink, payloadOptions ?? new PayloadOptions(), Metrics, logs.CreateLogger<PayloadLogger>(), new Random(7));
        Shadow = new ShadowScorer(Cache, Payloads, Metrics, logs.CreateLogger<ShadowScorer>(), Clock);
        Service = new ScoringService(Cache, new RoutingTable(Routes, Clock, TimeSpan.FromSeconds(10)), Shadow, Payloads, new RequestLimits(), Metrics,
            logs.CreateLogger<ScoringService>(), Clock, new Random(11));
    }

    public IPayloadSink Sink { get; }

    public PayloadLogger Payloads { get; }

    public ShadowScorer Shadow { get; }

    public ScoringService Service { get; }

    public MemoryRoutingStore Routes { get; } = new();

    /// <summary>Scores a JSON body through the service.</summary>
    public Task<ScoreResponse> ScoreAsync(string body, string? alias = null, int? version = null, string? keyField = null) =>
        Service.ScoreAsync(new ScoreRequest(Model, ScoreBodyReader.Utf8(body), "req-" + Guid.NewGuid().ToString("N")[..8], alias, version, KeyField: keyField), CancellationToken.None);

    /// <summary>Stops shadow scoring and payload logging, writing everything queued.</summary>
    public async Task StopAsync()
    {
        await Shadow.StopAsync(CancellationToken.None);
        await Payloads.StopAsync(CancellationToken.None);
    }

    public ReachableStores Stores { get; } = new();

    public ManualTimeProvider Clock { get; } = new();

    public EngineSelector Engines { get; } = new();

    public ScoringMetrics Metrics { get; } = new();

    public ModelRegistry Registry { get; }

    public ModelCache Cache { get; }

    public Task<ModelVersion> RegisterAsync(byte[] artifact, string? alias = null, IReadOnlyList<string>? tags = null) =>
        Registry.RegisterAsync(new RegistrationRequest(Model, Tags: tags, Alias: alias, Reason: "test"), artifact, "alice", CancellationToken.None);

    public Task<AliasPointer> MoveAsync(string alias, int version) =>
        Registry.MoveAliasAsync(Model, alias, version, "promote", null, "alice", CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Cache.DisposeAsync();
        Metrics.Dispose();
    }

    /// <summary>Accepts any bytes: lets a test register a version that will not load.</summary>
    private sealed class AnyArtifact : IModelArtifactValidator
    {
        public ArtifactFacts Validate(ReadOnlyMemory<byte> artifact, ModelSchema declared, CancellationToken cancellationToken) =>
            new("onnx", new Dictionary<string, long>(), ModelSchema.Empty);
    }
}
