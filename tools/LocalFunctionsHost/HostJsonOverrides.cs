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
        return Load(hostJsonPath, settings.Values);
    }

    /// <summary>The app's host.json with the overrides in the app settings <paramref name="values"/> and the environment applied.</summary>
    public static JsonObject Load(string hostJsonPath, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        JsonObject root = JsonNode.Parse(File.ReadAllText(hostJsonPath), CaseInsensitive, Lenient) as JsonObject
            ?? throw new InvalidDataException($"{hostJsonPath} must hold a JSON object.");
        return Apply(root, Overrides(values, Environment.GetEnvironmentVariables()));
    }

    /// <summary>The text at <paramref name="name"/> in <paramref name="section"/>, or null when it is absent or not text.</summary>
    internal static string? Text(JsonObject? section, string name) =>
        section?[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>
    /// The whole number at <paramref name="name"/>, written as a JSON number (host.json) or as text (an overriding
    /// setting); null when absent. Anything else is refused naming <paramref name="path"/>.<paramref name="name"/>.
    /// </summary>
    internal static int? Int(JsonObject? section, string name, string path)
    {
        if (section?[name] is not JsonValue value)
        {
            return null;
        }

        if (value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out int number))
        {
            return number;
        }

        return Text(section, name) is { } text && int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int parsed)
            ? parsed
            : throw new InvalidDataException($"host.json {path}.{name} must be a whole number; it is {value.ToJsonString()}.");
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
