using System.Globalization;

using System.Text.Json.Serialization;

namespace ModelOps.Learning.Drift;

/// <summary>What drift found for one column; statistics that do not apply to its kind are null.</summary>
public sealed record ColumnDrift(
    string Name,
    string Kind,
    string Method,
    double? Psi,
    double? KsStatistic,
    [property: JsonPropertyName("ks_pvalue")] double? KsPValue,
    double? Wasserstein,
    double? WassersteinNormed,
    [property: JsonPropertyName("chi2_pvalue")] double? Chi2PValue,
    double? JsDistance,
    double Score,
    double Threshold,
    bool Drifted);

/// <summary>Column results and the dataset-level verdict.</summary>
public sealed record DriftReport(IReadOnlyList<ColumnDrift> Columns, double DriftedShare, bool DatasetDrift, string Rule);

/// <summary>
/// Compares a current sample with a reference sample column by column. The method per column follows
/// Evidently's documented defaults: with at most 1,000 reference rows, the two-sample KS test (numeric) or
/// the chi-square goodness-of-fit test (categorical), drifted when the p-value is below 0.05 after
/// Benjamini–Hochberg control across the tested columns; with more rows, the Wasserstein distance divided
/// by the reference standard deviation (numeric) or the Jensen–Shannon distance (categorical), drifted
/// above 0.1. The dataset drifts when at least half of the columns do. Every statistic that applies to a
/// column's kind is reported either way.
/// </summary>
public static class DriftAnalysis
{
    public const int SmallSample = 1000;
    public const double PValueThreshold = 0.05;
    public const double DistanceThreshold = 0.1;
    public const double DatasetShare = 0.5;

    public static DriftReport Compare(IReadOnlyDictionary<string, string[]> reference, IReadOnlyDictionary<string, string[]> current)
    {
        var missing = reference.Keys.Except(current.Keys).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"The current data has no column {string.Join(", ", missing.Select(m => $"'{m}'"))}.", nameof(current));
        }

        var columns = new List<ColumnDrift>();
        foreach ((string name, string[] refValues) in reference)
        {
            string[] curValues = current[name];
            if (refValues.Length == 0 || curValues.Length == 0)
            {
                throw new ArgumentException($"Column '{name}' has no rows in one of the samples.", nameof(reference));
            }

            bool small = refValues.Length <= SmallSample;
            columns.Add(IsNumeric(refValues) && IsNumeric(curValues)
                ? Numeric(name, Numbers(refValues), Numbers(curValues), small)
                : Categorical(name, refValues, curValues, small));
        }

        columns = ApplyBenjaminiHochberg(columns);
        double share = columns.Count == 0 ? 0 : columns.Count(c => c.Drifted) / (double)columns.Count;
        return new DriftReport(columns, share, share >= DatasetShare,
            "per column: KS / chi-square p < 0.05 after Benjamini–Hochberg (≤1000 reference rows), else normed Wasserstein / Jensen–Shannon > 0.1; dataset: ≥ 50 % of columns drifted");
    }

    private static ColumnDrift Numeric(string name, double[] reference, double[] current, bool small)
    {
        double[] edges = PopulationStability.Edges(reference);
        double psi = PopulationStability.Index(PopulationStability.Counts(reference, edges), PopulationStability.Counts(current, edges));
        (double ks, double p, _) = KolmogorovSmirnov.Test(reference, current);
        double w1 = Wasserstein.Distance(reference, current);
        double mean = reference.Average();
        double sd = Math.Sqrt(reference.Sum(v => (v - mean) * (v - mean)) / reference.Length);
        double normed = sd > 0 ? w1 / sd : w1;
        return small
            ? new ColumnDrift(name, "numeric", "ks", psi, ks, p, w1, normed, null, null, p, PValueThreshold, p < PValueThreshold)
            : new ColumnDrift(name, "numeric", "wasserstein_normed", psi, ks, p, w1, normed, null, null, normed, DistanceThreshold, normed > DistanceThreshold);
    }

    private static ColumnDrift Categorical(string name, string[] reference, string[] current, bool small)
    {
        string[] categories = reference.Concat(current).Distinct().Order(StringComparer.Ordinal).ToArray();
        long[] rc = categories.Select(c => (long)reference.Count(v => v == c)).ToArray();
        long[] cc = categories.Select(c => (long)current.Count(v => v == c)).ToArray();
        double psi = PopulationStability.Index(rc, cc);
        (_, double p, _) = ChiSquare.GoodnessOfFit(rc, cc);
        double js = JensenShannon.Distance(rc.Select(v => (double)v).ToArray(), cc.Select(v => (double)v).ToArray());
        return small
            ? new ColumnDrift(name, "categorical", "chi_square", psi, null, null, null, null, p, js, p, PValueThreshold, p < PValueThreshold)
            : new ColumnDrift(name, "categorical", "jensen_shannon", psi, null, null, null, null, p, js, js, DistanceThreshold, js > DistanceThreshold);
    }

    /// <summary>Re-decides p-value columns with Benjamini–Hochberg step-up control of the false discovery rate.</summary>
    private static List<ColumnDrift> ApplyBenjaminiHochberg(List<ColumnDrift> columns)
    {
        var tested = columns.Select((c, i) => (c, i)).Where(t => t.c.Method is "ks" or "chi_square").OrderBy(t => t.c.Score).ToList();
        int m = tested.Count;
        int cutoff = -1;
        for (int k = 0; k < m; k++)
        {
            if (tested[k].c.Score <= (k + 1) / (double)m * PValueThreshold)
            {
                cutoff = k;
            }
        }

        var result = columns.ToList();
        for (int k = 0; k < m; k++)
        {
            result[tested[k].i] = tested[k].c with { Drifted = k <= cutoff };
        }

        return result;
    }

    private static bool IsNumeric(string[] values) =>
        values.Any(v => !IsMissing(v)) && values.All(v => IsMissing(v) || double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));

    private static bool IsMissing(string v) => string.IsNullOrWhiteSpace(v) || v.Trim() == "?";

    private static double[] Numbers(string[] values) =>
        values.Where(v => !IsMissing(v)).Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
}
