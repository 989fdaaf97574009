namespace ModelOps.Scoring.Validation;

/// <summary>The JSON kind of a field's value as sent.</summary>
public enum FieldKind
{
    Null,
    Number,
    String,
    Bool,
    NumberArray,
    Other,
}

/// <summary>
/// One field's value as read from the body. <see cref="Problem"/> is set when the value could not be taken as
/// sent (a string over the limit, invalid UTF-8, a number beyond double range, an array with non-numbers);
/// validation reports it against the field.
/// </summary>
public readonly record struct FieldValue(FieldKind Kind, double Number = 0, string? Text = null, double[]? Numbers = null, string? Problem = null)
{
    /// <summary>What the value is, in the words an error message uses.</summary>
    public string Describe() => Kind switch
    {
        FieldKind.Null => "null",
        FieldKind.Number => "a number",
        FieldKind.String => "a string",
        FieldKind.Bool => "a boolean",
        FieldKind.NumberArray => "an array",
        _ => "an object or mixed array",
    };
}

/// <summary>One row of the body: its fields in the order sent, and the names that were sent more than once.</summary>
public sealed class BodyRow
{
    internal BodyRow(Dictionary<string, FieldValue> fields, List<string> duplicates)
    {
        Fields = fields;
        Duplicates = duplicates;
    }

    /// <summary>The fields (the first value of a duplicated name).</summary>
    public IReadOnlyDictionary<string, FieldValue> Fields { get; }

    /// <summary>Names sent more than once in this row.</summary>
    public IReadOnlyList<string> Duplicates { get; }

    /// <summary>A row built in code (tests, batch callers).</summary>
    public static BodyRow Of(IReadOnlyDictionary<string, FieldValue> fields) => new(new Dictionary<string, FieldValue>(fields, StringComparer.Ordinal), []);
}

/// <summary>A parsed scoring body: the rows, and how many reason codes each row wants (0: none).</summary>
public sealed record ScoreBody(IReadOnlyList<BodyRow> Rows, int Explain);
