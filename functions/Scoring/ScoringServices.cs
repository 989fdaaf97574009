using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelOps.Hosting;
using ModelOps.Hosting.Registry;
using ModelOps.Registry;
using ModelOps.Scoring.Cache;
using ModelOps.Scoring.Engines;
using ModelOps.Scoring.Payloads;
using ModelOps.Scoring.Routing;
using ModelOps.Scoring.Telemetry;
using ModelOps.Scoring.Validation;
using ModelOps.Storage;

namespace ModelOps.Scoring.Functions;

/// <summary>
/// The scoring app's services: the registry, both engines, the model cache, routing, shadow scoring and payload
/// logging, with settings bound from configuration and validated when the app starts —
/// <c>Scoring__Cache__PollInterval</c>, <c>Scoring__Cache__MemoryBudgetBytes</c>, <c>Scoring__Payloads__*</c>
/// (<c>SampleRate</c>, <c>Capacity</c>, <c>BatchSize</c>, <c>Container</c>) and the request limits
/// <c>Scoring__MaxBodyBytes</c>, <c>Scoring__MaxRows</c>, … (<see cref="RequestLimits"/>).
/// </summary>
public static class ScoringServices
{
    /// <summary>The section of the request limits.</summary>
    public const string LimitsSection = "Scoring";

    /// <summary>Adds everything <see cref="ScoringService"/> needs, and the hosted service that starts polling and flushes on stop.</summary>
    public static IServiceCollection AddModelScoring(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddModelRegistry(configuration);
        services.AddSingleton<IProblemMapping, ScoringProblemMapping>();
        Bind<ModelCacheOptions>(services, configuration, ModelCacheOptions.Section, o => o.Problems());
        Bind<PayloadOptions>(services, configuration, PayloadOptions.Section, o => o.Problems());
        Bind<RequestLimits>(services, configuration, LimitsSection, o => o.Problems());

        services.AddSingleton(Value<RequestLimits>);
        services.AddSingleton<EngineSelector>();
        services.AddSingleton<ScoringMetrics>();
        services.AddSingleton(sp => new ModelCache(
            sp.GetRequiredService<ModelRegistry>(), sp.GetRequiredService<EngineSelector>(), Value<ModelCacheOptions>(sp),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ScoringMetrics>(), sp.GetRequiredService<ILogger<ModelCache>>()));

        // Routing is re-read as often as alias pointers are, so a split or a kill switch takes effect as fast as a swap.
        services.AddSingleton(sp => new RoutingTable(sp.GetRequiredService<IRoutingStore>(), sp.GetRequiredService<TimeProvider>(), Value<ModelCacheOptions>(sp).PollInterval));
        services.AddSingleton<IPayloadSink>(sp => new BlobPayloadSink(
            sp.GetRequiredService<StorageConnection>().CreateBlobServiceClient().GetBlobContainerClient(Value<PayloadOptions>(sp).Container), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new PayloadLogger(
            sp.GetRequiredService<IPayloadSink>(), Value<PayloadOptions>(sp), sp.GetRequiredService<ScoringMetrics>(), sp.GetRequiredService<ILogger<PayloadLogger>>(),
            clock: sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ShadowScorer(
            sp.GetRequiredService<ModelCache>(), sp.GetRequiredService<PayloadLogger>(), sp.GetRequiredService<ScoringMetrics>(),
            sp.GetRequiredService<ILogger<ShadowScorer>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ScoringService(
            sp.GetRequiredService<ModelCache>(), sp.GetRequiredService<RoutingTable>(), sp.GetRequiredService<ShadowScorer>(), sp.GetRequiredService<PayloadLogger>(),
            Value<RequestLimits>(sp), sp.GetRequiredService<ScoringMetrics>(), sp.GetRequiredService<ILogger<ScoringService>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ScoringAnswers>();
        services.AddHostedService<ScoringLifetime>();
        services.AddScoringTelemetry(configuration);
        return services;
    }

    private static T Value<T>(IServiceProvider services)
        where T : class => services.GetRequiredService<IOptions<T>>().Value;

    private static void Bind<T>(IServiceCollection services, IConfiguration configuration, string section, Func<T, IReadOnlyList<string>> problems)
        where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new ProblemsValidation<T>(problems));
    }

    private sealed class ProblemsValidation<T>(Func<T, IReadOnlyList<string>> problems) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            IReadOnlyList<string> found = problems(options);
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }
}

/// <summary>
/// Starts alias polling with the app, and on a graceful stop finishes shadow scoring and writes every buffered
/// payload record before the worker exits (the drift and accuracy jobs read them).
/// </summary>
internal sealed class ScoringLifetime(ModelCache cache, ShadowScorer shadow, PayloadLogger payloads) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cache.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Shadow scoring writes payload records, so it stops first.
        await shadow.StopAsync(cancellationToken).ConfigureAwait(false);
        await payloads.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}
