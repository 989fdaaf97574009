using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;

namespace ModelOps.Storage.Tables;

/// <summary>
/// Entity properties to and from the Table service's OData JSON. Native JSON carries String, Int32 and
/// Boolean; every other type is annotated with <c>Name@odata.type</c>: <c>Edm.Int64</c> (as a string),
/// <c>Edm.Double</c>, <c>Edm.DateTime</c> (ISO-8601 UTC), <c>Edm.Guid</c>, <c>Edm.Binary</c> (base64)
/// (Azure Storage REST, "Payload format for Table service operations").
/// </summary>
internal static class EdmJson
{
    private const string TypeSuffix = "@odata.type";

    public static byte[] Serialize(string partitionKey, string rowKey, IEnumerable<KeyValuePair<string, object?>> properties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("PartitionKey", partitionKey);
            writer.WriteString("RowKey", rowKey);
            foreach (KeyValuePair<string, object?> property in properties)
            {
                WriteProperty(writer, property.Key, property.Value);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteProperty(Utf8JsonWriter writer, string name, object? value)
    {
        switch (value)
        {
            case null:
                // Null properties are not stored by the service; omit them.
                return;
            case string s:
                writer.WriteString(name, s);
                return;
            case int i:
                writer.WriteNumber(name, i);
                return;
            case bool b:
                writer.WriteBoolean(name, b);
                return;
            case long l:
                writer.WriteString(name + TypeSuffix, "Edm.Int64");
                writer.WriteString(name, l.ToString(CultureInfo.InvariantCulture));
                return;
            case double d:
                writer.WriteString(name + TypeSuffix, "Edm.Double");
                if (double.IsFinite(d))
                {
                    writer.WriteNumber(name, d);
                }
                else
                {
                    writer.WriteString(name, double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                }

                return;
            case DateTimeOffset dto:
                writer.WriteString(name + TypeSuffix, "Edm.DateTime");
                writer.WriteString(name, FormatDate(dto));
                return;
            case DateTime dt:
                writer.WriteString(name + TypeSuffix, "Edm.DateTime");
                writer.WriteString(name, FormatDate(new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt)));
                return;
            case Guid g:
                writer.WriteString(name + TypeSuffix, "Edm.Guid");
                writer.WriteString(name, g.ToString("D"));
                return;
            case byte[] bytes:
                writer.WriteString(name + TypeSuffix, "Edm.Binary");
                writer.WriteBase64String(name, bytes);
                return;
            case BinaryData data:
                writer.WriteString(name + TypeSuffix, "Edm.Binary");
                writer.WriteBase64String(name, data.ToMemory().Span);
                return;
            case Enum e:
                writer.WriteString(name, e.ToString());
                return;
            default:
                throw new ArgumentException($"Property '{name}' has type {value.GetType().Name}, which a table cannot store.", nameof(value));
        }
    }

    private static string FormatDate(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    /// <summary>Reads one entity object (minimal or no metadata) into a dictionary entity.</summary>
    public static TableEntity ReadEntity(JsonElement json, string? etagHeader = null)
    {
        var entity = new TableEntity();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty property in json.EnumerateObject())
        {
            if (property.Name.EndsWith(TypeSuffix, StringComparison.Ordinal) && property.Value.ValueKind == JsonValueKind.String)
            {
                types[property.Name[..^TypeSuffix.Length]] = property.Value.GetString()!;
            }
        }

        foreach (JsonProperty property in json.EnumerateObject())
        {
            string name = property.Name;
            if (name.Contains('@', StringComparison.Ordinal) || name.StartsWith("odata.", StringComparison.Ordinal))
            {
                if (name == "odata.etag")
                {
                    entity.ETag = new ETag(property.Value.GetString()!);
                }

                continue;
            }

            switch (name)
            {
                case "PartitionKey":
                    entity.PartitionKey = property.Value.GetString()!;
                    continue;
                case "RowKey":
                    entity.RowKey = property.Value.GetString()!;
                    continue;
                case "Timestamp":
                    entity.Timestamp = ParseDate(property.Value.GetString()!);
                    continue;
            }

            entity[name] = ReadValue(property.Value, types.GetValueOrDefault(name));
        }

        if (etagHeader is not null && entity.ETag == default)
        {
            entity.ETag = new ETag(etagHeader);
        }

        return entity;
    }

    private static object? ReadValue(JsonElement value, string? edmType) => edmType switch
    {
        "Edm.Int64" => long.Parse(value.GetString()!, CultureInfo.InvariantCulture),
        "Edm.Double" => value.ValueKind == JsonValueKind.String
            ? double.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
            : value.GetDouble(),
        "Edm.DateTime" => ParseDate(value.GetString()!),
        "Edm.Guid" => Guid.Parse(value.GetString()!),
        "Edm.Binary" => value.GetBytesFromBase64(),
        "Edm.Int32" => value.GetInt32(),
        "Edm.Boolean" => value.GetBoolean(),
        "Edm.String" => value.GetString(),
        null => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when value.TryGetInt32(out int i) => i,
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.Null => null,
            _ => value.GetRawText(),
        },
        _ => throw new FormatException($"Unknown property type '{edmType}'."),
    };

    private static DateTimeOffset ParseDate(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Extracts the error code and message from an OData error body (<c>odata.error</c> or <c>error</c>).</summary>
    public static (string? Code, string? Message) ReadError(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, null);
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(body.ToArray());
            JsonElement root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && (root.TryGetProperty("odata.error", out JsonElement error) || root.TryGetProperty("error", out error)))
            {
                string? code = error.TryGetProperty("code", out JsonElement c) ? c.GetString() : null;
                string? message = error.TryGetProperty("message", out JsonElement m)
                    ? m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out JsonElement v) ? v.GetString() : m.ToString()
                    : null;
                return (code, message);
            }
        }
        catch (JsonException)
        {
            // Not JSON (e.g. an XML error from a proxy): the status code still tells the story.
        }

        return (null, Encoding.UTF8.GetString(body.Length > 512 ? body[..512] : body));
    }
}
