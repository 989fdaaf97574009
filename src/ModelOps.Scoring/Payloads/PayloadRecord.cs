using System.Text.Json;
using ModelOps.Scoring.Validation;

namespace ModelOps.Scoring.Payloads;

/// <summary>
/// One scored (or refused) row as logged for drift and accuracy monitoring: who asked, the entity key, the
/// features as sent, the outputs, which version, alias and engine served, and how long the request's scoring took.
/// A refused request is one record with its <see cref="Errors"/>; shadow scoring sets <see cref="Shadow"/>.
/// </summary>
public sealed record PayloadRecord(
    DateTimeOffset Timestamp,
    string RequestId,
    string Model,
    int Row,
    string? Key,
    IReadOnlyDictionary<string, FieldValue>? Features,
    RowOutputs? Outputs,
    int? Version,
    string? Alias,
    string? Engine,
    double LatencyMs,
    bool Shadow = false,
    IReadOnlyList<FieldError>? Errors = null)
{
    /// <summary>Writes the record as one JSON object (one JSONL line without its newline).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("timestamp", Timestamp);
        writer.WriteString("requestId", RequestId);
        writer.WriteString("model", Model);
        writer.WriteNumber("row", Row);
        WriteOptional(writer, "key", Key);
        if (Version is { } version)
        {
            writer.WriteNumber("version", version);
        }

        WriteOptional(writer, "alias", Alias);
        WriteOptional(writer, "engine", Engine);
        writer.WriteNumber("latencyMs", Math.Round(LatencyMs, 3));
        if (Shadow)
        {
            writer.WriteBoolean("shadow", true);
        }

        if (Features is not null)
        {
            writer.WriteStartObject("features");
            foreach ((string name, FieldValue value) in Features)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value);
            }

            writer.WriteEndObject();
        }

        if (Outputs is not null)
        {
            writer.WritePropertyName("outputs");
            JsonSerializer.Serialize(writer, Outputs, ScoringJsonContext.Default.RowOutputs);
        }

        if (Errors is { Count: > 0 })
        {
            writer.WritePropertyName("errors");
            JsonSerializer.Serialize(writer, Errors.ToArray(), ScoringJsonContext.Default.FieldErrorArray);
        }

        writer.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, FieldValue value)
    {
        switch (value.Kind)
        {
            case FieldKind.Number when value.Problem is null:
                writer.WriteNumberValue(value.Number);
                break;
            case FieldKind.Bool:
                writer.WriteBooleanValue(value.Number != 0);
                break;
            case FieldKind.String when value.Problem is null:
                writer.WriteStringValue(value.Text);
                break;
            case FieldKind.NumberArray when value.Problem is null:
                writer.WriteStartArray();
                foreach (double d in value.Numbers!)
                {
                    writer.WriteNumberValue(d);
                }

                writer.WriteEndArray();
                break;
            default:
                // Null, or a value that was unusable as sent: the record's errors say why.
                writer.WriteNullValue();
                break;
        }
    }
}

/// <summary>Where payload batches go: one JSONL document per model and hour at a time.</summary>
public interface IPayloadSink
{
    /// <summary>Stores <paramref name="jsonl"/> (<paramref name="count"/> records of <paramref name="model"/> from the hour starting <paramref name="hour"/>).</summary>
    Task WriteAsync(string model, DateTimeOffset hour, ReadOnlyMemory<byte> jsonl, int count, CancellationToken cancellationToken);
}
