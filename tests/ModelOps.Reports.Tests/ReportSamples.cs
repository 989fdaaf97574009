using ModelOps.Learning.Drift;
using ModelOps.Learning.Evaluation;
using ModelOps.Learning.Fairness;
using ModelOps.Learning.Pipelines;
using ModelOps.Registry.Promotion;

namespace ModelOps.Reports.Tests;

/// <summary>A report with everything on it, from scores drawn with a fixed seed.</summary>
internal static class ReportSamples
{
    public static ModelReport Full(string model = "churn", string note = "PSI 0.31 on tenure")
    {
        var random = new Random(3);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        const int rows = 3000;
        var y = new bool[rows];
        var a = new double[rows];
        var b = new double[rows];
        var groups = new string[rows];
        for (int i = 0; i < rows; i++)
        {
            y[i] = random.NextDouble() < 0.3;
            double signal = (y[i] ? 1.0 : -1.0) + Gaussian();
            a[i] = 1 / (1 + Math.Exp(-(signal + (0.4 * Gaussian()))));
            b[i] = 1 / (1 + Math.Exp(-(signal + (1.2 * Gaussian()))));
            groups[i] = i % 3 == 0 ? "Female" : "Male";
        }

        BinaryClassificationReport challenger = BinaryClassificationReport.Evaluate(a, y), champion = BinaryClassificationReport.Evaluate(b, y);
        var request = new PromotionRequest(model, 5, "champion", "dana@example.org", PromotionReason.Drift, Note: note);
        GateReport gates = new PromotionGates(new PromotionGateOptions { SensitiveColumn = "sex" }).Evaluate(new GateEvidence(
            request, new CandidateFacts(5, Registry.ModelSchema.Empty, null), new CandidateFacts(4, Registry.ModelSchema.Empty, null),
            new LabelledScores(a, b, y, groups), []));
        var drift = new DriftReport(
            [
                new ColumnDrift("tenure", "numeric", "wasserstein", 0.31, 0.12, 0.001, 3.1, 0.17, null, null, 0.17, 0.1, true),
                new ColumnDrift("Contract", "categorical", "jensenshannon", 0.02, null, null, null, null, 0.4, 0.03, 0.03, 0.1, false),
            ],
            0.5, true, "share of drifted columns ≥ 0.5");
        return new ModelReport(
            model,
            new ReportedModel("Challenger", 5, challenger, ModelReport.Flatten(challenger)),
            new ReportedModel("Champion", 4, champion, ModelReport.Flatten(champion)),
            [new FeatureImportance("tenure", "tenure", 0.91), new FeatureImportance("Contract=Month-to-month", "Contract", 0.55), new FeatureImportance("MonthlyCharges", "MonthlyCharges", 0.2)],
            FairnessReport.Evaluate("sex", groups, a, y),
            drift,
            gates.Results,
            gates.Comparison,
            request,
            new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero))
        {
            ImportanceMethod = "split_gain",
        };
    }
}
