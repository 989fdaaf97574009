using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelOps.Hosting;
using ModelOps.Hosting.Registry;
using ModelOps.Mail;
using ModelOps.Monitoring;
using ModelOps.Monitoring.Alerts;
using ModelOps.Monitoring.Challengers;
using ModelOps.Monitoring.Retraining;
using ModelOps.Storage;
using ModelOps.Storage.Monitoring;

namespace ModelOps.Pipelines.Monitoring;

/// <summary>Registers the Monitor loop: policies and storage names from <c>Monitoring__*</c>, validated at start.</summary>
public static class MonitoringServices
{
    /// <summary>
    /// Adds the monitoring services and their Azure adapters. Settings: <c>Monitoring__Models__NAME__…</c> (each
    /// model watched and its thresholds, <see cref="MonitoringPolicy"/>), <c>Monitoring__PayloadContainer</c>,
    /// <c>Monitoring__HistoryTable</c>, … (<see cref="MonitoringStorageOptions"/>), and <c>Smtp__*</c> for alert e-mails.
    /// </summary>
    public static IServiceCollection AddMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MonitoringOptions>().Bind(configuration.GetSection(MonitoringOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MonitoringOptions>>(new Problems<MonitoringOptions>(o => o.Problems()));
        services.AddOptions<MonitoringStorageOptions>().Bind(configuration.GetSection(MonitoringOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MonitoringStorageOptions>>(new Problems<MonitoringStorageOptions>(o => o.Problems()));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<MonitoringOptions>>().Value);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<MonitoringStorageOptions>>().Value);
        services.TryAddSingleton(_ => StorageConnection.FromConfiguration(configuration, RegistryServices.ConnectionSetting));
        services.AddSingleton<IProblemMapping, MonitoringProblemMapping>();
        services.AddJsonContext(MonitoringJsonContext.Default);
        services.AddJsonContext(MonitoringApiJsonContext.Default);

        services.AddSingleton<IPayloadLog>(sp => MonitoringStorage.PayloadLog(sp.GetRequiredService<StorageConnection>(), sp.GetRequiredService<MonitoringStorageOptions>()));
        services.AddSingleton<IOutcomeStore>(sp => MonitoringStorage.Outcomes(sp.GetRequiredService<StorageConnection>(), sp.GetRequiredService<MonitoringStorageOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IMonitoringHistory>(sp => MonitoringStorage.History(sp.GetRequiredService<StorageConnection>(), sp.GetRequiredService<MonitoringStorageOptions>()));
        services.AddSingleton<IPipelineSpecStore>(sp => MonitoringStorage.Specs(sp.GetRequiredService<StorageConnection>(), sp.GetRequiredService<MonitoringStorageOptions>()));
        services.AddSingleton<IPromotionRequestSink>(sp => MonitoringStorage.Promotions(sp.GetRequiredService<StorageConnection>(), sp.GetRequiredService<MonitoringStorageOptions>()));
        services.AddSingleton<IAlertSink>(sp =>
        {
            var smtp = new SmtpOptions();
            configuration.GetSection(SmtpOptions.Section).Bind(smtp);
            return new AlertDelivery(
                MonitoringStorage.Alerts(sp.GetRequiredService<StorageConnection>(), sp.GetRequiredService<MonitoringStorageOptions>()),
                string.IsNullOrWhiteSpace(smtp.Host) || smtp.Problems().Count > 0 ? null : smtp,
                sp.GetRequiredService<ILogger<AlertDelivery>>());
        });
        services.AddSingleton(sp =>
        {
            StorageConnection connection = sp.GetRequiredService<StorageConnection>();
            return new MonitoringQueues(MonitoringStorage.Queue(connection, MonitoringQueues.RetrainQueue), MonitoringStorage.Queue(connection, MonitoringQueues.ChallengerQueue));
        });

        services.AddSingleton<PayloadWindow>();
        services.AddSingleton<Alerting>();
        services.AddSingleton<ModelMonitor>();
        services.AddSingleton<MonitoringCycle>();
        services.AddSingleton<RetrainJob>();
        services.AddSingleton<ChampionChallengerJob>();
        return services;
    }

    private sealed class Problems<T>(Func<T, IReadOnlyList<string>> problems) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            problems(options) is { Count: > 0 } found ? ValidateOptionsResult.Fail(found) : ValidateOptionsResult.Success;
    }
}
