using System.Globalization;
using System.Text.Json.Serialization;

namespace ModelOps.Learning.Drift;

/// <summary>
/// What drift found for one column. <see cref="Score"/> is the statistic named by <see cref="Statistic"/> (with its
/// convention, e.g. the log base) compared with <see cref="Threshold"/>; for p-value tests <see cref="AdjustedPValue"/>
/// is the Benjamini–Hochberg adjusted p-value that decides. Statistics that do not apply to the column are null.
/// </summary>
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
    bool Drifted)
{
    /// <summary>The statistic <see cref="Score"/> holds, in words with its convention.</summary>
    public string Statistic { get; init; } = string.Empty;

    /// <summary>Benjamini–Hochberg adjusted p-value, for the p-value tests.</summary>
    [JsonPropertyName("adjusted_pvalue")]
    public double? AdjustedPValue { get; init; }
}

/// <summary>
/// Column results and the dataset verdict that follows from them: <see cref="DrivenBy"/> names the drifted columns,
/// <see cref="Excluded"/> the identifier-like columns left out, <see cref="Rule"/> how the verdict was reached.
/// </summary>
public sealed record DriftReport(IReadOnlyList<ColumnDrift> Columns, double DriftedShare, bool DatasetDrift, string Rule)
{
    /// <summary>The drifted columns, most drifted first (by how far past its threshold each is).</summary>
    public IReadOnlyList<string> DrivenBy { get; init; } = [];

    /// <summary>Columns not measured because every reference value is distinct (identifiers); <c>--include</c> keeps them.</summary>
    public IReadOnlyList<string> Excluded { get; init; } = [];

    /// <summary>What the current data was compared with: <c>reference rows</c> or <c>training baseline profile</c>.</summary>
    public string ComparedWith { get; init; } = "reference rows";
}

/// <summary>Which columns to measure: identifier-like ones are left out unless named in <see cref="Include"/>.</summary>
public sealed record DriftOptions(IReadOnlyCollection<string>? Include = null)
{
    public static DriftOptions Default { get; } = new();
}

/// <summary>
/// Compares a current sample with a reference sample column by column, with the methods and thresholds Evidently
/// documents for its default drift detection (docs-old.evidentlyai.com/reference/data-drift-algorithm; the
/// stattests in evidently/legacy/calculations/stattests): with at most 1,000 reference rows, the two-sample KS test
/// (numeric) or the chi-square goodness-of-fit test (categorical, and numeric with at most 5 distinct values), a
/// p-value below 0.05 meaning drift — here after Benjamini–Hochberg control of the false discovery rate across the
/// tested columns, which Evidently does not apply; with more rows, the Wasserstein distance divided by the
/// reference's population standard deviation (at least 0.001), or the Jensen–Shannon distance with the natural
/// log (scipy's default, as Evidently calls it), drift at 0.1 or more. The dataset drifts when at least half of the
/// measured columns do (Evidently's drift_share 0.5). Identifier-like columns — text or whole numbers, every
/// reference value distinct — are left out unless asked for: they drift by construction and say nothing.
/// </summary>
public static class DriftAnalysis
{
    public const int SmallSample = 1000;
    public const double PValueThreshold = 0.05;
    public const double DistanceThreshold = 0.1;
    public const double DatasetShare = 0.5;
    public const int FewValues = 5;

    public const string Rule =
        "per column: ≤ 1000 reference rows: KS (numeric) or chi-square (categorical) p-values, Benjamini–Hochberg adjusted, drifted when ≤ 0.05; "
        + "more rows: Wasserstein distance / reference sd (numeric) or Jensen–Shannon distance, natural log (categorical), drifted when ≥ 0.1; "
        + "dataset: drifted when ≥ 50 % of the measured columns drifted";

    public static DriftReport Compare(IReadOnlyDictionary<string, string[]> reference, IReadOnlyDictionary<string, string[]> current, DriftOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        options ??= DriftOptions.Default;
        var include = new HashSet<string>(options.Include ?? [], StringComparer.Ordinal);
        foreach (string name in include.Where(n => !reference.ContainsKey(n)))
        {
            throw new Data.InvalidDatasetException($"the column '{name}' asked for is not in the reference data");
        }

        var missing = reference.Keys.Except(current.Keys).ToList();
        if (missing.Count > 0)
        {
            throw new Data.InvalidDatasetException($"the current data has no column {string.Join(", ", missing.Select(m => $"'{m}'"))}");
        }

        var columns = new List<ColumnDrift>();
        var excluded = new List<string>();
        foreach ((string name, string[] refValues) in reference)
        {
            string[] curValues = current[name];
            if (refValues.Length == 0 || curValues.Length == 0)
            {
                throw new Data.InvalidDatasetException($"the column '{name}' has no rows in one of the samples");
            }

            bool numeric = IsNumeric(refValues) && IsNumeric(curValues);
            if (!include.Contains(name) && IsIdentifierLike(refValues, numeric))
            {
                excluded.Add(name);
                continue;
            }

            bool small = refValues.Length <= SmallSample;
            bool few = numeric && refValues.Concat(curValues).Where(v => !IsMissing(v)).Distinct(StringComparer.Ordinal).Take(FewValues + 1).Count() <= FewValues;
            columns.Add(numeric && !few
                ? Numeric(name, Numbers(refValues), Numbers(curValues), small)
                : Categorical(name, refValues, curValues, small));
        }

        return Verdict(columns, excluded, "reference rows");
    }

