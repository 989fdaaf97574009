namespace ModelOps.Learning.Drift;

/// <summary>
/// The two-sample Kolmogorov–Smirnov test (two-sided), as <c>scipy.stats.ks_2samp</c> with
/// <c>method='auto'</c>: the exact null distribution when both samples have at most 10,000 values,
/// otherwise an asymptotic one.
/// </summary>
public static class KolmogorovSmirnov
{
    /// <summary>SciPy's limit for the exact method under <c>method='auto'</c>.</summary>
    public const int ExactLimit = 10_000;

    /// <summary>The largest distance between the two empirical CDFs.</summary>
    public static double Statistic(double[] a, double[] b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            throw new ArgumentException("Both samples need at least one value.");
        }

        double[] x = a.Order().ToArray(), y = b.Order().ToArray();
        int i = 0, j = 0;
        double d = 0;
        while (i < x.Length && j < y.Length)
        {
            double v = Math.Min(x[i], y[j]);
            while (i < x.Length && x[i] == v)
            {
                i++;
            }

            while (j < y.Length && y[j] == v)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs((i / (double)x.Length) - (j / (double)y.Length)));
        }

        return d;
    }

    /// <summary>The statistic and its p-value, choosing the exact or asymptotic distribution as SciPy does.</summary>
    public static (double Statistic, double PValue, bool Exact) Test(double[] a, double[] b)
    {
        double d = Statistic(a, b);
        int m = a.Length, n = b.Length;
        return Math.Max(m, n) <= ExactLimit
            ? (d, ExactPValue(d, m, n), true)
            : (d, AsymptoticPValue(d, m, n), false);
    }

    /// <summary>
    /// P(D ≥ d) under the null for sample sizes m and n. D is a multiple of 1/lcm(m, n), so d is first
    /// rounded to that lattice (as SciPy does); the probability that a random merge order keeps
    /// |i/m − j/n| below d at every step is computed by dynamic programming over the (i, j) lattice with
    /// the without-replacement step probabilities, which never overflow; the p-value is its complement.
    /// </summary>
    public static double ExactPValue(double d, int m, int n)
    {
        long g = Gcd(m, n);
        long lcm = m / g * n;
        long h = (long)Math.Round(d * lcm);
        if (h == 0)
        {
            return 1.0;
        }

        // Inside the band: |i·n − j·m| / g < h.
        long bound = h * g;
        double[] row = new double[n + 1];
        double[] next = new double[n + 1];
        row[0] = 1;
        for (int i = 0; i <= m; i++)
        {
            Array.Clear(next);
            for (int j = 0; j <= n; j++)
            {
                double p = row[j];
                if (p == 0)
                {
                    continue;
                }

                if (Math.Abs(((long)i * n) - ((long)j * m)) >= bound)
                {
                    row[j] = 0;
                    continue;
                }

                int remaining = (m - i) + (n - j);
                if (remaining == 0)
                {
                    continue;
                }

                if (j < n)
                {
                    row[j + 1] += p * (n - j) / remaining;
                }

                if (i < m)
                {
                    next[j] += p * (m - i) / remaining;
                }
            }

            if (i == m)
            {
                return Math.Clamp(1 - row[n], 0, 1);
            }

            (row, next) = (next, row);
        }

        return 1.0;
    }

    /// <summary>The Kolmogorov limit distribution at √(mn/(m+n))·d (used only beyond the exact limit).</summary>
    public static double AsymptoticPValue(double d, int m, int n)
    {
        double lambda = d * Math.Sqrt((double)m * n / (m + n));
        if (lambda < 0.2)
        {
            return 1.0;
        }

        double sum = 0;
        for (int k = 1; k <= 100; k++)
        {
            double term = Math.Exp(-2.0 * k * k * lambda * lambda);
            sum += (k % 2 == 1 ? 1 : -1) * term;
            if (term < 1e-17)
            {
                break;
            }
        }

        return Math.Clamp(2 * sum, 0, 1);
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
