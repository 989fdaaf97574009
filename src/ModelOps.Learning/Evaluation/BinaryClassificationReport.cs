namespace ModelOps.Learning.Evaluation;

/// <summary>Counts at a decision threshold.</summary>
public sealed record ConfusionMatrix(long TruePositives, long FalsePositives, long TrueNegatives, long FalseNegatives)
{
    public double Accuracy => (double)(TruePositives + TrueNegatives) / Math.Max(1, TruePositives + FalsePositives + TrueNegatives + FalseNegatives);

    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}

/// <summary>One decile of the lift table: rows ranked by descending score.</summary>
public sealed record LiftBand(int Decile, int Rows, long Positives, double Lift, double CumulativeGain);

/// <summary>A point of the ROC curve.</summary>
public sealed record RocPoint(double Threshold, double FalsePositiveRate, double TruePositiveRate);

/// <summary>A calibration bin: mean predicted probability against the observed rate.</summary>
public sealed record CalibrationBin(double Lower, double Upper, int Rows, double MeanPredicted, double ObservedRate);

/// <summary>
/// How well probabilities separate and calibrate a binary outcome. Definitions follow scikit-learn and
/// SciPy: AUROC as <c>roc_auc_score</c> (ties count ½), log-loss as <c>log_loss</c> (mean natural log,
/// probabilities clipped to [ε, 1 − ε] with ε the float64 machine epsilon), Brier as mean (p − y)², lift at
/// the top 10 % after a stable descending sort (k = ⌈0.1·n⌉), KS as <c>ks_2samp</c>'s statistic between
/// the scores of positives and negatives.
/// </summary>
public sealed record BinaryClassificationReport(
    int Rows,
    double ObservedRate,
    double MeanPredicted,
    double Auroc,
    double Gini,
    double LogLoss,
    double Brier,
    double KsSeparation,
    double LiftTop10Percent,
    int LiftTop10PercentRows,
    double Threshold,
    ConfusionMatrix Confusion,
    IReadOnlyList<LiftBand> Deciles,
    IReadOnlyList<RocPoint> Roc,
    IReadOnlyList<CalibrationBin> Calibration)
{
    /// <summary>Evaluates probabilities of the positive class against 0/1 outcomes.</summary>
    public static BinaryClassificationReport Evaluate(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> outcomes, double threshold = 0.5, int calibrationBins = 10)
    {
        if (probabilities.Length != outcomes.Length)
        {
            throw new ArgumentException($"{probabilities.Length} probabilities for {outcomes.Length} outcomes.", nameof(outcomes));
        }

        int n = probabilities.Length;
        long positives = 0;
        for (int i = 0; i < n; i++)
        {
            if (double.IsNaN(probabilities[i]) || probabilities[i] < 0 || probabilities[i] > 1)
            {
                throw new ArgumentException($"Probability {i} is {probabilities[i]}, outside [0, 1].", nameof(probabilities));
            }

            positives += outcomes[i] ? 1 : 0;
        }

        if (positives == 0 || positives == n)
        {
            throw new ArgumentException("Both outcomes must occur to evaluate a binary classifier.", nameof(outcomes));
        }

        double[] p = probabilities.ToArray();
        bool[] y = outcomes.ToArray();
        double auroc = Auc(p, y, positives);
        return new BinaryClassificationReport(
            n,
            (double)positives / n,
            p.Average(),
            auroc,
            (2 * auroc) - 1,
            ComputeLogLoss(p, y),
            p.Select((v, i) => (v - (y[i] ? 1 : 0)) * (v - (y[i] ? 1 : 0))).Average(),
            ComputeKsSeparation(p, y),
            LiftAt(p, y, 0.10, out int k),
            k,
            threshold,
            ComputeConfusion(p, y, threshold),
            ComputeDeciles(p, y),
            ComputeRoc(p, y, positives),
            ComputeCalibration(p, y, calibrationBins));
    }

    /// <summary>AUROC by the Mann–Whitney statistic on average ranks (ties count ½).</summary>
    internal static double Auc(double[] p, bool[] y, long positives)
    {
        int n = p.Length;
        int[] order = Enumerable.Range(0, n).ToArray();
        Array.Sort(p.ToArray(), order);
        double rankSumPositives = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && p[order[j + 1]] == p[order[i]])
            {
                j++;
            }

            double averageRank = ((i + j) / 2.0) + 1;
            for (int t = i; t <= j; t++)
            {
                if (y[order[t]])
                {
                    rankSumPositives += averageRank;
                }
            }

            i = j + 1;
        }

        long negatives = n - positives;
        return (rankSumPositives - (positives * (positives + 1) / 2.0)) / (positives * (double)negatives);
    }

    internal static double ComputeLogLoss(double[] p, bool[] y)
    {
        double eps = Math.BitIncrement(1.0) - 1.0; // float64 machine epsilon, 2.22e-16
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double q = Math.Clamp(p[i], eps, 1 - eps);
            sum -= y[i] ? Math.Log(q) : Math.Log(1 - q);
        }

        return sum / p.Length;
    }

    /// <summary>The two-sample KS statistic between the scores of positives and of negatives.</summary>
    internal static double ComputeKsSeparation(double[] p, bool[] y) =>
        Drift.KolmogorovSmirnov.Statistic(p.Where((_, i) => y[i]).ToArray(), p.Where((_, i) => !y[i]).ToArray());

    /// <summary>Positive rate among the top <paramref name="fraction"/> (stable descending sort, k = ⌈fraction·n⌉) over the overall rate.</summary>
    internal static double LiftAt(double[] p, bool[] y, double fraction, out int k)
    {
        int n = p.Length;
        k = (int)Math.Ceiling(fraction * n);
        int[] ranked = RankDescending(p);
        double top = 0;
        for (int i = 0; i < k; i++)
        {
            top += y[ranked[i]] ? 1 : 0;
        }

        return top / k / (y.Count(v => v) / (double)n);
    }

    private static int[] RankDescending(double[] p) =>
        Enumerable.Range(0, p.Length).OrderByDescending(i => p[i]).ToArray(); // OrderBy is stable: ties keep file order

    private static ConfusionMatrix ComputeConfusion(double[] p, bool[] y, double threshold)
    {
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < p.Length; i++)
        {
            bool predicted = p[i] >= threshold;
            (tp, fp, tn, fn) = (predicted, y[i]) switch
            {
                (true, true) => (tp + 1, fp, tn, fn),
                (true, false) => (tp, fp + 1, tn, fn),
                (false, false) => (tp, fp, tn + 1, fn),
                _ => (tp, fp, tn, fn + 1),
            };
        }

        return new ConfusionMatrix(tp, fp, tn, fn);
    }

    private static List<LiftBand> ComputeDeciles(double[] p, bool[] y)
    {
        int n = p.Length;
        int[] ranked = RankDescending(p);
        double rate = y.Count(v => v) / (double)n;
        long totalPositives = y.Count(v => v);
        var bands = new List<LiftBand>(10);
        long cumulative = 0;
        for (int d = 0; d < 10; d++)
        {
            int start = (int)((long)d * n / 10), end = (int)((long)(d + 1) * n / 10);
            long positives = 0;
            for (int i = start; i < end; i++)
            {
                positives += y[ranked[i]] ? 1 : 0;
            }

            cumulative += positives;
            int rows = end - start;
            bands.Add(new LiftBand(d + 1, rows, positives, rows == 0 ? 0 : positives / (double)rows / rate, cumulative / (double)totalPositives));
        }

        return bands;
    }

    private static List<RocPoint> ComputeRoc(double[] p, bool[] y, long positives)
    {
        long negatives = p.Length - positives;
        int[] ranked = RankDescending(p);
        var points = new List<RocPoint> { new(double.PositiveInfinity, 0, 0) };
        long tp = 0, fp = 0;
        for (int i = 0; i < ranked.Length; i++)
        {
            if (y[ranked[i]])
            {
                tp++;
            }
            else
            {
                fp++;
            }

            if (i == ranked.Length - 1 || p[ranked[i + 1]] != p[ranked[i]])
            {
                points.Add(new RocPoint(p[ranked[i]], fp / (double)negatives, tp / (double)positives));
            }
        }

        return points;
    }

    private static List<CalibrationBin> ComputeCalibration(double[] p, bool[] y, int bins)
    {
        var result = new List<CalibrationBin>(bins);
        for (int b = 0; b < bins; b++)
        {
            double lower = b / (double)bins, upper = (b + 1) / (double)bins;
            int[] members = Enumerable.Range(0, p.Length).Where(i => p[i] >= lower && (p[i] < upper || (b == bins - 1 && p[i] <= upper))).ToArray();
            result.Add(new CalibrationBin(lower, upper, members.Length,
                members.Length == 0 ? double.NaN : members.Average(i => p[i]),
                members.Length == 0 ? double.NaN : members.Average(i => y[i] ? 1.0 : 0.0)));
        }

        return result;
    }
}

/// <summary>Information criteria of a fitted likelihood model (AIC = 2k − 2 ln L, BIC = k ln n − 2 ln L).</summary>
public sealed record InformationCriteria(double LogLikelihood, int Parameters, int Rows)
{
    public double Aic => (2.0 * Parameters) - (2 * LogLikelihood);

    public double Bic => (Parameters * Math.Log(Rows)) - (2 * LogLikelihood);

    /// <summary>The Bernoulli log-likelihood of probabilities (clipped to [1e-15, 1 − 1e-15]) for 0/1 outcomes.</summary>
    public static double BernoulliLogLikelihood(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> outcomes)
    {
        double sum = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            double q = Math.Clamp(probabilities[i], 1e-15, 1 - 1e-15);
            sum += outcomes[i] ? Math.Log(q) : Math.Log(1 - q);
        }

        return sum;
    }
}
