namespace ModelOps.Hosting;

/// <summary>What <c>GET /api/health</c> answers.</summary>
public sealed record HealthReport(string Status, string App, string Version, DateTimeOffset CheckedAt);
