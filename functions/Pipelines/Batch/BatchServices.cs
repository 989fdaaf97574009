using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelOps.Batch;
using ModelOps.Registry;
using ModelOps.Scoring.Cache;
using ModelOps.Scoring.Engines;
using ModelOps.Scoring.Telemetry;
using ModelOps.Scoring.Validation;
using ModelOps.Storage;
using ModelOps.Storage.Batch;

namespace ModelOps.Pipelines.Batch;

/// <summary>Registers batch and streaming scoring: the scoring cache and engines (shared with anything else that scores), the status table, the sources.</summary>
public static class BatchServices
{
    /// <summary>
    /// Adds <see cref="BatchRunner"/> and <see cref="StreamScorer"/> with validated settings (section <c>Batch</c>, see
    /// <see cref="BatchOptions"/>; the cache reads <c>Scoring:Cache</c>, the limits <c>Scoring</c>). Needs the model registry.
    /// </summary>
    public static IServiceCollection AddBatchScoring(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<BatchOptions>().Bind(configuration.GetSection(BatchOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BatchOptions>, BatchOptionsValidation>();
        services.AddOptions<ModelCacheOptions>().Bind(configuration.GetSection(ModelCacheOptions.Section));
        services.AddOptions<RequestLimits>().Bind(configuration.GetSection("Scoring"));
        services.TryAddSingleton(_ => StorageConnection.FromConfiguration(configuration, StorageConnection.DefaultName));
        services.TryAddSingleton<EngineSelector>();
        services.TryAddSingleton<ScoringMetrics>();
        services.TryAddSingleton(sp =>
        {
            var cache = new ModelCache(sp.GetRequiredService<ModelRegistry>(), sp.GetRequiredService<EngineSelector>(), sp.GetRequiredService<IOptions<ModelCacheOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ScoringMetrics>(), sp.GetRequiredService<ILogger<ModelCache>>());
            cache.Start();
            return cache;
        });
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<RequestLimits>>().Value);
        services.AddSingleton<BatchScorer>();
        services.AddSingleton<StreamScorer>();
        services.AddSingleton(sp => new BatchStatusStore(sp.GetRequiredService<StorageConnection>().CreateTableServiceClient()
            .GetTableClient(sp.GetRequiredService<IOptions<BatchOptions>>().Value.StatusTable)));
        services.AddSingleton(sp => new TableSource(sp.GetRequiredService<StorageConnection>().CreateTableServiceClient(), sp.GetRequiredService<BatchScorer>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new BlobLineSource(sp.GetRequiredService<StorageConnection>().CreateBlobServiceClient(), sp.GetRequiredService<BatchScorer>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new BatchQueueClient(sp.GetRequiredService<StorageConnection>().CreateQueueServiceClient(o => o.MessageEncoding = QueueMessageEncoding.Base64)));
        services.AddSingleton(sp => new BatchRunner(sp.GetRequiredService<BatchStatusStore>(), sp.GetRequiredService<ModelRegistry>(), sp.GetRequiredService<TableSource>(),
            sp.GetRequiredService<BlobLineSource>(), sp.GetRequiredService<BatchQueueClient>().Service, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<BatchRunner>>()));
        return services;
    }

    private sealed class BatchOptionsValidation : IValidateOptions<BatchOptions>
    {
        public ValidateOptionsResult Validate(string? name, BatchOptions options)
        {
            IReadOnlyList<string> problems = options.Problems();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}

/// <summary>The queue service batch and streaming write to, with the base64 message encoding the host's queue trigger reads (host.json).</summary>
public sealed record BatchQueueClient(QueueServiceClient Service);
