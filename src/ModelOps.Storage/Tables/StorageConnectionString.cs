using System.Globalization;

namespace ModelOps.Storage;

/// <summary>
/// A parsed Azure Storage connection string: account, key, and the blob, queue and table endpoints.
/// Accepts <c>UseDevelopmentStorage=true</c> (the emulator's well-known account on 127.0.0.1:10000–10002,
/// optionally with <c>DevelopmentStorageProxyUri</c>), explicit <c>BlobEndpoint=</c>/<c>QueueEndpoint=</c>/
/// <c>TableEndpoint=</c> values, and the <c>DefaultEndpointsProtocol</c>/<c>EndpointSuffix</c> form.
/// </summary>
public sealed record StorageConnectionString(
    string AccountName,
    string? AccountKey,
    Uri BlobEndpoint,
    Uri QueueEndpoint,
    Uri TableEndpoint)
{
    /// <summary>The emulator's well-known account name.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The emulator's well-known, publicly documented account key.</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Parses a connection string; throws <see cref="FormatException"/> naming what is missing or malformed.</summary>
    public static StorageConnectionString Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"Connection string segment '{Redact(part)}' is not of the form Name=Value.");
            }

            settings[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }

        if (settings.TryGetValue("UseDevelopmentStorage", out string? dev) && bool.TryParse(dev, out bool useDev) && useDev)
        {
            string host = settings.TryGetValue("DevelopmentStorageProxyUri", out string? proxy)
                ? new Uri(proxy).Host
                : "127.0.0.1";
            return new StorageConnectionString(
                DevelopmentAccountName,
                DevelopmentAccountKey,
                Endpoint(host, 10000),
                Endpoint(host, 10001),
                Endpoint(host, 10002));
        }

        string account = settings.GetValueOrDefault("AccountName")
            ?? throw new FormatException("Connection string has no AccountName.");
        string? key = settings.GetValueOrDefault("AccountKey");
        string protocol = settings.GetValueOrDefault("DefaultEndpointsProtocol") ?? "https";
        string suffix = settings.GetValueOrDefault("EndpointSuffix") ?? "core.windows.net";

        return new StorageConnectionString(
            account,
            key,
            EndpointOrDefault(settings, "BlobEndpoint", protocol, account, "blob", suffix),
            EndpointOrDefault(settings, "QueueEndpoint", protocol, account, "queue", suffix),
            EndpointOrDefault(settings, "TableEndpoint", protocol, account, "table", suffix));
    }

    private static Uri Endpoint(string host, int port) =>
        new(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}/{DevelopmentAccountName}"));

    private static Uri EndpointOrDefault(Dictionary<string, string> settings, string name, string protocol, string account, string service, string suffix)
    {
        if (settings.TryGetValue(name, out string? explicitEndpoint))
        {
            if (!Uri.TryCreate(explicitEndpoint.TrimEnd('/'), UriKind.Absolute, out Uri? uri))
            {
                throw new FormatException($"Connection string {name} '{explicitEndpoint}' is not an absolute URI.");
            }

            return uri;
        }

        return new Uri($"{protocol}://{account}.{service}.{suffix}");
    }

    private static string Redact(string part) =>
        part.StartsWith("AccountKey", StringComparison.OrdinalIgnoreCase) ? "AccountKey=…" : part;

    /// <summary>Never prints the key.</summary>
    public override string ToString() => $"AccountName={AccountName};TableEndpoint={TableEndpoint}";
}
