using System.Globalization;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;

namespace ModelOps.Learning.Drift;

/// <summary>
/// Drift of current rows against a training report's baseline profile (the training rows, kept as decile bins and
/// category counts): numeric inputs by PSI over the profile's own bins, drifted at 0.1 or more (Evidently's PSI
/// threshold; Evidently bins by Sturges histograms, the profile by reference deciles), categorical inputs as in
/// <see cref="DriftAnalysis"/>. The dataset verdict follows the same rule.
/// </summary>
public static class BaselineDrift
{
    public const double PsiThreshold = 0.1;

    public static DriftReport Compare(BaselineProfile baseline, IReadOnlyDictionary<string, string[]> current)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        string[] missing = baseline.Numeric.Select(n => n.Column).Concat(baseline.Categorical.Select(c => c.Column)).Where(c => !current.ContainsKey(c)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidDatasetException($"the current data has no column {string.Join(", ", missing.Select(m => $"'{m}'"))} of the baseline");
        }

        var columns = new List<ColumnDrift>();
        foreach (NumericProfile profile in baseline.Numeric)
        {
            double[] values = Numbers(profile.Column, current[profile.Column]);
            double psi = profile.Psi(profile.Count(values));
            columns.Add(new ColumnDrift(profile.Column, "numeric", "psi", psi, null, null, null, null, null, null, psi, PsiThreshold, psi >= PsiThreshold)
            {
                Statistic = "PSI over the baseline's decile bins (natural log, ε = 1e-4)",
            });
        }

        foreach (CategoricalProfile profile in baseline.Categorical)
        {
            Dictionary<string, long> counts = current[profile.Column].Where(v => v.Length > 0)
                .GroupBy(v => v, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.LongCount(), StringComparer.Ordinal);
            string[] categories = profile.ReferenceCounts.Keys.Union(counts.Keys).Order(StringComparer.Ordinal).ToArray();
            long[] reference = categories.Select(c => profile.ReferenceCounts.GetValueOrDefault(c)).ToArray();
            long[] now = categories.Select(c => counts.GetValueOrDefault(c)).ToArray();
            columns.Add(DriftAnalysis.Categorical(profile.Column, reference, now, reference.Sum() <= DriftAnalysis.SmallSample));
        }

        return DriftAnalysis.Verdict(columns, [], "training baseline profile");
    }

    private static double[] Numbers(string column, string[] values) =>
        values.Where(v => !string.IsNullOrWhiteSpace(v) && v.Trim() != "?").Select(v =>
            double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
                ? x
                : throw new InvalidDatasetException($"the column '{column}' is numeric in the baseline, but the current data has '{v}'")).ToArray();
}
