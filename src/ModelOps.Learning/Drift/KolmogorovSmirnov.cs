namespace ModelOps.Learning.Drift;

/// <summary>The two-sample Kolmogorov–Smirnov statistic: the largest distance between the two empirical CDFs.</summary>
public static class KolmogorovSmirnov
{
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
}
