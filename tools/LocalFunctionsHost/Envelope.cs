using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalFunctionsHost;

/// <summary>
/// The JSON the Functions host posts to a custom handler, <c>{"Data":{…},"Metadata":{…}}</c>, built as
/// the host builds it: a string value is JSON-serialized (so it arrives encoded twice), bytes become
/// base64, objects stay objects; <c>Metadata.sys</c> carries MethodName, UtcNow and RandGuid.
/// </summary>
internal sealed class Envelope
{
    // The real host serializes with Json.NET, which escapes a quote as \" (not \u0022) and leaves
    // non-ASCII text as it is; relaxed escaping gives the same bytes.
    private static readonly JsonSerializerOptions HostJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly JsonObject _data = [];
    private readonly JsonObject _metadata = [];

    public Envelope AddString(string name, string value)
    {
        _data[name] = JsonSerializer.Serialize(value, HostJson);
        return this;
    }

    public Envelope AddBytes(string name, ReadOnlySpan<byte> value)
    {
        _data[name] = Convert.ToBase64String(value);
        return this;
    }

    public Envelope AddObject(string name, JsonNode? value)
    {
        _data[name] = value;
        return this;
    }

    public Envelope AddMetadata(string name, JsonNode? value)
    {
        _metadata[name] = value;
        return this;
    }

    public byte[] ToUtf8(string functionName, DateTimeOffset utcNow)
    {
        _metadata["sys"] = new JsonObject
        {
            ["MethodName"] = functionName,
            ["UtcNow"] = utcNow.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
            ["RandGuid"] = Guid.NewGuid().ToString(),
        };
        var body = new JsonObject { ["Data"] = _data, ["Metadata"] = _metadata };
        return JsonSerializer.SerializeToUtf8Bytes(body, HostJson);
    }
}

/// <summary>What a handler answered: <c>Outputs</c>, <c>Logs</c> and <c>ReturnValue</c> (names matched case-insensitively).</summary>
internal sealed record InvocationResult(IReadOnlyDictionary<string, JsonElement> Outputs, IReadOnlyList<string> Logs, JsonElement? ReturnValue)
{
    public static InvocationResult Parse(ReadOnlySpan<byte> body)
    {
        var outputs = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        var logs = new List<string>();
        JsonElement? returnValue = null;
        if (body.IsEmpty)
        {
            return new InvocationResult(outputs, logs, null);
        }

        using JsonDocument doc = JsonDocument.Parse(body.ToArray());
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("The handler's answer is not a JSON object.");
        }

        foreach (JsonProperty property in doc.RootElement.EnumerateObject())
        {
            if (property.NameEquals("Outputs") || string.Equals(property.Name, "outputs", StringComparison.OrdinalIgnoreCase))
            {
                if (property.Value.ValueKind == JsonValueKind.Object)
                {
                    foreach (JsonProperty output in property.Value.EnumerateObject())
                    {
                        outputs[output.Name] = output.Value.Clone();
                    }
                }
            }
            else if (string.Equals(property.Name, "Logs", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.Array)
            {
                logs.AddRange(property.Value.EnumerateArray().Select(l => l.ValueKind == JsonValueKind.String ? l.GetString()! : l.GetRawText()));
            }
            else if (string.Equals(property.Name, "ReturnValue", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind != JsonValueKind.Null)
            {
                returnValue = property.Value.Clone();
            }
        }

        return new InvocationResult(outputs, logs, returnValue);
    }
}
