using System.Globalization;
using System.Text;
using ModelOps.Scoring;
using ModelOps.Scoring.Validation;

namespace ModelOps.Batch;

/// <summary>One row of a blob chunk: its 1-based number in the source, its key (when the job names a key column) and its fields.</summary>
public sealed record LineRow(long Row, string? Key, IReadOnlyDictionary<string, FieldValue> Fields);

/// <summary>
/// Reads the lines of a CSV or JSON Lines chunk into rows the scorer takes. CSV values become numbers where the
/// schema wants a number (an empty cell is missing), text otherwise; a JSON line is read by the scoring body reader,
/// so its values, limits and problems are exactly those of an HTTP request. A JSON line that does not read keeps its
/// problem for the row; a CSV line whose quotes do not close fails the chunk (the file is damaged there).
/// </summary>
public static class LineRows
{
    private static readonly RequestLimits Limits = new();

    /// <summary>The rows of <paramref name="text"/>, the first numbered <paramref name="firstRow"/>.</summary>
    public static IReadOnlyList<LineRow> Read(SourceKind kind, string text, string? header, long firstRow, FeatureSchema schema, string? keyField)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(schema);
        var rows = new List<LineRow>();
        string[]? names = kind == SourceKind.Csv ? Csv.Split(header ?? throw new InvalidDataException("A CSV source needs a header line.")) : null;
        var numeric = schema.Features.Where(f => f.Type == FeatureSpec.Numeric).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var wanted = schema.Features.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        long row = firstRow;
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            rows.Add(kind == SourceKind.Csv ? CsvRow(row, line, names!, numeric, wanted, keyField) : JsonRow(row, line, keyField));
            row++;
        }

        return rows;
    }

    private static LineRow CsvRow(long row, string line, string[] names, HashSet<string> numeric, HashSet<string> wanted, string? keyField)
    {
        string[] values = Csv.Split(line, row);
        var fields = new Dictionary<string, FieldValue>(wanted.Count, StringComparer.Ordinal);
        string? key = null;
        for (int i = 0; i < names.Length && i < values.Length; i++)
        {
            string name = names[i], value = values[i].Trim();
            if (name == keyField)
            {
                key = value;
            }

            if (!wanted.Contains(name))
            {
                continue;
            }

            fields[name] = value.Length == 0 ? new FieldValue(FieldKind.Null)
                : numeric.Contains(name) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) ? new FieldValue(FieldKind.Number, number)
                : new FieldValue(FieldKind.String, Text: value);
        }

        return new LineRow(row, key, fields);
    }

    private static LineRow JsonRow(long row, string line, string? keyField)
    {
        try
        {
            ScoreBody body = ScoreBodyReader.Read(Encoding.UTF8.GetBytes(line), Limits);
            IReadOnlyDictionary<string, FieldValue> fields = body.Rows[0].Fields;
            string? key = keyField is not null && fields.TryGetValue(keyField, out FieldValue k)
                ? k.Kind == FieldKind.Number ? k.Number.ToString("R", CultureInfo.InvariantCulture) : k.Text
                : null;
            return new LineRow(row, key, fields);
        }
        catch (ScoringException e) when (e is ScoringValidationException or RequestTooLargeException)
        {
            string reason = e is ScoringValidationException v ? string.Join("; ", v.Errors.Select(x => $"{x.Field} {x.Problem}")) : e.Message;
            return new LineRow(row, null, new Dictionary<string, FieldValue> { [Unreadable] = new(FieldKind.Other, Problem: reason) });
        }
    }

    /// <summary>The field a JSON line that does not read is kept under, with its problem, so validation reports it for that row.</summary>
    public const string Unreadable = "$line";
}

/// <summary>RFC 4180 fields of one CSV line: quoted fields may hold commas and doubled quotes, not line breaks.</summary>
public static class Csv
{
    /// <summary>The fields of <paramref name="line"/>; <see cref="InvalidDataException"/> when a quote does not close.</summary>
    public static string[] Split(string line, long row = 0)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            throw new InvalidDataException(row > 0 ? $"CSV row {row} has a quote that does not close." : "The CSV header has a quote that does not close.");
        }

        fields.Add(field.ToString());
        return fields.ToArray();
    }

    /// <summary>One field as CSV writes it: quoted when it holds a comma, quote or line break.</summary>
    public static string Field(string? value) =>
        value is null ? string.Empty
        : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : value;
}
