namespace ModelOps.Functions.Tests;

/// <summary>App settings the function apps need to start (the registry's audit key is validated at start).</summary>
internal static class AppSettings
{
    /// <summary>A test-only audit key (32 bytes, base64).</summary>
    public static readonly string AuditKey = Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());

    public static IReadOnlyDictionary<string, string> Minimal { get; } = new Dictionary<string, string> { ["Registry__AuditKey"] = AuditKey };
}
