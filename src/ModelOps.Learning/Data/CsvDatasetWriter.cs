using System.Globalization;

namespace ModelOps.Learning.Data;

/// <summary>
/// Writes a <see cref="Dataset"/> as CSV that <see cref="CsvDatasetReader"/> reads back: a header row, numbers in
/// round-trip invariant form, a missing value as the blank cell, and a text with a comma, quote or line break quoted
/// (RFC 4180).
/// </summary>
public static class CsvDatasetWriter
{
    /// <summary>Writes <paramref name="data"/> to <paramref name="writer"/>.</summary>
    public static void Write(TextWriter writer, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(data);
        writer.WriteLine(string.Join(',', data.Columns.Select(c => Field(c.Name))));
        var cells = new string[data.Columns.Count];
        for (int row = 0; row < data.RowCount; row++)
        {
            for (int c = 0; c < cells.Length; c++)
            {
                DataColumn column = data.Columns[c];
                cells[c] = column.IsMissing(row) ? string.Empty
                    : column.Numbers is { } numbers ? numbers[row].ToString("R", CultureInfo.InvariantCulture)
                    : Field(column.Texts![row]!);
            }

            writer.WriteLine(string.Join(',', cells));
        }
    }

    /// <summary>The CSV text of <paramref name="data"/>.</summary>
    public static string ToCsv(Dataset data)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(writer, data);
        return writer.ToString();
    }

    private static string Field(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
