using System.Globalization;
using System.Text.Json;
using ModelOps.Scoring.Validation;

namespace ModelOps.Cli;

/// <summary>
/// CSV records as scoring bodies for one model: each feature the model's schema names is read from the column of
/// the same name (numbers as JSON numbers, categories as strings, an empty cell as null, which the model's missing
/// policy then accepts or refuses); every other column, the <c>--id</c> column included, stays on this side.
/// Rows are numbered from 1, the header not counted, in every message.
/// </summary>
internal sealed class ScoringRows
{
    private readonly (FeatureSpec Feature, int Column)[] _features;

    public ScoringRows(string[] header, FeatureSchema schema, string? idColumn)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(schema);
        if (schema.Layout == InputLayout.Vector && schema.Features.Count == 0)
        {
            throw new InvalidDataException(
                $"The model takes one vector '{schema.VectorInput}' of {schema.VectorWidth} numbers with no column names; name them in the model's metadata ({FeatureSchema.FeatureNamesKey}) to score it from CSV.");
        }

        IdColumn = idColumn is null ? -1 : Array.IndexOf(header, idColumn) is >= 0 and var i ? i : throw new CliUsageException($"--id: the input has no column '{idColumn}'.");
        string[] missing = schema.Features.Select(f => f.Name).Where(n => !header.Contains(n, StringComparer.Ordinal)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidDataException($"--input: the model takes {string.Join(", ", missing.Select(m => $"'{m}'"))}, which the CSV has no column for.");
        }

        _features = schema.Features.Select(f => (f, Array.IndexOf(header, f.Name))).ToArray();
        Width = header.Length;
    }

    /// <summary>The index of the <c>--id</c> column, or -1.</summary>
    public int IdColumn { get; }

    /// <summary>How many fields every record has (the header's count).</summary>
    public int Width { get; }

    /// <summary>The <c>--id</c> value of a record, or null.</summary>
    public string? Id(string[] record) => IdColumn < 0 ? null : record[IdColumn];

    /// <summary>How a message names a row: its number, and its id when there is one.</summary>
    public string Describe(int row, string[] record) => Id(record) is { } id ? $"row {row} ({id})" : $"row {row}";

    /// <summary>The body <c>{"rows":[…]}</c> for <paramref name="records"/>, the first being row <paramref name="firstRow"/>.</summary>
    public byte[] Body(IReadOnlyList<string[]> records, int firstRow)
    {
        ArgumentNullException.ThrowIfNull(records);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("rows");
            for (int r = 0; r < records.Count; r++)
            {
                string[] record = records[r];
                if (record.Length != Width)
                {
                    throw new InvalidDataException($"--input: {Describe(firstRow + r, record)} has {record.Length} fields; the header has {Width}.");
                }

                json.WriteStartObject();
                foreach ((FeatureSpec feature, int column) in _features)
                {
                    Write(json, feature, record[column], firstRow + r, record);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private void Write(Utf8JsonWriter json, FeatureSpec feature, string cell, int row, string[] record)
    {
        string text = cell.Trim();
        if (text.Length == 0)
        {
            json.WriteNull(feature.Name);
        }
        else if (feature.Type == FeatureSpec.Categorical)
        {
            json.WriteString(feature.Name, cell);
        }
        else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number))
        {
            json.WriteNumber(feature.Name, number);
        }
        else
        {
            throw new InvalidDataException($"--input: {Describe(row, record)}, field '{feature.Name}': '{Shorten(cell)}' is not a number.");
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
