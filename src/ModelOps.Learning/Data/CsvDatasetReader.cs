using System.Globalization;
using System.Text;

namespace ModelOps.Learning.Data;

/// <summary>How to read a delimited text file.</summary>
public sealed record CsvOptions
{
    /// <summary>Field separator.</summary>
    public char Separator { get; init; } = ',';

    /// <summary>Quote character; a doubled quote inside a quoted field is a literal quote.</summary>
    public char Quote { get; init; } = '"';

    /// <summary>Cell texts (after trimming) that mean "missing". The blank cell is always missing.</summary>
    public IReadOnlyCollection<string> MissingMarkers { get; init; } = ["?", "NA"];

    /// <summary>Column kinds that replace inference, by column name.</summary>
    public IReadOnlyDictionary<string, ColumnKind> Kinds { get; init; } = new Dictionary<string, ColumnKind>();
}

/// <summary>
/// Reads a CSV file (header row first) into a typed <see cref="Dataset"/>, one record at a time. A column is numeric when
/// every present value parses as an invariant-culture number, boolean when every present value is true/false, otherwise
/// categorical; <see cref="CsvOptions.Kinds"/> overrides that, and a value that does not fit its forced kind is an error
/// naming the column, the line and the value.
/// </summary>
public static class CsvDatasetReader
{
    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static Dataset Read(string path, CsvOptions? options = null)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, options);
    }

    /// <summary>Reads from <paramref name="reader"/>.</summary>
    public static Dataset Read(TextReader reader, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= new CsvOptions();
        var missing = new HashSet<string>(options.MissingMarkers, StringComparer.Ordinal);
        int line = 0;
        List<string>? header = NextRecord(reader, options, ref line);
        if (header is null || header.All(h => h.Trim().Length == 0)) throw new InvalidDatasetException("the file is empty: no header row");
        string[] names = header.Select(h => h.Trim()).ToArray();
        foreach (string name in options.Kinds.Keys.Where(k => !names.Contains(k, StringComparer.Ordinal)))
        {
            throw new InvalidDatasetException($"column '{name}' given a type is not in the header");
        }

        var cells = names.Select(_ => new List<string?>()).ToArray();
        var lines = new List<int>();
        while (NextRecord(reader, options, ref line) is { } record)
        {
            if (record.Count == 1 && record[0].Length == 0) continue;
            if (record.Count != names.Length) throw new InvalidDatasetException($"line {line}: {record.Count} fields where the header has {names.Length}");
            lines.Add(line);
            for (int j = 0; j < names.Length; j++)
            {
                string v = record[j].Trim();
                cells[j].Add(v.Length == 0 || missing.Contains(v) ? null : v);
            }
        }

        if (lines.Count == 0) throw new InvalidDatasetException("the file is empty: a header but no data rows");
        var columns = new DataColumn[names.Length];
        for (int j = 0; j < names.Length; j++)
        {
            columns[j] = Type(names[j], cells[j], lines, options.Kinds.TryGetValue(names[j], out ColumnKind k) ? k : null);
        }

        return new Dataset(columns);
    }

    private static DataColumn Type(string name, List<string?> values, List<int> lines, ColumnKind? forced)
    {
        ColumnKind kind = forced ?? Infer(values);
        if (kind == ColumnKind.Categorical) return new DataColumn(name, kind, null, values.ToArray());
        var numbers = new double[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            string? v = values[i];
            if (v is null) numbers[i] = double.NaN;
            else if (kind == ColumnKind.Boolean && TryBoolean(v, out bool b)) numbers[i] = b ? 1 : 0;
            else if (kind == ColumnKind.Numeric && TryNumber(v, out double d)) numbers[i] = d;
            else throw new InvalidDatasetException($"line {lines[i]}: column '{name}' is {kind.ToString().ToLowerInvariant()} but holds '{v}'");
        }

        return new DataColumn(name, kind, numbers, null);
    }

    private static ColumnKind Infer(List<string?> values)
    {
        bool numeric = true, boolean = true, any = false;
        foreach (string? v in values)
        {
            if (v is null) continue;
            any = true;
            numeric &= TryNumber(v, out _);
            boolean &= TryBoolean(v, out _);
            if (!numeric && !boolean) return ColumnKind.Categorical;
        }

        return !any ? ColumnKind.Numeric : boolean ? ColumnKind.Boolean : numeric ? ColumnKind.Numeric : ColumnKind.Categorical;
    }

    private static bool TryNumber(string v, out double d) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out d) && double.IsFinite(d);

    private static bool TryBoolean(string v, out bool b) => bool.TryParse(v, out b);

    private static List<string>? NextRecord(TextReader reader, CsvOptions options, ref int line)
    {
        string? text = reader.ReadLine();
        if (text is null) return null;
        line++;
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        int i = 0;
        while (true)
        {
            if (i >= text.Length)
            {
                if (!quoted) break;
                // A quoted field runs on over a line break.
                string? more = reader.ReadLine() ?? throw new InvalidDatasetException($"line {line}: a quoted field is not closed");
                line++;
                field.Append('\n');
                text = more;
                i = 0;
                continue;
            }

            char c = text[i];
            if (quoted)
            {
                if (c == options.Quote)
                {
                    if (i + 1 < text.Length && text[i + 1] == options.Quote) { field.Append(c); i += 2; continue; }
                    quoted = false;
                }
                else field.Append(c);
            }
            else if (c == options.Quote && field.ToString().Trim().Length == 0) { field.Clear(); quoted = true; }
            else if (c == options.Separator) { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
            i++;
        }

        fields.Add(field.ToString());
        return fields;
    }
}
