using System.Globalization;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Monitoring.Outcomes;

namespace ModelOps.Monitoring.Retraining;

/// <summary>
/// A retrained model: the ONNX artifact, its training report (held-out metrics on the latest rows of the window,
/// baseline profile), and whether it recovered the model's accuracy threshold — when it did not, the variables
/// themselves need rethinking (<see cref="RemodelNeeded"/>), which retraining cannot do.
/// </summary>
public sealed record RetrainedModel(byte[] Artifact, TrainingReport Report, int TrainRows, int HoldoutRows, bool RemodelNeeded, IReadOnlyList<string> Reasons);

/// <summary>
/// Retraining in the seeds' sense: the version's own pipeline spec — same inputs, transforms and estimator
/// settings — fitted again on the fresh labelled window. The latest <see cref="MonitoringPolicy.RetrainHoldout"/>
/// share of the rows (by time) is held out to measure it, as <c>modelops train</c> holds out its last rows.
/// </summary>
public static class Retrainer
{
    public static RetrainedModel Retrain(PipelineSpec spec, IReadOnlyList<LabelledPrediction> window, MonitoringPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(policy);
        IReadOnlyList<LabelledPrediction> rows = LabelledRows.Distinct(window);
        if (rows.Count < policy.MinRetrainRows)
        {
            throw new InsufficientLabelsException(string.Create(CultureInfo.InvariantCulture, $"{rows.Count} labelled rows in the window, and a retrain needs {policy.MinRetrainRows} (MinRetrainRows)"));
        }

        Dataset data = LabelledRows.ToDataset(rows, spec.Inputs, spec.Target.Column);
        int cut = (int)Math.Floor(rows.Count * (1 - policy.RetrainHoldout));
        Dataset train = data.Slice(0, cut), holdout = data.Slice(cut, rows.Count);
        TrainingResult result = PipelineTrainer.Fit(spec, train, cancellationToken);
        TrainingReport report = TrainingReport.Create(spec, result, train, holdout);
        byte[] artifact = PipelineOnnxExporter.Export(result.Pipeline);

        var reasons = new List<string>();
        if (report.Test is not { } test)
        {
            reasons.Add("the held-out rows have only one outcome, so AUROC cannot be measured");
        }
        else
        {
            if (test.Auroc < policy.MinAuroc) reasons.Add(string.Create(CultureInfo.InvariantCulture, $"retrained AUROC {test.Auroc:F4} < {policy.MinAuroc:F4}"));
            if (policy.MaxLogLoss is { } maxLoss && test.LogLoss > maxLoss) reasons.Add(string.Create(CultureInfo.InvariantCulture, $"retrained log-loss {test.LogLoss:F4} > {maxLoss:F4}"));
            if (policy.MinAccuracy is { } minAccuracy && test.Confusion.Accuracy < minAccuracy) reasons.Add(string.Create(CultureInfo.InvariantCulture, $"retrained accuracy {test.Confusion.Accuracy:F4} < {minAccuracy:F4}"));
        }

        return new RetrainedModel(artifact, report, train.RowCount, holdout.RowCount, reasons.Count > 0, reasons);
    }

    /// <summary>The held-out metrics a registration carries, named as <c>models register --report</c> names them.</summary>
    public static IReadOnlyDictionary<string, double> Metrics(TrainingReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (report.Test is { } test)
        {
            metrics["auroc"] = test.Auroc;
            metrics["gini"] = test.Gini;
            metrics["log_loss"] = test.LogLoss;
            metrics["brier"] = test.Brier;
            metrics["ks"] = test.KsSeparation;
            metrics["lift_top10"] = test.LiftTop10Percent;
        }

        return metrics;
    }
}

/// <summary>A retrain or comparison had too few labelled rows to run.</summary>
public sealed class InsufficientLabelsException(string message) : Exception(message);
