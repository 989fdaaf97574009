using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModelOps.Hosting;

/// <summary>
/// The body the Functions host posts to a custom handler for a non-HTTP trigger:
/// <c>POST /{FunctionName}</c> with one <see cref="Data"/> entry per trigger or input binding and the
/// trigger's <see cref="Metadata"/> (including <c>sys</c>).
/// </summary>
public sealed record FunctionInvocation(
    [property: JsonPropertyName("Data")] IReadOnlyDictionary<string, JsonElement> Data,
    [property: JsonPropertyName("Metadata")] IReadOnlyDictionary<string, JsonElement> Metadata)
{
    /// <summary>
    /// Reads a binding's value as text. The host JSON-encodes string data a second time, so a value that
    /// is a JSON string holding more JSON text is unwrapped once more; both encodings are accepted.
    /// </summary>
    public string? GetString(string bindingName)
    {
        if (!TryGetValue(Data, bindingName, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return value.GetRawText();
        }

        string text = value.GetString()!;
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            try
            {
                return JsonSerializer.Deserialize(text, HostingJsonContext.Default.String) ?? text;
            }
            catch (JsonException)
            {
                return text;
            }
        }

        return text;
    }

    /// <summary>Reads a binding's value as a typed message (unwrapping string-encoded JSON as needed).</summary>
    public T? GetJson<T>(string bindingName, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        if (!TryGetValue(Data, bindingName, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return default;
        }

        return value.ValueKind == JsonValueKind.String
            ? JsonSerializer.Deserialize(GetString(bindingName)!, typeInfo)
            : value.Deserialize(typeInfo);
    }

    private static bool TryGetValue(IReadOnlyDictionary<string, JsonElement> map, string key, out JsonElement value)
    {
        if (map.TryGetValue(key, out value))
        {
            return true;
        }

        // The host matches binding names case-insensitively.
        foreach (KeyValuePair<string, JsonElement> pair in map)
        {
            if (string.Equals(pair.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                value = pair.Value;
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// The answer a custom handler returns for a non-HTTP trigger. A missing output key writes nothing.
/// Output strings must not be valid base64 unless the binding is binary (the host would decode them).
/// </summary>
public sealed record FunctionResult(
    [property: JsonPropertyName("Outputs")] IReadOnlyDictionary<string, object?> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] object? ReturnValue)
{
    /// <summary>A result with no outputs.</summary>
    public static FunctionResult Empty { get; } = new(new Dictionary<string, object?>(), [], null);
}

[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(FunctionInvocation))]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class HostingJsonContext : JsonSerializerContext;
