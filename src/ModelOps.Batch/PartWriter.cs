using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ModelOps.Batch;

/// <summary>
/// Writes one chunk's results beside a blob source, in the source's format: a row number (1-based, as in the
/// source), the key when the job names one, <c>score</c>, <c>label</c>, <c>model_version</c>, <c>scored_at</c>, and
/// <c>score_error</c> for a row that was not scored. Every CSV part has the header, so each part reads on its own.
/// </summary>
public static class PartWriter
{
    /// <summary>The CSV header of a part.</summary>
    public static string CsvHeader(string? keyField) =>
        "row," + (keyField is null ? string.Empty : Csv.Field(keyField) + ",") + "score,label,model_version,scored_at,score_error";

    /// <summary>The part's text.</summary>
    public static byte[] Write(SourceKind kind, string? keyField, IReadOnlyList<LineRow> rows, IReadOnlyList<RowResult> results, int version, DateTimeOffset scoredAt)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(results);
        string at = scoredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        if (kind == SourceKind.Csv)
        {
            var text = new StringBuilder(rows.Count * 64);
            text.Append(CsvHeader(keyField)).Append('\n');
            for (int i = 0; i < rows.Count; i++)
            {
                RowResult r = results[i];
                text.Append(rows[i].Row.ToString(CultureInfo.InvariantCulture)).Append(',');
                if (keyField is not null)
                {
                    text.Append(Csv.Field(rows[i].Key)).Append(',');
                }

                text.Append(r.Score is { } s ? s.ToString("R", CultureInfo.InvariantCulture) : string.Empty).Append(',')
                    .Append(Csv.Field(r.Label)).Append(',')
                    .Append(version.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(at).Append(',')
                    .Append(Csv.Field(r.Error)).Append('\n');
            }

            return Encoding.UTF8.GetBytes(text.ToString());
        }

        using var buffer = new MemoryStream(rows.Count * 96);
        using (var json = new Utf8JsonWriter(buffer))
        {
            for (int i = 0; i < rows.Count; i++)
            {
                RowResult r = results[i];
                json.WriteStartObject();
                json.WriteNumber("row", rows[i].Row);
                if (keyField is not null)
                {
                    json.WriteString(keyField, rows[i].Key);
                }

                if (r.Score is { } s)
                {
                    json.WriteNumber("score", s);
                }

                if (r.Label is { } l)
                {
                    json.WriteString("label", l);
                }

                json.WriteNumber("model_version", version);
                json.WriteString("scored_at", at);
                if (r.Error is { } e)
                {
                    json.WriteString("score_error", e);
                }

                json.WriteEndObject();
                json.Flush();
                buffer.WriteByte((byte)'\n');
                json.Reset();
            }
        }

        return buffer.ToArray();
    }
}