    /// <summary>The dataset verdict from column results: Benjamini–Hochberg on the p-value columns, then the share rule.</summary>
    public static DriftReport Verdict(List<ColumnDrift> columns, IReadOnlyList<string> excluded, string comparedWith)
    {
        ArgumentNullException.ThrowIfNull(columns);
        columns = ApplyBenjaminiHochberg(columns);
        double share = columns.Count == 0 ? 0 : columns.Count(c => c.Drifted) / (double)columns.Count;
        string[] drivers = columns.Where(c => c.Drifted)
            .OrderByDescending(c => c.AdjustedPValue is { } q ? PValueThreshold / Math.Max(q, double.Epsilon) : c.Score / c.Threshold)
            .Select(c => c.Name).ToArray();
        return new DriftReport(columns, share, columns.Count > 0 && share >= DatasetShare, Rule)
        {
            DrivenBy = drivers,
            Excluded = excluded,
            ComparedWith = comparedWith,
        };
    }

    private static ColumnDrift Numeric(string name, double[] reference, double[] current, bool small)
    {
        double[] edges = PopulationStability.Edges(reference);
        double psi = PopulationStability.Index(PopulationStability.Counts(reference, edges), PopulationStability.Counts(current, edges));
        (double ks, double p, _) = KolmogorovSmirnov.Test(reference, current);
        double w1 = Wasserstein.Distance(reference, current);
        double mean = reference.Average();
        double sd = Math.Sqrt(reference.Sum(v => (v - mean) * (v - mean)) / reference.Length);
        double normed = w1 / Math.Max(sd, 0.001);
        return small
            ? new ColumnDrift(name, "numeric", "ks", psi, ks, p, w1, normed, null, null, p, PValueThreshold, p <= PValueThreshold) { Statistic = "two-sample Kolmogorov–Smirnov p-value" }
            : new ColumnDrift(name, "numeric", "wasserstein_normed", psi, ks, p, w1, normed, null, null, normed, DistanceThreshold, normed >= DistanceThreshold)
            { Statistic = "Wasserstein-1 distance / reference population sd" };
    }

    private static ColumnDrift Categorical(string name, string[] reference, string[] current, bool small)
    {
        Dictionary<string, long> rc = Counts(reference), cc = Counts(current);
        string[] categories = rc.Keys.Union(cc.Keys).Order(StringComparer.Ordinal).ToArray();
        long[] r = categories.Select(c => rc.GetValueOrDefault(c)).ToArray();
        long[] c = categories.Select(k => cc.GetValueOrDefault(k)).ToArray();
        return Categorical(name, r, c, small);
    }

    /// <summary>A categorical column from counts over the same categories (reference rows or a baseline profile).</summary>
    public static ColumnDrift Categorical(string name, long[] reference, long[] current, bool small)
    {
        double psi = PopulationStability.Index(reference, current);
        (_, double p, _) = ChiSquare.GoodnessOfFit(reference, current);
        double js = JensenShannon.Distance(reference.Select(v => (double)v).ToArray(), current.Select(v => (double)v).ToArray(), Math.E);
        return small
            ? new ColumnDrift(name, "categorical", "chi_square", psi, null, null, null, null, p, js, p, PValueThreshold, p <= PValueThreshold) { Statistic = "chi-square goodness-of-fit p-value" }
            : new ColumnDrift(name, "categorical", "jensen_shannon", psi, null, null, null, null, p, js, js, DistanceThreshold, js >= DistanceThreshold)
            { Statistic = "Jensen–Shannon distance, natural log" };
    }

    /// <summary>
    /// Benjamini–Hochberg: adjusted p-value q₍ₖ₎ = min over j ≥ k of p₍ⱼ₎·m/j across the m p-value columns; a column
    /// drifts when q ≤ 0.05, which controls the expected share of false alarms among the flagged columns at 5 %.
    /// </summary>
    private static List<ColumnDrift> ApplyBenjaminiHochberg(List<ColumnDrift> columns)
    {
        var tested = columns.Select((c, i) => (c, i)).Where(t => t.c.Method is "ks" or "chi_square").OrderBy(t => t.c.Score).ToList();
        int m = tested.Count;
        var result = columns.ToList();
        double running = 1;
        for (int k = m - 1; k >= 0; k--)
        {
            double p = double.IsNaN(tested[k].c.Score) ? 1 : tested[k].c.Score;
            running = Math.Min(running, p * m / (k + 1));
            result[tested[k].i] = tested[k].c with { AdjustedPValue = running, Drifted = running <= PValueThreshold };
        }

        return result;
    }

    private static bool IsIdentifierLike(string[] values, bool numeric)
    {
        string[] present = values.Where(v => !IsMissing(v)).ToArray();
        if (present.Length < 2 || present.Distinct(StringComparer.Ordinal).Count() != present.Length) return false;
        return !numeric || present.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && x == Math.Floor(x));
    }

    private static Dictionary<string, long> Counts(string[] values) =>
        values.GroupBy(v => v, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.LongCount(), StringComparer.Ordinal);

    private static bool IsNumeric(string[] values) =>
        values.Any(v => !IsMissing(v)) && values.All(v => IsMissing(v) || double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));

    private static bool IsMissing(string v) => string.IsNullOrWhiteSpace(v) || v.Trim() == "?";

    private static double[] Numbers(string[] values) =>
        values.Where(v => !IsMissing(v)).Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
}
