using ModelOps.Learning.Evaluation;

namespace ModelOps.Registry.Promotion;

/// <summary>
/// What the approval page shows of a request, written when the gates have run: the request, the champion it would
/// replace, the gate report and both sides' evaluations on the same labelled rows (the curves come from them), and
/// the stage it reached last.
/// </summary>
public sealed record PromotionRecord(
    PromotionRequest Request,
    int? ChampionVersion,
    GateReport Gates,
    BinaryClassificationReport? ChallengerEvaluation,
    BinaryClassificationReport? ChampionEvaluation,
    PromotionStage Stage,
    IReadOnlyList<string> Reasons,
    DateTimeOffset UpdatedAt);

/// <summary>Where promotion records are kept, one per request id (a new request for the same model and version replaces it).</summary>
public interface IPromotionRecords
{
    Task SaveAsync(PromotionRecord record, CancellationToken cancellationToken);

    /// <summary>The record of <paramref name="requestId"/>, or null.</summary>
    Task<PromotionRecord?> GetAsync(string requestId, CancellationToken cancellationToken);
}

/// <summary>
/// Recent labelled rows of a model as CSV (header first; the model's inputs, its target, and the sensitive column when
/// one is configured) — challenger and champion are compared on them. Who fills it: the accuracy monitor, or a person.
/// </summary>
public interface ILabelledRows
{
    /// <summary>The CSV text of <paramref name="model"/>'s labelled rows, or null when there are none.</summary>
    Task<string?> ReadCsvAsync(string model, CancellationToken cancellationToken);

    /// <summary>Replaces <paramref name="model"/>'s labelled rows with <paramref name="csv"/> (a header line, then one line a row).</summary>
    Task WriteCsvAsync(string model, string csv, CancellationToken cancellationToken);

    /// <summary>Where the rows of <paramref name="model"/> are looked for, in words (for the reason a gate gives).</summary>
    string Describe(string model);
}

/// <summary>Wakes the request's orchestration after a decision was recorded (the decision itself stays in the token store).</summary>
public interface IDecisionSignal
{
    Task RaiseAsync(RecordedDecision decision, CancellationToken cancellationToken);
}

/// <summary>Tells the requester (and on expiry, whoever is escalated to) how a request ended.</summary>
public sealed record PromotionNotice(PromotionRequest Request, string To, PromotionStage Stage, IReadOnlyList<string> Reasons, RecordedDecision? Decision, bool Escalation);
