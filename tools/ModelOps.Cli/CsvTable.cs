using System.Globalization;
using System.Text;

namespace ModelOps.Cli;

/// <summary>A small RFC 4180 CSV reader and writer: a header row, quoted fields with doubled quotes, CRLF or LF.</summary>
internal static class CsvTable
{
    public static (string[] Header, List<string[]> Rows) Read(TextReader reader, char separator = ',')
    {
        List<string[]> records = ReadRecords(reader, separator).ToList();
        if (records.Count == 0)
        {
            throw new InvalidDataException("The CSV file is empty: it needs a header row.");
        }

        string[] header = records[0].Select(h => h.Trim()).ToArray();
        for (int r = 1; r < records.Count; r++)
        {
            if (records[r].Length != header.Length)
            {
                throw new InvalidDataException($"Row {r + 1} has {records[r].Length} fields; the header has {header.Length}.");
            }
        }

        return (header, records.Skip(1).ToList());
    }

    /// <summary>The records one at a time, the header first, for readers that stream a large file.</summary>
    public static IEnumerable<string[]> ReadRecords(TextReader reader, char separator = ',')
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            char ch = (char)c;
            any = true;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        field.Append('"');
                        reader.Read();
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(ch);
                }
            }
            else if (ch == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (ch == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (ch is '\n' or '\r')
            {
                if (ch == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }

                fields.Add(field.ToString());
                field.Clear();
                if (!(fields.Count == 1 && fields[0].Length == 0))
                {
                    yield return fields.ToArray();
                }

                fields.Clear();
                any = false;
            }
            else
            {
                field.Append(ch);
            }
        }

        if (any)
        {
            fields.Add(field.ToString());
            yield return fields.ToArray();
        }
    }

    public static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
