using ModelOps.Learning.Drift;
using ModelOps.Learning.Evaluation;
using ModelOps.Learning.Fairness;
using ModelOps.Learning.Pipelines;
using ModelOps.Registry;
using ModelOps.Registry.Promotion;

namespace ModelOps.Reports;

/// <summary>
/// One side of the comparison: which version, its evaluation on labelled rows when known (curves come from it),
/// and its flat metrics (what the registry stores).
/// </summary>
public sealed record ReportedModel(string Label, int? Version, BinaryClassificationReport? Evaluation, IReadOnlyDictionary<string, double> Metrics);

/// <summary>
/// What the model report shows: challenger against champion (metrics, ROC curves, lift, calibration), the drift
/// summary, the top features, the fairness table and the gate results. Anything unknown is null or empty and the
/// page says so instead of drawing it.
/// </summary>
public sealed record ModelReport(
    string Model,
    ReportedModel Challenger,
    ReportedModel? Champion,
    IReadOnlyList<FeatureImportance> TopFeatures,
    FairnessReport? Fairness,
    DriftReport? Drift,
    IReadOnlyList<GateResult> Gates,
    AurocComparison? Comparison,
    PromotionRequest? Request,
    DateTimeOffset GeneratedAt)
{
    /// <summary>How <see cref="TopFeatures"/> was measured (e.g. <c>split_gain</c>, <c>standardized_abs_coefficient</c>).</summary>
    public string ImportanceMethod { get; init; } = string.Empty;

    /// <summary>How many features the report lists.</summary>
    public const int FeatureCount = 10;

    /// <summary>The report of two training reports (the challenger's, and the champion's when there is one).</summary>
    public static ModelReport FromTraining(string model, TrainingReport challenger, int? challengerVersion, TrainingReport? champion, int? championVersion, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(challenger);
        return new ModelReport(
            model,
            new ReportedModel("Challenger", challengerVersion, challenger.Test, Flatten(challenger.Test)),
            champion is null ? null : new ReportedModel("Champion", championVersion, champion.Test, Flatten(champion.Test)),
            challenger.VariableImportance.Take(FeatureCount).ToArray(),
            challenger.Fairness,
            null,
            [],
            null,
            null,
            at)
        {
            ImportanceMethod = challenger.ImportanceMethod,
        };
    }

    /// <summary>The report of two registered versions, from the metrics the registry stores (no curves: the registry keeps numbers only).</summary>
    public static ModelReport FromRegistry(ModelVersion challenger, ModelVersion? champion, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(challenger);
        return new ModelReport(
            challenger.Model,
            new ReportedModel("Challenger", challenger.Version, null, challenger.Metrics),
            champion is null ? null : new ReportedModel("Champion", champion.Version, null, champion.Metrics),
            [],
            null,
            null,
            [],
            null,
            null,
            at);
    }

    /// <summary>
    /// The report of a promotion request: both sides evaluated on the same labelled rows (so the curves are there), the
    /// gate results, DeLong's comparison and the fairness table, and the request itself.
    /// </summary>
    public static ModelReport FromPromotion(PromotionRecord record, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(record);
        PromotionRequest request = record.Request;
        return new ModelReport(
            request.Model,
            new ReportedModel("Challenger", request.CandidateVersion, record.ChallengerEvaluation, Flatten(record.ChallengerEvaluation)),
            record.ChampionVersion is { } champion ? new ReportedModel("Champion", champion, record.ChampionEvaluation, Flatten(record.ChampionEvaluation)) : null,
            [],
            record.Gates.Fairness,
            null,
            record.Gates.Results,
            record.Gates.Comparison,
            request,
            at);
    }

    /// <summary>The metrics of an evaluation by the names the registry files them under.</summary>
    public static IReadOnlyDictionary<string, double> Flatten(BinaryClassificationReport? report) =>
        report is null
            ? new Dictionary<string, double>()
            : new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["auroc"] = report.Auroc,
                ["gini"] = report.Gini,
                ["logLoss"] = report.LogLoss,
                ["brier"] = report.Brier,
                ["ksSeparation"] = report.KsSeparation,
                ["liftTop10Percent"] = report.LiftTop10Percent,
                ["accuracy"] = report.Confusion.Accuracy,
                ["precision"] = report.Confusion.Precision,
                ["recall"] = report.Confusion.Recall,
                ["f1"] = report.Confusion.F1,
            };
}
