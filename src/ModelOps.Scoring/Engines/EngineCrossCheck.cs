using System.Globalization;
using ModelOps.Onnx;
using ModelOps.Scoring.Validation;

namespace ModelOps.Scoring.Engines;

/// <summary>
/// Two independent engines score the same sample rows; any output on which they differ beyond the tolerance is
/// named. Sample rows are deterministic: values inside each numeric feature's range, each known level in turn.
/// </summary>
public static class EngineCrossCheck
{
    /// <summary>Rows scored by both engines.</summary>
    public const int SampleRows = 8;

    /// <summary>The disagreements (empty when the engines agree): one sentence per differing output.</summary>
    public static IReadOnlyList<string> Compare(ScoringSession ours, ScoringSession other, FeatureSchema schema, double tolerance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(schema);
        ValidatedRows rows = Sample(schema);
        int batch = schema.BatchSize ?? rows.Count;
        int count = Math.Min(batch, rows.Count);
        IReadOnlyDictionary<string, Tensor> a = ours.Run(Inputs(ours, schema, rows, count, batch), cancellationToken);
        IReadOnlyDictionary<string, Tensor> b = other.Run(Inputs(other, schema, rows, count, batch), cancellationToken);
        var differences = new List<string>();
        foreach ((string name, Tensor mine) in a.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!b.TryGetValue(name, out Tensor? theirs))
            {
                continue;
            }

            if (Differ(mine, theirs, tolerance) is { } why)
            {
                differences.Add($"Engines disagree on output '{name}': {why}");
            }
        }

        return differences;
    }

    /// <summary>The sample rows for a schema.</summary>
    public static ValidatedRows Sample(FeatureSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        int n = schema.BatchSize is { } b ? Math.Min(b, SampleRows) : SampleRows;
        var numbers = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var levels = new Dictionary<string, string?[]>(StringComparer.Ordinal);
        foreach (FeatureSpec f in schema.Features)
        {
            if (f.Type == FeatureSpec.Numeric)
            {
                numbers[f.Name] = Enumerable.Range(0, n).Select(r => Within(f, r)).ToArray();
            }
            else
            {
                levels[f.Name] = Enumerable.Range(0, n).Select(r => f.Categories is { Count: > 0 } c ? c[r % c.Count] : string.Empty).ToArray();
            }
        }

        double[]? matrix = schema.Layout == InputLayout.Vector
            ? Enumerable.Range(0, n * schema.VectorWidth).Select(i => Math.Round(Math.Sin(i + 1) * 2, 3)).ToArray()
            : null;
        return new ValidatedRows(n, numbers, levels, matrix, new string?[n]);
    }

    private static Dictionary<string, Tensor> Inputs(ScoringSession session, FeatureSchema schema, ValidatedRows rows, int count, int batch) =>
        session.Inputs.ToDictionary(i => i.Name, i => InputTensors.Build(i, schema, rows, 0, count, batch), StringComparer.Ordinal);

    private static double Within(FeatureSpec f, int r)
    {
        double t = (r + 0.5) / SampleRows;
        double v = (f.Min, f.Max) switch
        {
            ({ } lo, { } hi) => lo + ((hi - lo) * t),
            ({ } lo, null) => lo + (r * 7.5),
            (null, { } hi) => hi - (r * 7.5),
            _ => (t - 0.5) * 4,
        };
        return f.WholeNumber ? Math.Round(v) : v;
    }

    private static string? Differ(Tensor a, Tensor b, double tolerance)
    {
        if (a.Length != b.Length)
        {
            return $"{a.Length} values from ours, {b.Length} from ONNX Runtime.";
        }

        if (a.ElementType == TensorElementType.String || b.ElementType == TensorElementType.String)
        {
            if (a.ElementType != b.ElementType)
            {
                return $"ours returns {a.ElementType}, ONNX Runtime {b.ElementType}.";
            }

            string[] x = a.As<string>(), y = b.As<string>();
            int at = Enumerable.Range(0, x.Length).FirstOrDefault(i => !string.Equals(x[i], y[i], StringComparison.Ordinal), -1);
            return at < 0 ? null : $"element {at} is '{x[at]}' from ours, '{y[at]}' from ONNX Runtime.";
        }

        for (int i = 0; i < a.Length; i++)
        {
            double x = a.GetDouble(i), y = b.GetDouble(i);
            bool same = x.Equals(y) || Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y)));
            if (!same)
            {
                return string.Create(CultureInfo.InvariantCulture, $"element {i} is {x:R} from ours, {y:R} from ONNX Runtime (tolerance {tolerance:G3}).");
            }
        }

        return null;
    }
}
