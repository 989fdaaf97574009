using System.Globalization;

namespace ModelOps.Scoring.Validation;

/// <summary>
/// Rows checked against a <see cref="FeatureSchema"/> and laid out by column: numbers (NaN when missing) and
/// levels (null when missing) per feature, or one row-major matrix for a vector model.
/// </summary>
public sealed class ValidatedRows
{
    internal ValidatedRows(int count, Dictionary<string, double[]> numbers, Dictionary<string, string?[]> levels, double[]? matrix, string?[] keys)
    {
        Count = count;
        Numbers = numbers;
        Levels = levels;
        Matrix = matrix;
        Keys = keys;
    }

    /// <summary>Number of rows.</summary>
    public int Count { get; }

    /// <summary>Numeric features by name.</summary>
    public IReadOnlyDictionary<string, double[]> Numbers { get; }

    /// <summary>Categorical features by name.</summary>
    public IReadOnlyDictionary<string, string?[]> Levels { get; }

    /// <summary>A vector model's rows, <c>Count × k</c>, row-major.</summary>
    public double[]? Matrix { get; }

    /// <summary>Each row's entity key (the key field's value), or null.</summary>
    public IReadOnlyList<string?> Keys { get; }
}

/// <summary>
/// Checks every row against the model's schema and collects every problem before refusing: missing, unknown and
/// duplicated fields, wrong types, values beyond double range, out-of-range numbers, and categories the model
/// never saw when its policy rejects them (when it imputes, the level passes and the encoder zeroes it).
/// </summary>
public static partial class RowValidator
{
    /// <summary>Validates; throws <see cref="ScoringValidationException"/> listing every problem.</summary>
    /// <param name="rows">The rows as read.</param>
    /// <param name="schema">What the model takes.</param>
    /// <param name="keyField">The field naming the entity (routing and payload logs), allowed besides the features; null when none.</param>
    public static ValidatedRows Validate(IReadOnlyList<BodyRow> rows, FeatureSchema schema, string? keyField)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(schema);
        var errors = new List<FieldError>();
        if (rows.Count == 0)
        {
            throw new ScoringValidationException([new FieldError(null, "rows", "is empty; send at least one row.")]);
        }

        int n = rows.Count;
        var keys = new string?[n];
        int numeric = 0;
        for (int f = 0; f < schema.Features.Count; f++)
        {
            numeric += schema.Features[f].Type == FeatureSpec.Numeric ? 1 : 0;
        }

        var numbers = new Dictionary<string, double[]>(numeric, StringComparer.Ordinal);
        var levels = new Dictionary<string, string?[]>(schema.Features.Count - numeric, StringComparer.Ordinal);
        double[]? matrix = schema.Layout == InputLayout.Vector ? new double[checked(n * schema.VectorWidth)] : null;
        foreach (FeatureSpec feature in schema.Features)
        {
            if (feature.Type == FeatureSpec.Numeric)
            {
                numbers[feature.Name] = new double[n];
            }
            else
            {
                levels[feature.Name] = new string?[n];
            }
        }

        // The key counts as a field of its own only when it is not also a feature or the vector input.
        bool keyIsExtra = keyField is not null && keyField != schema.VectorInput && !schema.Features.Any(f => f.Name == keyField);
        for (int r = 0; r < n; r++)
        {
            BodyRow row = rows[r];
            foreach (string duplicate in row.Duplicates)
            {
                errors.Add(new FieldError(r, duplicate, "is given more than once."));
            }

            // Fields that are a feature or the key; when every field is one, no field can be unknown.
            int known = 0;
            if (keyField is not null && row.Fields.TryGetValue(keyField, out FieldValue key))
            {
                known += keyIsExtra ? 1 : 0;
                keys[r] = key.Kind switch
                {
                    FieldKind.String when key.Problem is null => key.Text,
                    FieldKind.Number when key.Problem is null => key.Number.ToString("R", CultureInfo.InvariantCulture),
                    _ => null,
                };
                if (keys[r] is null)
                {
                    errors.Add(new FieldError(r, keyField, key.Problem ?? $"is {key.Describe()}; the key must be a string or a number."));
                }
            }

            if (matrix is not null && schema.VectorInput is { } vector && row.Fields.TryGetValue(vector, out FieldValue array))
            {
                CheckVector(r, vector, array, schema, matrix, errors);
                if (row.Fields.Count > known + 1)
                {
                    Unknown(r, row, name => name == vector || name == keyField, errors);
                }

                continue;
            }

            foreach (FeatureSpec feature in schema.Features)
            {
                if (!row.Fields.TryGetValue(feature.Name, out FieldValue value))
                {
                    errors.Add(new FieldError(r, feature.Name, schema.Layout == InputLayout.Vector && schema.VectorInput is { } v
                        ? $"is missing; send every named feature or \"{v}\" as an array of {schema.VectorWidth} numbers."
                        : "is missing."));
                    continue;
                }

                known++;
                if (feature.Type == FeatureSpec.Numeric)
                {
                    numbers[feature.Name][r] = CheckNumber(r, feature, value, errors);
                    if (matrix is not null)
                    {
                        matrix[(r * schema.VectorWidth) + IndexOf(schema.Features, feature)] = numbers[feature.Name][r];
                    }
                }
                else
                {
                    levels[feature.Name][r] = CheckLevel(r, feature, value, errors);
                }
            }

            if (matrix is not null && schema.Features.Count == 0)
            {
                errors.Add(new FieldError(r, schema.VectorInput!, $"is missing; send an array of {schema.VectorWidth} numbers."));
            }

            if (row.Fields.Count > known)
            {
                Unknown(r, row, name => name == keyField || schema.Features.Any(f => f.Name == name), errors);
            }
        }

