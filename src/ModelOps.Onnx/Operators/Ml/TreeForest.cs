namespace ModelOps.Onnx.Operators.Ml;

/// <summary>How a branch node compares the feature with its split value (ONNX ML node modes).</summary>
internal enum BranchMode : byte
{
    Leq = 0,
    Lt = 1,
    Gte = 2,
    Gt = 3,
    Eq = 4,
    Neq = 5,
    Member = 6,
}

/// <summary>How per-tree leaf values combine (ONNX ML <c>aggregate_function</c>).</summary>
internal enum Aggregate
{
    Average,
    Sum,
    Min,
    Max,
}

/// <summary>
/// Trees flattened into arrays at compile time. A child reference ≥ 0 is a branch node; a negative one
/// is <c>~leafIndex</c>. Each leaf holds a run of (target, weight) pairs.
/// </summary>
internal sealed partial class TreeForest
{
    public required int[] Roots { get; init; }

    public required int[] Features { get; init; }

    public required double[] Splits { get; init; }

    public required BranchMode[] Modes { get; init; }

    public required int[] TrueChild { get; init; }

    public required int[] FalseChild { get; init; }

    public required bool[] MissingGoesTrue { get; init; }

    public required HashSet<double>?[] Members { get; init; }

    public required int[] LeafStart { get; init; }

    public required int[] LeafTargets { get; init; }

    public required double[] LeafWeights { get; init; }

    public required int TargetCount { get; init; }

    public required Aggregate Aggregate { get; init; }

    public required double[] BaseValues { get; init; }

    private int? _maxFeature;

    /// <summary>The highest feature index any node reads (computed once).</summary>
    public int MaxFeature => _maxFeature ??= Features.Length == 0 ? -1 : Features.Max();

    private bool Branch(ref FlatNode n, double x, int node) => double.IsNaN(x)
        ? n.MissingTrue || n.Mode == BranchMode.Neq
        : n.Mode switch
        {
            BranchMode.Lt => x < n.Split,
            BranchMode.Gte => x >= n.Split,
            BranchMode.Gt => x > n.Split,
            BranchMode.Eq => x == n.Split,
            BranchMode.Neq => x != n.Split,
            _ => Members[node]!.Contains(x),
        };
}

/// <summary>The post transforms of the ONNX ML linear and tree operators.</summary>
internal static class PostTransform
{
    public const string None = "NONE";

    public static void Apply(string transform, Span<double> scores)
    {
        switch (transform)
        {
            case "NONE":
                return;
            case "LOGISTIC":
                for (int i = 0; i < scores.Length; i++)
                {
                    scores[i] = Logistic(scores[i]);
                }

                return;
            case "SOFTMAX":
                Softmax(scores, zeroStays: false);
                return;
            case "SOFTMAX_ZERO":
                Softmax(scores, zeroStays: true);
                return;
            case "PROBIT":
                for (int i = 0; i < scores.Length; i++)
                {
                    scores[i] = Probit(scores[i]);
                }

                return;
            default:
                throw new InvalidOperationException($"Unknown post_transform '{transform}'.");
        }
    }

    public static void Validate(NodeAttributes attributes, string transform)
    {
        if (transform is not ("NONE" or "LOGISTIC" or "SOFTMAX" or "SOFTMAX_ZERO" or "PROBIT"))
        {
            throw attributes.Invalid($"post_transform '{transform}' is not one of NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO, PROBIT.");
        }
    }

    public static string FromCode(long code) => code switch
    {
        0 => "NONE",
        1 => "SOFTMAX",
        2 => "LOGISTIC",
        3 => "SOFTMAX_ZERO",
        4 => "PROBIT",
        _ => "?" + code,
    };

    /// <summary>
    /// A binary classifier with one score column: the two class scores are [1 − p, p] under LOGISTIC and
    /// [−s, s] (then the transform) otherwise; the second class wins when the raw score is positive.
    /// </summary>
    public static int ApplyBinary(string transform, double raw, Span<double> scores)
    {
        if (transform == "LOGISTIC")
        {
            double p = Logistic(raw);
            (scores[0], scores[1]) = (1 - p, p);
        }
        else
        {
            (scores[0], scores[1]) = (-raw, raw);
            Apply(transform, scores);
        }

        return raw > 0 ? 1 : 0;
    }

