using System.Text.Json.Serialization;

namespace ModelOps.Hosting;

/// <summary>What <c>GET /api/health</c> answers.</summary>
public sealed record HealthReport(string Status, string App, string Version, DateTimeOffset CheckedAt);

/// <summary>The running app's name and version, for its health function.</summary>
public sealed class AppHealth(string app, string version)
{
    /// <summary>A healthy report as of now.</summary>
    public HealthReport Report(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return new HealthReport("healthy", app, version, clock.GetUtcNow());
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class HostingJsonContext : JsonSerializerContext;
