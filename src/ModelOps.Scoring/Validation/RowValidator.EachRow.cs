namespace ModelOps.Scoring.Validation;

/// <summary>
/// A batch validated row by row: the rows that passed, laid out for the engine, with their indices in the batch,
/// and the problems of the rows that did not (each <see cref="FieldError.Row"/> an index in the batch).
/// </summary>
public sealed record RowsValidation(ValidatedRows? Valid, IReadOnlyList<int> ValidRows, IReadOnlyList<FieldError> Errors);

public static partial class RowValidator
{
    private static readonly FieldValue Missing = new(FieldKind.Null);

    /// <summary>
    /// Validates each row on its own, as batch sources give them: only the schema's features are taken (a table
    /// entity or a CSV line carries other columns too), and a feature a row leaves out is a missing value, which the
    /// schema then allows or refuses. The checks and their wording are those of <see cref="Validate"/>; a row that
    /// fails is left out of <see cref="RowsValidation.Valid"/> instead of failing the batch.
    /// </summary>
    public static RowsValidation ValidateEach(IReadOnlyList<IReadOnlyDictionary<string, FieldValue>> rows, FeatureSchema schema)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(schema);
        int n = rows.Count;
        var errors = new List<FieldError>();
        FeatureSpec[] features = [.. schema.Features];
        double[]?[] numberColumns = new double[]?[features.Length];
        string?[]?[] levelColumns = new string?[]?[features.Length];
        for (int i = 0; i < features.Length; i++)
        {
            if (features[i].Type == FeatureSpec.Numeric)
            {
                numberColumns[i] = new double[n];
            }
            else
            {
                levelColumns[i] = new string?[n];
            }
        }

        int width = schema.VectorWidth;
        double[]? matrix = schema.Layout == InputLayout.Vector ? new double[checked(n * width)] : null;
        var failed = new bool[n];
        int failures = 0;
        for (int r = 0; r < n; r++)
        {
            IReadOnlyDictionary<string, FieldValue> row = rows[r];
            int before = errors.Count;
            if (matrix is not null && schema.VectorInput is { } vector && row.TryGetValue(vector, out FieldValue array))
            {
                CheckVector(r, vector, array, schema, matrix, errors);
            }
            else
            {
                for (int i = 0; i < features.Length; i++)
                {
                    FeatureSpec feature = features[i];
                    FieldValue value = row.TryGetValue(feature.Name, out FieldValue given) ? given : Missing;
                    if (numberColumns[i] is { } numbers)
                    {
                        numbers[r] = CheckNumber(r, feature, value, errors);
                        if (matrix is not null)
                        {
                            matrix[(r * width) + i] = numbers[r];
                        }
                    }
                    else
                    {
                        levelColumns[i]![r] = CheckLevel(r, feature, value, errors);
                    }
                }

                if (matrix is not null && features.Length == 0)
                {
                    errors.Add(new FieldError(r, schema.VectorInput!, $"is missing; send an array of {width} numbers."));
                }
            }

            if (errors.Count > before)
            {
                failed[r] = true;
                failures++;
            }
        }

        int[] valid = new int[n - failures];
        for (int r = 0, v = 0; r < n; r++)
        {
            if (!failed[r])
            {
                valid[v++] = r;
            }
        }

        if (valid.Length == 0)
        {
            return new RowsValidation(null, valid, errors);
        }

        var numberColumnsByName = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var levelColumnsByName = new Dictionary<string, string?[]>(StringComparer.Ordinal);
        for (int i = 0; i < features.Length; i++)
        {
            if (numberColumns[i] is { } numbers)
            {
                numberColumnsByName[features[i].Name] = failures == 0 ? numbers : Take(numbers, valid, 1);
            }
            else
            {
                levelColumnsByName[features[i].Name] = failures == 0 ? levelColumns[i]! : Take(levelColumns[i]!, valid, 1);
            }
        }

        double[]? validMatrix = matrix is null || failures == 0 ? matrix : Take(matrix, valid, width);
        return new RowsValidation(new ValidatedRows(valid.Length, numberColumnsByName, levelColumnsByName, validMatrix, new string?[valid.Length]), valid, errors);
    }

    private static T[] Take<T>(T[] column, int[] rows, int width)
    {
        var taken = new T[rows.Length * width];
        for (int i = 0; i < rows.Length; i++)
        {
            Array.Copy(column, rows[i] * width, taken, i * width, width);
        }

        return taken;
    }
}
