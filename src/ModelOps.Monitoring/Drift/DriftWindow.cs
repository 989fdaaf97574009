using System.Globalization;
using ModelOps.Learning.Drift;

namespace ModelOps.Monitoring.Drift;

/// <summary>
/// Drift of one version's live traffic over one window: the per-input report, the prediction (score) drift, and
/// whether it breached the model's thresholds (<see cref="Reasons"/> say which, in words).
/// </summary>
public sealed record DriftWindow(
    string Model,
    int Version,
    DateTimeOffset From,
    DateTimeOffset To,
    long Rows,
    DriftReport Features,
    ColumnDrift? Prediction,
    bool Breached,
    IReadOnlyList<string> Reasons)
{
    /// <summary>The verdict with <paramref name="policy"/>'s thresholds; a window under <see cref="MonitoringPolicy.MinRows"/> never breaches.</summary>
    public static DriftWindow Decide(string model, int version, DateTimeOffset from, DateTimeOffset to, long rows, DriftReport features, ColumnDrift? prediction, MonitoringPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(policy);
        var reasons = new List<string>();
        if (rows < policy.MinRows)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{rows} rows, fewer than the {policy.MinRows} a verdict needs"));
            return new DriftWindow(model, version, from, to, rows, features, prediction, false, reasons);
        }

        int measured = features.Columns.Count, drifted = features.Columns.Count(c => c.Drifted);
        bool inputs = drifted > 0 && drifted >= policy.DriftedShare * measured;
        if (inputs)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{drifted} of {measured} inputs drifted ({string.Join(", ", features.DrivenBy)})"));
        }

        if (prediction is { Drifted: true })
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"the score drifted (PSI {prediction.Score:F3} ≥ {prediction.Threshold:F3})"));
        }

        return new DriftWindow(model, version, from, to, rows, features, prediction, reasons.Count > 0, reasons);
    }
}
