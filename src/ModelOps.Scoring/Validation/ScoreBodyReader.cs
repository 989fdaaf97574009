using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ModelOps.Scoring.Validation;

/// <summary>
/// Reads a scoring body — one row object, or <c>{"rows": [...], "explain": k}</c> — with <see cref="Utf8JsonReader"/>
/// under <see cref="RequestLimits"/>, so a hostile body costs at most one pass over its bytes. Structural faults
/// (malformed JSON, nesting too deep, too many rows) end the read with the position named; a field whose value is
/// unusable is kept with its problem, for validation to report beside every other problem.
/// </summary>
public static class ScoreBodyReader
{
    // How many fields the last row read had: a new row's dictionary starts at that size instead of growing to it
    // (a model's callers send rows of one shape). Shared and unsynchronised: a stale value only costs a resize.
    private static int s_lastFieldCount;

    /// <summary>Reads the body; throws <see cref="RequestTooLargeException"/> or <see cref="ScoringValidationException"/>.</summary>
    public static ScoreBody Read(ReadOnlySpan<byte> body, RequestLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (body.Length > limits.MaxBodyBytes)
        {
            throw new RequestTooLargeException(body.Length, limits.MaxBodyBytes);
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = limits.MaxDepth, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            ScoreBody parsed = ReadBody(ref reader, limits);
            if (reader.Read())
            {
                throw Malformed(reader, "there is content after the end of the body.");
            }

            return parsed;
        }
        catch (JsonException e)
        {
            string reason = e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].Replace(" Change the reader options.", string.Empty, StringComparison.Ordinal);
            throw new ScoringValidationException([new FieldError(null, "$", $"malformed JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}: {reason}")]);
        }
    }

    private static ScoreBody ReadBody(ref Utf8JsonReader reader, RequestLimits limits)
    {
        if (!reader.Read())
        {
            throw Malformed(reader, "the body is empty.");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Malformed(reader, "the body must be a JSON object: one row, or {\"rows\": [...]}.");
        }

        List<BodyRow>? rows = null;
        int explain = 0;
        var single = new Dictionary<string, FieldValue>(FieldCapacity(), StringComparer.Ordinal);
        var singleDuplicates = new List<string>();
        var errors = new List<FieldError>();
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            string name = Name(ref reader, limits);
            reader.Read();
            if (name == "rows" && reader.TokenType == JsonTokenType.StartArray && rows is null)
            {
                rows = ReadRows(ref reader, limits);
            }
            else if (name == "explain" && reader.TokenType == JsonTokenType.Number)
            {
                explain = reader.TryGetInt32(out int k) && k >= 0 && k <= limits.MaxExplain ? k : -1;
                if (explain < 0)
                {
                    errors.Add(new FieldError(null, "explain", $"must be a whole number from 0 to {limits.MaxExplain}."));
                    explain = 0;
                }
            }
            else
            {
                Add(single, singleDuplicates, name, Value(ref reader, limits), limits, reader);
            }
        }

        if (rows is null)
        {
            if (errors.Count > 0)
            {
                throw new ScoringValidationException(errors);
            }

            s_lastFieldCount = single.Count;
            return new ScoreBody([new BodyRow(single, singleDuplicates)], explain);
        }

        if (rows.Count == 0)
        {
            // Nothing would reach validation, and an empty answer would hide the mistake.
            errors.Add(new FieldError(null, "rows", "is empty; send at least one row."));
        }

        errors.AddRange(single.Keys.Select(k => new FieldError(null, k, "is not a body property; a body with \"rows\" takes only \"rows\" and \"explain\".")));
        return errors.Count > 0 ? throw new ScoringValidationException(errors) : new ScoreBody(rows, explain);
    }

    private static List<BodyRow> ReadRows(ref Utf8JsonReader reader, RequestLimits limits)
    {
        var rows = new List<BodyRow>();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (rows.Count == limits.MaxRows)
            {
                throw new TooManyRowsException(limits.MaxRows);
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Malformed(reader, $"row {rows.Count} is not a JSON object.");
            }

            var fields = new Dictionary<string, FieldValue>(FieldCapacity(), StringComparer.Ordinal);
            var duplicates = new List<string>();
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                string name = Name(ref reader, limits);
                reader.Read();
                Add(fields, duplicates, name, Value(ref reader, limits), limits, reader);
            }

            s_lastFieldCount = fields.Count;
            rows.Add(new BodyRow(fields, duplicates));
        }

        return rows;
    }

    private static int FieldCapacity() => Math.Min(s_lastFieldCount, 256);

    private static void Add(Dictionary<string, FieldValue> fields, List<string> duplicates, string name, FieldValue value, RequestLimits limits, Utf8JsonReader reader)
    {
        if (!fields.TryAdd(name, value))
        {
            if (!duplicates.Contains(name, StringComparer.Ordinal))
            {
                duplicates.Add(name);
            }
        }
        else if (fields.Count > limits.MaxFieldsPerRow)
        {
            throw Malformed(reader, $"a row has more than {limits.MaxFieldsPerRow} fields (Scoring__MaxFieldsPerRow).");
        }
    }

    private static FieldValue Value(ref Utf8JsonReader reader, RequestLimits limits)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return new FieldValue(FieldKind.Null);
            case JsonTokenType.True:
            case JsonTokenType.False:
                return new FieldValue(FieldKind.Bool, reader.TokenType == JsonTokenType.True ? 1 : 0);
            case JsonTokenType.Number:
                return Number(ref reader);
            case JsonTokenType.String:
                return String(ref reader, limits);
            case JsonTokenType.StartArray:
                return Array(ref reader, limits);
            default:
                reader.Skip();
                return new FieldValue(FieldKind.Other);
        }
    }

    private static FieldValue Number(ref Utf8JsonReader reader) =>
        reader.TryGetDouble(out double d) && double.IsFinite(d)
            ? new FieldValue(FieldKind.Number, d)
            : new FieldValue(FieldKind.Number, double.NaN, Problem: "is a number beyond the range of a double.");

    private static FieldValue String(ref Utf8JsonReader reader, RequestLimits limits)
    {
        int length = reader.HasValueSequence ? (int)Math.Min(int.MaxValue, reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (length > limits.MaxStringBytes)
        {
            return new FieldValue(FieldKind.String, Problem: $"is a string of {length} bytes; the limit is {limits.MaxStringBytes} (Scoring__MaxStringBytes).");
        }

        return TryGetString(ref reader, out string? text)
            ? new FieldValue(FieldKind.String, Text: text)
            : new FieldValue(FieldKind.String, Problem: "is a string that is not valid UTF-8.");
    }

    private static FieldValue Array(ref Utf8JsonReader reader, RequestLimits limits)
    {
        var numbers = new List<double>();
        string? problem = null;
        bool mixed = false;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Number && numbers.Count < limits.MaxArrayLength)
            {
                FieldValue n = Number(ref reader);
                problem ??= n.Problem is null ? null : $"has an element at {numbers.Count} that {n.Problem}";
                numbers.Add(n.Number);
            }
            else
            {
                mixed |= reader.TokenType != JsonTokenType.Number;
                problem ??= reader.TokenType == JsonTokenType.Number ? $"is an array longer than {limits.MaxArrayLength} (Scoring__MaxArrayLength)." : null;
                reader.Skip();
            }
        }

        return mixed ? new FieldValue(FieldKind.Other) : new FieldValue(FieldKind.NumberArray, Numbers: numbers.ToArray(), Problem: problem);
    }

    private static string Name(ref Utf8JsonReader reader, RequestLimits limits)
    {
        int length = reader.HasValueSequence ? (int)Math.Min(int.MaxValue, reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (length > limits.MaxStringBytes)
        {
            throw Malformed(reader, $"a field name is {length} bytes long; the limit is {limits.MaxStringBytes}.");
        }

        return TryGetString(ref reader, out string? name) ? name : throw Malformed(reader, "a field name is not valid UTF-8.");
    }

    private static bool TryGetString(ref Utf8JsonReader reader, out string text)
    {
        try
        {
            text = RecentStrings.Read(ref reader);
            return true;
        }
        catch (InvalidOperationException)
        {
            // The reader found bytes that are not UTF-8 while unescaping.
            text = string.Empty;
            return false;
        }
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw Malformed(reader, "the body ends early.");

    private static ScoringValidationException Malformed(Utf8JsonReader reader, string reason) =>
        new([new FieldError(null, "$", string.Create(CultureInfo.InvariantCulture, $"malformed JSON at byte {reader.TokenStartIndex + 1}: {reason}"))]);

    /// <summary>The body as UTF-8 (for callers holding a string).</summary>
    public static byte[] Utf8(string body) => Encoding.UTF8.GetBytes(body);
}
