namespace ModelOps.Learning.Drift;

/// <summary>
/// Population Stability Index with reference-quantile bins, following the conventions in the project's
/// data README: inner edges at numpy's 'linear' (Hyndman–Fan type 7) quantiles k/bins of the reference,
/// duplicates removed, outer edges ±∞, right-closed bins (e₍ᵢ₋₁₎, eᵢ], proportions of 0 replaced by ε = 1e-4
/// without renormalising, PSI = Σ (cur − ref)·ln(cur/ref).
/// </summary>
public static class PopulationStability
{
    public const double Epsilon = 1e-4;

    /// <summary>The inner bin edges from a reference sample.</summary>
    public static double[] Edges(double[] reference, int bins = 10)
    {
        if (reference.Length == 0)
        {
            throw new ArgumentException("The reference sample is empty.", nameof(reference));
        }

        double[] sorted = reference.Order().ToArray();
        var edges = new List<double>(bins - 1);
        for (int k = 1; k < bins; k++)
        {
            double q = Quantile(sorted, k / (double)bins);
            if (edges.Count == 0 || edges[^1] != q)
            {
                edges.Add(q);
            }
        }

        return edges.Distinct().Order().ToArray();
    }

    /// <summary>numpy's default 'linear' quantile of a sorted sample: position (n − 1)·p, interpolated.</summary>
    public static double Quantile(double[] sorted, double p)
    {
        double position = (sorted.Length - 1) * p;
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(lower + 1, sorted.Length - 1);
        double fraction = position - lower;
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * fraction);
    }

    /// <summary>Counts per bin: bin i holds values in (edges[i−1], edges[i]] (or [.., ..) when not right-closed).</summary>
    public static long[] Counts(IEnumerable<double> values, double[] edges, bool rightClosed = true)
    {
        var counts = new long[edges.Length + 1];
        foreach (double v in values)
        {
            int index = Array.BinarySearch(edges, v);
            int bin = index >= 0 ? (rightClosed ? index : index + 1) : ~index;
            counts[bin]++;
        }

        return counts;
    }

    /// <summary>PSI between two count vectors over the same bins or categories.</summary>
    public static double Index(IReadOnlyList<long> reference, IReadOnlyList<long> current, double epsilon = Epsilon)
    {
        double nr = reference.Sum(), nc = current.Sum();
        double psi = 0;
        for (int i = 0; i < reference.Count; i++)
        {
            double r = reference[i] / nr, c = current[i] / nc;
            r = r == 0 ? epsilon : r;
            c = c == 0 ? epsilon : c;
            psi += (c - r) * Math.Log(c / r);
        }

        return psi;
    }
}

/// <summary>Wasserstein-1 distance between two empirical distributions: ∫ |F_a − F_b| dx (<c>scipy.stats.wasserstein_distance</c>).</summary>
public static class Wasserstein
{
    public static double Distance(double[] a, double[] b)
    {
        double[] x = a.Order().ToArray(), y = b.Order().ToArray();
        double[] all = x.Concat(y).Order().ToArray();
        double distance = 0;
        int i = 0, j = 0;
        for (int k = 0; k < all.Length - 1; k++)
        {
            while (i < x.Length && x[i] <= all[k])
            {
                i++;
            }

            while (j < y.Length && y[j] <= all[k])
            {
                j++;
            }

            distance += Math.Abs((i / (double)x.Length) - (j / (double)y.Length)) * (all[k + 1] - all[k]);
        }

        return distance;
    }
}

/// <summary>
/// Jensen–Shannon distance (the square root of the divergence) as <c>scipy.spatial.distance.jensenshannon</c>, whose
/// default is the natural log — the convention of Evidently's 0.1 drift threshold. Base 2 gives values √(1/ln 2) ≈ 1.2
/// times larger, so the base must travel with the threshold.
/// </summary>
public static class JensenShannon
{
    public static double Distance(IReadOnlyList<double> p, IReadOnlyList<double> q, double logBase = Math.E)
    {
        double sp = p.Sum(), sq = q.Sum();
        double divergence = 0;
        for (int i = 0; i < p.Count; i++)
        {
            double a = p[i] / sp, b = q[i] / sq, m = (a + b) / 2;
            divergence += (a > 0 ? a * Math.Log(a / m) : 0) + (b > 0 ? b * Math.Log(b / m) : 0);
        }

        return Math.Sqrt(divergence / Math.Log(logBase) / 2);
    }
}