    /// <summary>
    /// 1 / (1 + e^−x) for x ≥ 0 and e^x / (1 + e^x) below, so neither side overflows. Both sides use e^−|x|, and only the
    /// numerator is chosen by the sign: no branch for a processor to mispredict on scores of either sign.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static double Logistic(double x)
    {
        double e = Math.Exp(-Math.Abs(x));
        return (x >= 0 ? 1 : e) / (1 + e);
    }

    private static void Softmax(Span<double> v, bool zeroStays)
    {
        double max = double.NegativeInfinity;
        foreach (double x in v)
        {
            if (!(zeroStays && x == 0))
            {
                max = Math.Max(max, x);
            }
        }

        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = zeroStays && v[i] == 0 ? 0 : Math.Exp(v[i] - max);
            sum += v[i];
        }

        for (int i = 0; i < v.Length; i++)
        {
            v[i] = sum == 0 ? 0 : v[i] / sum;
        }
    }

    /// <summary>The probit: √2 · erf⁻¹(2p − 1), the inverse of the standard normal CDF.</summary>
    public static double Probit(double p) => Math.Sqrt(2) * ErfInv((2 * p) - 1);

    // Giles' single-precision approximation refined with two Newton steps on erf.
    private static double ErfInv(double x)
    {
        if (x <= -1)
        {
            return double.NegativeInfinity;
        }

        if (x >= 1)
        {
            return double.PositiveInfinity;
        }

        double w = -Math.Log((1 - x) * (1 + x));
        double p;
        if (w < 5)
        {
            w -= 2.5;
            p = 2.81022636e-08;
            p = 3.43273939e-07 + (p * w);
            p = -3.5233877e-06 + (p * w);
            p = -4.39150654e-06 + (p * w);
            p = 0.00021858087 + (p * w);
            p = -0.00125372503 + (p * w);
            p = -0.00417768164 + (p * w);
            p = 0.246640727 + (p * w);
            p = 1.50140941 + (p * w);
        }
        else
        {
            w = Math.Sqrt(w) - 3;
            p = -0.000200214257;
            p = 0.000100950558 + (p * w);
            p = 0.00134934322 + (p * w);
            p = -0.00367342844 + (p * w);
            p = 0.00573950773 + (p * w);
            p = -0.0076224613 + (p * w);
            p = 0.00943887047 + (p * w);
            p = 1.00167406 + (p * w);
            p = 2.83297682 + (p * w);
        }

        double y = p * x;
        for (int i = 0; i < 2; i++)
        {
            double err = Erf(y) - x;
            y -= err / (2 / Math.Sqrt(Math.PI) * Math.Exp(-y * y));
        }

        return y;
    }

    /// <summary>erf with the Abramowitz–Stegun 7.1.26 form refined by series; accurate to ~1e-15 for |x| ≤ 6.</summary>
    public static double Erf(double x)
    {
        double ax = Math.Abs(x);
        double result;
        if (ax < 2.5)
        {
            // Maclaurin series: erf x = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1)).
            double term = ax, sum = ax, x2 = ax * ax;
            for (int n = 1; n < 60; n++)
            {
                term *= -x2 / n;
                double add = term / ((2 * n) + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum))
                {
                    break;
                }
            }

            result = 2 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            // Continued fraction for erfc (Lentz), converging quickly for x ≥ 2.5.
            double f = ax, c = ax, d = 0;
            for (int n = 1; n < 200; n++)
            {
                double an = n / 2.0;
                d = ax + (an * d);
                d = d == 0 ? 1e-300 : 1 / d;
                c = ax + (an / c);
                double delta = c * d;
                f *= delta;
                if (Math.Abs(delta - 1) < 1e-16)
                {
                    break;
                }
            }

            result = 1 - (Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / f);
        }

        return x < 0 ? -result : result;
    }
}
