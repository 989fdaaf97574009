using System.Security.Cryptography;
using System.Text.Json;

namespace LocalFunctionsHost;

/// <summary>
/// What <c>local.settings.json</c> holds: <c>Values</c> (app settings, passed to the handler as
/// environment variables) and, in <c>Host</c>, the keys the front door accepts —
/// <c>"MasterKey"</c> (every function, including <c>authLevel: admin</c>) and <c>"FunctionKeys"</c>
/// (name → key, valid for every <c>authLevel: function</c> route). Without keys, one function key
/// named <c>default</c> is generated for the run and printed.
/// </summary>
internal sealed record LocalSettings(
    IReadOnlyDictionary<string, string> Values,
    string MasterKey,
    IReadOnlyDictionary<string, string> FunctionKeys)
{
    public static LocalSettings Load(string? path)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var functionKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        string? masterKey = null;
        if (path is not null && File.Exists(path))
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (doc.RootElement.TryGetProperty("Values", out JsonElement v))
            {
                foreach (JsonProperty p in v.EnumerateObject())
                {
                    values[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
                }
            }

            if (doc.RootElement.TryGetProperty("Host", out JsonElement host))
            {
                if (host.TryGetProperty("MasterKey", out JsonElement mk) && !string.IsNullOrEmpty(mk.GetString()))
                {
                    masterKey = mk.GetString();
                }

                if (host.TryGetProperty("FunctionKeys", out JsonElement keys))
                {
                    foreach (JsonProperty p in keys.EnumerateObject())
                    {
                        if (!string.IsNullOrEmpty(p.Value.GetString()))
                        {
                            functionKeys[p.Name] = p.Value.GetString()!;
                        }
                    }
                }
            }
        }

        if (functionKeys.Count == 0)
        {
            functionKeys["default"] = NewKey();
        }

        return new LocalSettings(values, masterKey ?? NewKey(), functionKeys);
    }

    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)).Replace('+', '-').Replace('/', '_');

    public string StorageConnectionString =>
        Values.TryGetValue("AzureWebJobsStorage", out string? value) && !string.IsNullOrWhiteSpace(value) ? value : "UseDevelopmentStorage=true";

    /// <summary>The connection named by a binding's <c>connection</c> property (default <c>AzureWebJobsStorage</c>).</summary>
    public string Connection(string? name)
    {
        if (string.IsNullOrEmpty(name) || string.Equals(name, "AzureWebJobsStorage", StringComparison.OrdinalIgnoreCase))
        {
            return StorageConnectionString;
        }

        return Values.TryGetValue(name, out string? value) ? value
            : Environment.GetEnvironmentVariable(name)
            ?? throw new InvalidDataException($"Connection setting '{name}' is not in local.settings.json Values.");
    }
}
