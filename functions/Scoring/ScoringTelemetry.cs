using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ModelOps.Scoring.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ModelOps.Scoring.Functions;

/// <summary>
/// Exports scoring's meter (<see cref="ScoringMetrics.MeterName"/>: requests, rows, latency, errors, cache loads,
/// swaps, evictions, shadow and payload drops by model and version) and its traces (<see cref="ScoringTracing.SourceName"/>:
/// a span per scoring request with the model, version, alias and engine) with the OpenTelemetry SDK, when a destination is
/// set: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (any OTLP collector; <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> and the other
/// standard <c>OTEL_*</c> settings apply) and/or <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> (Azure Monitor, with
/// the managed identity <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> names). With neither, no SDK is started and
/// the meter costs nothing. Tags are model, version, alias, engine and outcome — never feature values or keys.
/// </summary>
public static class ScoringTelemetry
{
    /// <summary>The standard OTLP endpoint setting.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The Application Insights connection string the platform sets.</summary>
    public const string AppInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary><c>ClientId=…;Authorization=AAD</c>: Application Insights is written with that managed identity.</summary>
    public const string AppInsightsAuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>The service name metrics are reported under.</summary>
    public const string ServiceName = "modelops-scoring";

    /// <summary>Latency buckets in milliseconds: single rows score well under one, batches in tens.</summary>
    private static readonly double[] LatencyBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500];

    /// <summary>Adds the OpenTelemetry SDK for scoring's meter and traces when an exporter is configured; refuses a malformed endpoint at start.</summary>
    public static IServiceCollection AddScoringTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? otlp = NonEmpty(configuration[OtlpEndpointSetting]);
        string? appInsights = NonEmpty(configuration[AppInsightsSetting]);
        if (otlp is null && appInsights is null)
        {
            return services;
        }

        if (otlp is not null && !(Uri.TryCreate(otlp, UriKind.Absolute, out Uri? endpoint) && endpoint.Scheme is "http" or "https"))
        {
            throw new InvalidOperationException($"{OtlpEndpointSetting} must be an absolute http or https URL.");
        }

        string? clientId = ManagedIdentityOf(configuration[AppInsightsAuthenticationSetting]);
        ManagedIdentityCredential? credential = clientId is null ? null : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName, serviceVersion: typeof(ScoringTelemetry).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ScoringMetrics.MeterName);
                metrics.AddView(ScoringMetrics.LatencyInstrument, new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBuckets });
                if (otlp is not null)
                {
                    // Endpoint, protocol, headers and interval come from the standard OTEL_* settings.
                    metrics.AddOtlpExporter();
                }

                if (appInsights is not null)
                {
                    metrics.AddAzureMonitorMetricExporter(o => ToAzureMonitor(o, appInsights, credential));
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(ScoringTracing.SourceName);
                if (otlp is not null)
                {
                    tracing.AddOtlpExporter();
                }

                if (appInsights is not null)
                {
                    tracing.AddAzureMonitorTraceExporter(o => ToAzureMonitor(o, appInsights, credential));
                }
            });
        return services;
    }

    /// <summary>Azure Monitor's destination, written with the managed identity when one is named.</summary>
    private static void ToAzureMonitor(AzureMonitorExporterOptions options, string connectionString, ManagedIdentityCredential? credential)
    {
        options.ConnectionString = connectionString;
        if (credential is not null)
        {
            options.Credential = credential;
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The client id of <c>ClientId=…;Authorization=AAD</c>, or null.</summary>
    private static string? ManagedIdentityOf(string? authentication)
    {
        if (NonEmpty(authentication) is not { } text)
        {
            return null;
        }

        var parts = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        return parts.TryGetValue("Authorization", out string? kind) && kind.Equals("AAD", StringComparison.OrdinalIgnoreCase)
            && parts.TryGetValue("ClientId", out string? id) && id.Length > 0
            ? id
            : null;
    }
}
