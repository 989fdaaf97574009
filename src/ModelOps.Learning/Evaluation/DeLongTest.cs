using MathNet.Numerics.Distributions;

namespace ModelOps.Learning.Evaluation;

/// <summary>
/// The result of comparing two correlated AUROCs measured on the same rows: each AUROC, their difference
/// (<c>A − B</c>), the variance of the difference, the z statistic and the two-sided p-value.
/// </summary>
public sealed record AurocComparison(int Positives, int Negatives, double AurocA, double AurocB, double Difference, double Variance, double Z, double PValue)
{
    /// <summary>True when the difference is significant at <paramref name="alpha"/> (two-sided).</summary>
    public bool IsSignificant(double alpha) => PValue < alpha;
}

/// <summary>
/// DeLong's test for the difference of two AUROCs on correlated ROC curves (DeLong, DeLong &amp; Clarke-Pearson,
/// Biometrics 44, 1988), computed with the fast algorithm of Sun &amp; Xu (IEEE Signal Processing Letters 21(11),
/// 2014): the structural components come from midranks of the pooled, positive-only and negative-only scores,
/// so the cost is O(n log n) per model instead of O(m·n).
/// </summary>
public static class DeLongTest
{
    /// <summary>
    /// Compares model A's and model B's scores for the same rows and outcomes. Both outcomes must occur; ties
    /// count ½ as in <see cref="BinaryClassificationReport"/>.
    /// </summary>
    public static AurocComparison Compare(ReadOnlySpan<double> scoresA, ReadOnlySpan<double> scoresB, ReadOnlySpan<bool> outcomes)
    {
        if (scoresA.Length != outcomes.Length || scoresB.Length != outcomes.Length)
        {
            throw new ArgumentException($"{scoresA.Length} and {scoresB.Length} scores for {outcomes.Length} outcomes; both models must score the same rows.", nameof(outcomes));
        }

        int m = 0;
        foreach (bool y in outcomes)
        {
            m += y ? 1 : 0;
        }

        int n = outcomes.Length - m;
        if (m < 2 || n < 2)
        {
            throw new ArgumentException("DeLong's test needs at least two positive and two negative rows.", nameof(outcomes));
        }

        (double aucA, double[] v10A, double[] v01A) = Components(scoresA, outcomes, m, n);
        (double aucB, double[] v10B, double[] v01B) = Components(scoresB, outcomes, m, n);

        // Var(A − B) = (S10_AA + S10_BB − 2·S10_AB)/m + (S01_AA + S01_BB − 2·S01_AB)/n, sample covariances (ddof 1).
        double s10 = Covariance(v10A, v10A) + Covariance(v10B, v10B) - (2 * Covariance(v10A, v10B));
        double s01 = Covariance(v01A, v01A) + Covariance(v01B, v01B) - (2 * Covariance(v01A, v01B));
        double variance = (s10 / m) + (s01 / n);
        double difference = aucA - aucB;
        double z, p;
        if (variance <= 0)
        {
            // Identical rankings: no evidence of a difference (and none to divide by).
            (z, p) = difference == 0 ? (0.0, 1.0) : (double.PositiveInfinity * Math.Sign(difference), 0.0);
        }
        else
        {
            z = difference / Math.Sqrt(variance);
            p = 2 * Normal.CDF(0, 1, -Math.Abs(z));
        }

        return new AurocComparison(m, n, aucA, aucB, difference, variance, z, p);
    }

    /// <summary>The AUROC and the structural components V10 (one per positive) and V01 (one per negative).</summary>
    private static (double Auc, double[] V10, double[] V01) Components(ReadOnlySpan<double> scores, ReadOnlySpan<bool> outcomes, int m, int n)
    {
        var positives = new double[m];
        var negatives = new double[n];
        for (int i = 0, a = 0, b = 0; i < scores.Length; i++)
        {
            if (double.IsNaN(scores[i]))
            {
                throw new ArgumentException($"Score {i} is NaN.", nameof(scores));
            }

            if (outcomes[i])
            {
                positives[a++] = scores[i];
            }
            else
            {
                negatives[b++] = scores[i];
            }
        }

        double[] pooled = [.. positives, .. negatives];
        double[] tz = MidRanks(pooled), tx = MidRanks(positives), ty = MidRanks(negatives);
        var v10 = new double[m];
        var v01 = new double[n];
        double rankSum = 0;
        for (int i = 0; i < m; i++)
        {
            rankSum += tz[i];
            v10[i] = (tz[i] - tx[i]) / n;
        }

        for (int j = 0; j < n; j++)
        {
            v01[j] = 1 - ((tz[m + j] - ty[j]) / m);
        }

        return ((rankSum - (m * (m + 1) / 2.0)) / ((double)m * n), v10, v01);
    }

    /// <summary>1-based ranks with ties given their average rank.</summary>
    private static double[] MidRanks(double[] values)
    {
        int[] order = Enumerable.Range(0, values.Length).ToArray();
        Array.Sort(values.ToArray(), order);
        var ranks = new double[values.Length];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]])
            {
                j++;
            }

            double mid = ((i + j) / 2.0) + 1;
            for (int t = i; t <= j; t++)
            {
                ranks[order[t]] = mid;
            }

            i = j + 1;
        }

        return ranks;
    }

    private static double Covariance(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += (x[i] - mx) * (y[i] - my);
        }

        return sum / (x.Length - 1);
    }
}
