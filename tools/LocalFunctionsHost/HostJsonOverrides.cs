using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalFunctionsHost;

/// <summary>
/// host.json as the Functions host reads it: the file, then every app setting named
/// <c>AzureFunctionsJobHost__path__to__key</c> replacing (or adding) the value at <c>path.to.key</c>
/// ("Override host.json values" in the host.json reference,
/// https://learn.microsoft.com/azure/azure-functions/functions-host-json#override-hostjson-values).
/// Settings come from <c>local.settings.json</c> Values, then the host's environment, as elsewhere in this host.
/// Keys match without regard to case, as the host's configuration does, and an overriding value is a string
/// (readers of the result take numbers and booleans written either way).
/// </summary>
internal static class HostJsonOverrides
{
    public const string Prefix = "AzureFunctionsJobHost__";

    private static readonly JsonNodeOptions CaseInsensitive = new() { PropertyNameCaseInsensitive = true };
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The app's host.json with the overrides in <paramref name="settings"/> and the environment applied.</summary>
    public static JsonObject Load(string hostJsonPath, LocalSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        JsonObject root = JsonNode.Parse(File.ReadAllText(hostJsonPath), CaseInsensitive, Lenient) as JsonObject
            ?? throw new InvalidDataException($"{hostJsonPath} must hold a JSON object.");
        return Apply(root, Overrides(settings.Values, Environment.GetEnvironmentVariables()));
    }

    /// <summary>Applies <paramref name="overrides"/> (setting name → value) to <paramref name="root"/>.</summary>
    internal static JsonObject Apply(JsonObject root, IEnumerable<KeyValuePair<string, string>> overrides)
    {
        foreach ((string name, string value) in overrides)
        {
            string[] path = name[Prefix.Length..].Split("__");
            if (path.Any(p => p.Length == 0))
            {
                continue;
            }

            JsonObject parent = root;
            foreach (string segment in path[..^1])
            {
                if (parent[segment] is not JsonObject child)
                {
                    child = new JsonObject(CaseInsensitive);
                    parent[segment] = child;
                }

                parent = child;
            }

            parent[path[^1]] = JsonValue.Create(value);
        }

        return root;
    }

    /// <summary>The overriding settings: the app's Values first, then environment variables the Values do not name.</summary>
    private static List<KeyValuePair<string, string>> Overrides(IReadOnlyDictionary<string, string> values, System.Collections.IDictionary environment)
    {
        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (System.Collections.DictionaryEntry entry in environment)
        {
            if (entry.Key is string key && entry.Value is string value && key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                found[key] = value;
            }
        }

        foreach ((string key, string value) in values)
        {
            if (key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                found[key] = value;
            }
        }

        // Shallow paths first, so a setting for a whole section never replaces a deeper one set beside it.
        return found.OrderBy(f => f.Key.Split("__").Length).ToList();
    }
}