        return errors.Count > 0 ? throw new ScoringValidationException(errors) : new ValidatedRows(n, numbers, levels, matrix, keys);
    }

    private static void Unknown(int r, BodyRow row, Func<string, bool> known, List<FieldError> errors)
    {
        foreach (string name in row.Fields.Keys.Where(name => !known(name)))
        {
            errors.Add(new FieldError(r, name, "is not a feature of this model."));
        }
    }

    private static void CheckVector(int r, string name, FieldValue value, FeatureSchema schema, double[] matrix, List<FieldError> errors)
    {
        if (value.Kind != FieldKind.NumberArray)
        {
            errors.Add(new FieldError(r, name, $"is {value.Describe()}; expected an array of {schema.VectorWidth} numbers."));
        }
        else if (value.Problem is not null)
        {
            errors.Add(new FieldError(r, name, value.Problem));
        }
        else if (value.Numbers!.Length != schema.VectorWidth)
        {
            errors.Add(new FieldError(r, name, $"has {value.Numbers.Length} numbers; the model takes {schema.VectorWidth}."));
        }
        else if (Array.FindIndex(value.Numbers, v => Math.Abs(v) > schema.VectorLimit) is var at and >= 0)
        {
            errors.Add(new FieldError(r, name, $"has an element at {at} ({Show(value.Numbers[at])}) beyond what the model's {schema.VectorElementType} input holds."));
        }
        else
        {
            value.Numbers.CopyTo(matrix, r * schema.VectorWidth);
        }
    }

    private static double CheckNumber(int r, FeatureSpec feature, FieldValue value, List<FieldError> errors)
    {
        string? problem = value switch
        {
            { Problem: { } p } => p,
            { Kind: FieldKind.Null } when !feature.MissingAllowed => "is null; this model requires a value.",
            { Kind: FieldKind.Null } => null,
            { Kind: FieldKind.Number or FieldKind.Bool } v when feature.Min is { } min && v.Number < min => $"is {Show(v.Number)}; the smallest allowed is {Show(min)}.",
            { Kind: FieldKind.Number or FieldKind.Bool } v when feature.Max is { } max && v.Number > max => $"is {Show(v.Number)}; the largest allowed is {Show(max)}.",
            { Kind: FieldKind.Number } v when feature.WholeNumber && (Math.Floor(v.Number) != v.Number || Math.Abs(v.Number) > 9e15) => $"is {Show(v.Number)}; expected a whole number.",
            { Kind: FieldKind.Number or FieldKind.Bool } => null,
            _ => $"is {value.Describe()}; expected a number.",
        };
        if (problem is not null)
        {
            errors.Add(new FieldError(r, feature.Name, problem));
        }

        return value.Kind == FieldKind.Null ? double.NaN : value.Number;
    }

    private static string? CheckLevel(int r, FeatureSpec feature, FieldValue value, List<FieldError> errors)
    {
        string? problem = value switch
        {
            { Problem: { } p } => p,
            { Kind: FieldKind.Null } when !feature.MissingAllowed => "is null; this model requires a value.",
            { Kind: FieldKind.Null } => null,
            { Kind: FieldKind.String, Text: { } t } when feature.RejectUnknownCategory && feature.Categories is { } c && !IsLevel(c, t) =>
                $"is a category the model never saw; allowed: {string.Join(", ", c.Take(20))}{(c.Count > 20 ? ", …" : string.Empty)}.",
            { Kind: FieldKind.String } => null,
            _ => $"is {value.Describe()}; expected a string.",
        };
        if (problem is not null)
        {
            errors.Add(new FieldError(r, feature.Name, problem));
        }

        return value.Kind == FieldKind.String ? value.Text : null;
    }

    private static bool IsLevel(IReadOnlyList<string> levels, string text)
    {
        for (int i = 0; i < levels.Count; i++)
        {
            if (string.Equals(levels[i], text, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static int IndexOf(IReadOnlyList<FeatureSpec> features, FeatureSpec feature)
    {
        for (int i = 0; i < features.Count; i++)
        {
            if (ReferenceEquals(features[i], feature))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Show(double d) => d.ToString("G6", CultureInfo.InvariantCulture);
}
