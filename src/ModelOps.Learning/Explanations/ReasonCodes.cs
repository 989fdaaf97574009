using ModelOps.Learning.Trainers;

namespace ModelOps.Learning.Explanations;

/// <summary>One reason code: a raw input column and its contribution to the raw score (log-odds for classifiers).</summary>
public sealed record Reason(string Column, double Contribution);

/// <summary>Per-row reason codes for GLMs and the grouping of feature slots back to the raw columns users know.</summary>
public static class ReasonCodes
{
    /// <summary>
    /// GLM contributions <c>w_j · (x_j − mean_j)</c> on the model's (standardized) features, with base value
    /// <c>b + Σ w_j · mean_j</c>, so that base value plus contributions is the linear predictor.
    /// </summary>
    public static (double BaseValue, double[] Contributions) Linear(LogisticModel model, ReadOnlySpan<double> x, ReadOnlySpan<double> featureMeans)
    {
        ArgumentNullException.ThrowIfNull(model);
        var phi = new double[model.Coefficients.Length];
        double baseValue = model.Intercept;
        for (int j = 0; j < phi.Length; j++)
        {
            phi[j] = model.Coefficients[j] * (x[j] - featureMeans[j]);
            baseValue += model.Coefficients[j] * featureMeans[j];
        }

        return (baseValue, phi);
    }

    /// <summary>
    /// Sums contributions per raw column (all one-hot slots of a column count as that column) and returns the
    /// <paramref name="k"/> largest by absolute value, ties in column order.
    /// </summary>
    public static IReadOnlyList<Reason> Top(ReadOnlySpan<double> contributions, IReadOnlyList<string> columnOfFeature, int k)
    {
        ArgumentNullException.ThrowIfNull(columnOfFeature);
        if (contributions.Length != columnOfFeature.Count) throw new ArgumentException("one column name per feature is needed", nameof(columnOfFeature));
        var sums = new List<Reason>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < contributions.Length; j++)
        {
            string column = columnOfFeature[j];
            if (index.TryGetValue(column, out int at)) sums[at] = sums[at] with { Contribution = sums[at].Contribution + contributions[j] };
            else { index[column] = sums.Count; sums.Add(new Reason(column, contributions[j])); }
        }

        return sums.Select((r, i) => (r, i)).OrderByDescending(t => Math.Abs(t.r.Contribution)).ThenBy(t => t.i).Take(k).Select(t => t.r).ToArray();
    }
}
