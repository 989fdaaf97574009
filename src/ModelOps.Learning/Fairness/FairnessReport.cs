using ModelOps.Learning.Evaluation;

namespace ModelOps.Learning.Fairness;

/// <summary>How a model treats one group of a sensitive column.</summary>
public sealed record GroupFairness(string Group, int Rows, double SelectionRate, double TruePositiveRate, double? Auroc);

/// <summary>
/// Group fairness of a binary classifier for one sensitive column: per group the selection rate (share
/// predicted positive at the threshold), the true-positive rate and the AUROC; across groups the
/// disparate-impact ratio (lowest selection rate over highest; the "four-fifths rule" flags &lt; 0.8), the
/// demographic-parity difference (highest minus lowest selection rate) and the equal-opportunity difference
/// (highest minus lowest true-positive rate).
/// </summary>
public sealed record FairnessReport(
    string SensitiveColumn,
    double Threshold,
    IReadOnlyList<GroupFairness> Groups,
    double DisparateImpact,
    double DemographicParityDifference,
    double EqualOpportunityDifference)
{
    public static FairnessReport Evaluate(string sensitiveColumn, IReadOnlyList<string> groups, ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> outcomes, double threshold = 0.5)
    {
        if (groups.Count != probabilities.Length || outcomes.Length != probabilities.Length)
        {
            throw new ArgumentException("Groups, probabilities and outcomes must have one entry per row.", nameof(groups));
        }

        double[] p = probabilities.ToArray();
        bool[] y = outcomes.ToArray();
        var results = new List<GroupFairness>();
        foreach (IGrouping<string, int> group in Enumerable.Range(0, p.Length).GroupBy(i => groups[i]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            int[] rows = group.ToArray();
            int positives = rows.Count(i => y[i]);
            double selection = rows.Count(i => p[i] >= threshold) / (double)rows.Length;
            double tpr = positives == 0 ? double.NaN : rows.Count(i => y[i] && p[i] >= threshold) / (double)positives;
            double? auroc = positives == 0 || positives == rows.Length
                ? null
                : BinaryClassificationReport.Auc(rows.Select(i => p[i]).ToArray(), rows.Select(i => y[i]).ToArray(), positives);
            results.Add(new GroupFairness(group.Key, rows.Length, selection, tpr, auroc));
        }

        if (results.Count < 2)
        {
            throw new ArgumentException($"Column '{sensitiveColumn}' has fewer than two groups; fairness compares groups.", nameof(groups));
        }

        double minSelection = results.Min(g => g.SelectionRate), maxSelection = results.Max(g => g.SelectionRate);
        double[] tprs = results.Select(g => g.TruePositiveRate).Where(v => !double.IsNaN(v)).ToArray();
        return new FairnessReport(
            sensitiveColumn,
            threshold,
            results,
            maxSelection == 0 ? 1 : minSelection / maxSelection,
            maxSelection - minSelection,
            tprs.Length < 2 ? double.NaN : tprs.Max() - tprs.Min());
    }
}