/// <summary>Chi-square tests for categorical drift, with p-values from the regularized upper incomplete gamma.</summary>
public static class ChiSquare
{
    /// <summary>
    /// Goodness of fit of current counts to reference proportions (<c>scipy.stats.chisquare</c>, dof K − 1 over
    /// categories the reference has). A category only the current sample has gives +∞ and p = 0.
    /// </summary>
    public static (double Statistic, double PValue, int Dof) GoodnessOfFit(IReadOnlyList<long> reference, IReadOnlyList<long> current)
    {
        double nr = reference.Sum(), nc = current.Sum();
        double statistic = 0;
        int kept = 0;
        for (int i = 0; i < reference.Count; i++)
        {
            if (reference[i] == 0)
            {
                if (current[i] > 0)
                {
                    return (double.PositiveInfinity, 0, reference.Count(r => r > 0) - 1);
                }

                continue;
            }

            double expected = reference[i] / nr * nc;
            statistic += (current[i] - expected) * (current[i] - expected) / expected;
            kept++;
        }

        return (statistic, SurvivalFunction(statistic, kept - 1), kept - 1);
    }

    /// <summary>Test of homogeneity on the 2 × K table [reference; current] (<c>chi2_contingency</c>, no continuity correction).</summary>
    public static (double Statistic, double PValue, int Dof) Homogeneity(IReadOnlyList<long> reference, IReadOnlyList<long> current)
    {
        double nr = reference.Sum(), nc = current.Sum(), total = nr + nc;
        double statistic = 0;
        int columns = 0;
        for (int i = 0; i < reference.Count; i++)
        {
            double column = reference[i] + current[i];
            if (column == 0)
            {
                continue;
            }

            columns++;
            double er = nr * column / total, ec = nc * column / total;
            statistic += ((reference[i] - er) * (reference[i] - er) / er) + ((current[i] - ec) * (current[i] - ec) / ec);
        }

        return (statistic, SurvivalFunction(statistic, columns - 1), columns - 1);
    }

    /// <summary>P(X² ≥ x) for <paramref name="dof"/> degrees of freedom: Q(dof/2, x/2).</summary>
    public static double SurvivalFunction(double x, int dof) =>
        dof <= 0 ? double.NaN : x <= 0 ? 1 : SpecialFunctions.RegularizedGammaQ(dof / 2.0, x / 2);
}

/// <summary>The special functions the tests need, evaluated to near double precision.</summary>
internal static class SpecialFunctions
{
    // Lanczos approximation (g = 7, n = 9), the widely published coefficients.
    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    public static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        double a = Lanczos[0];
        double t = x + 7.5;
        for (int i = 1; i < Lanczos.Length; i++)
        {
            a += Lanczos[i] / (x + i);
        }

        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(a);
    }

    /// <summary>Q(a, x) = Γ(a, x)/Γ(a): the series for P when x &lt; a + 1, else a Lentz continued fraction for Q.</summary>
    public static double RegularizedGammaQ(double a, double x)
    {
        if (x < a + 1)
        {
            double sum = 1 / a, term = sum;
            for (int n = 1; n < 10_000; n++)
            {
                term *= x / (a + n);
                sum += term;
                if (Math.Abs(term) < Math.Abs(sum) * 1e-17)
                {
                    break;
                }
            }

            return 1 - (sum * Math.Exp((-x) + (a * Math.Log(x)) - LogGamma(a)));
        }

        const double tiny = 1e-300;
        double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
        for (int i = 1; i < 10_000; i++)
        {
            double an = -i * (i - a);
            b += 2;
            d = (an * d) + b;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = b + (an / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return Math.Exp((-x) + (a * Math.Log(x)) - LogGamma(a)) * h;
    }
}
