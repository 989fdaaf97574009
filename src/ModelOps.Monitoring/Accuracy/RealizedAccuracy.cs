using System.Globalization;
using ModelOps.Learning.Evaluation;
using ModelOps.Monitoring.Outcomes;

namespace ModelOps.Monitoring.Accuracy;

/// <summary>
/// How one version really did over one window, once outcomes arrived: AUROC, log-loss and accuracy at 0.5 (as
/// <see cref="BinaryClassificationReport"/> defines them), the business metric — the value of the outcomes among the
/// rows the model flagged positive, in total and per flagged row — and whether the model's thresholds were breached.
/// Metrics that need both outcomes are null when only one occurred.
/// </summary>
public sealed record RealizedAccuracy(
    string Model,
    int Version,
    DateTimeOffset From,
    DateTimeOffset To,
    int Labelled,
    int Positives,
    double? Auroc,
    double? LogLoss,
    double? Accuracy,
    double? BusinessValue,
    double? ValuePerFlaggedRow,
    bool Breached,
    IReadOnlyList<string> Reasons)
{
    /// <summary>Realized metrics of <paramref name="rows"/> (one version's) with <paramref name="positiveClass"/> as the positive label.</summary>
    public static RealizedAccuracy Measure(string model, int version, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<LabelledPrediction> rows, string positiveClass, MonitoringPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(policy);
        double[] scores = rows.Select(r => Math.Clamp(r.Prediction.Score, 0, 1)).ToArray();
        bool[] outcomes = rows.Select(r => IsPositive(r.Outcome, positiveClass)).ToArray();
        int positives = outcomes.Count(y => y);
        double? auroc = null, logLoss = null, accuracy = null;
        if (positives > 0 && positives < rows.Count)
        {
            BinaryClassificationReport report = BinaryClassificationReport.Evaluate(scores, outcomes);
            (auroc, logLoss, accuracy) = (report.Auroc, report.LogLoss, report.Confusion.Accuracy);
        }
        else if (rows.Count > 0)
        {
            accuracy = scores.Select((p, i) => p >= 0.5 == outcomes[i]).Count(ok => ok) / (double)rows.Count;
        }

        double? value = null, perRow = null;
        if (rows.Any(r => r.Outcome.Value is not null))
        {
            LabelledPrediction[] flagged = rows.Where(r => r.Prediction.Score >= 0.5).ToArray();
            value = flagged.Sum(r => r.Outcome.Value ?? 0);
            perRow = flagged.Length == 0 ? 0 : value / flagged.Length;
        }

        var reasons = new List<string>();
        if (rows.Count < policy.MinLabelledRows)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{rows.Count} labelled rows, fewer than the {policy.MinLabelledRows} a verdict needs"));
            return new RealizedAccuracy(model, version, from, to, rows.Count, positives, auroc, logLoss, accuracy, value, perRow, false, reasons);
        }

        if (auroc < policy.MinAuroc) reasons.Add(string.Create(CultureInfo.InvariantCulture, $"AUROC {auroc:F4} < {policy.MinAuroc:F4}"));
        if (policy.MaxLogLoss is { } maxLoss && logLoss > maxLoss) reasons.Add(string.Create(CultureInfo.InvariantCulture, $"log-loss {logLoss:F4} > {maxLoss:F4}"));
        if (policy.MinAccuracy is { } minAccuracy && accuracy < minAccuracy) reasons.Add(string.Create(CultureInfo.InvariantCulture, $"accuracy {accuracy:F4} < {minAccuracy:F4}"));
        return new RealizedAccuracy(model, version, from, to, rows.Count, positives, auroc, logLoss, accuracy, value, perRow, reasons.Count > 0, reasons);
    }

    /// <summary>True when the outcome's label is the positive class (case-insensitive, so <c>Yes</c> and <c>yes</c> agree; <c>1</c> and <c>true</c> count for <c>1</c>).</summary>
    public static bool IsPositive(Outcome outcome, string positiveClass)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return string.Equals(outcome.Label, positiveClass, StringComparison.OrdinalIgnoreCase)
            || (positiveClass is "1" or "true" && outcome.Label is "1" or "true" or "True");
    }
}
