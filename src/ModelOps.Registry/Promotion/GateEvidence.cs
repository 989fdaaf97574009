using ModelOps.Learning.Pipelines;

namespace ModelOps.Registry.Promotion;

/// <summary>
/// Challenger and champion scored on the same recent labelled rows: one score per row from each, the outcomes,
/// and the rows' values of the sensitive column (null when none is configured).
/// </summary>
public sealed record LabelledScores(
    IReadOnlyList<double> Challenger,
    IReadOnlyList<double>? Champion,
    IReadOnlyList<bool> Outcomes,
    IReadOnlyList<string>? SensitiveGroups);

/// <summary>One side of the comparison: the version's registered schema and, when known, the pipeline spec it was trained from.</summary>
public sealed record CandidateFacts(int Version, ModelSchema Schema, PipelineSpec? Spec);

/// <summary>
/// Everything the gates judge, gathered by the caller (the orchestration's activities do the I/O): the request,
/// challenger and champion facts, their scores, and what artifact validation found (empty: valid).
/// </summary>
public sealed record GateEvidence(
    PromotionRequest Request,
    CandidateFacts Challenger,
    CandidateFacts? Champion,
    LabelledScores Scores,
    IReadOnlyList<string> ArtifactProblems);
