namespace ModelOps.Registry.Promotion;

/// <summary>
/// How the promotion flow runs (section <c>Promotion</c>: <c>Promotion__ApprovalDeadline</c>, <c>Promotion__EscalateTo__0</c>, …).
/// </summary>
public sealed class PromotionFlowOptions
{
    /// <summary>How long approvers have to decide (default 72 hours); the approval links expire with it.</summary>
    public TimeSpan ApprovalDeadline { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Who is told when a request expires undecided (e-mail addresses); none: the model's approvers.</summary>
    public IReadOnlyList<string> EscalateTo { get; set; } = [];

    /// <summary>The problems with these settings, each naming its setting; empty when valid.</summary>
    public IReadOnlyList<string> Problems() =>
        ApprovalDeadline > TimeSpan.Zero && ApprovalDeadline <= TimeSpan.FromDays(30)
            ? []
            : ["Promotion:ApprovalDeadline must be more than zero and at most 30 days."];
}

/// <summary>What starts an orchestration: the request and how long approvers have (fixed when it starts, so replays agree).</summary>
public sealed record PromotionStart(PromotionRequest Request, TimeSpan ApprovalDeadline);

/// <summary>
/// The gates' verdict as the orchestration sees it: passed or not, each gate's result, the reasons it failed, who may be
/// asked to approve (the model card's approvers other than the requester) and the current champion's version.
/// </summary>
public sealed record GateOutcome(bool Passed, IReadOnlyList<GateResult> Gates, IReadOnlyList<string> FailureReasons, IReadOnlyList<string> Approvers, int? ChampionVersion);

/// <summary>One approver to ask, with the moment the request's links expire (the flow's deadline).</summary>
public sealed record ApprovalAsk(PromotionRequest Request, string Approver, int? ChampionVersion, IReadOnlyList<GateResult> Gates, DateTimeOffset ExpiresAt);

/// <summary>The alias move a promotion made: from which version (null: the alias was new) to which, and when.</summary>
public sealed record PromotedAlias(string Model, string Alias, int? FromVersion, int ToVersion, DateTimeOffset At);

/// <summary>How a request ended: its final stage, why, the decision behind it and the alias move when it was promoted.</summary>
public sealed record PromotionOutcome(
    PromotionRequest Request,
    PromotionStage Stage,
    IReadOnlyList<string> Reasons,
    RecordedDecision? Decision = null,
    PromotedAlias? Move = null);

/// <summary>A promotion request with the same id (same model and version) is still open.</summary>
public sealed class PromotionAlreadyOpenException(string requestId, string model, int version, string stage)
    : RegistryException($"A promotion request for '{model}' version {version} is already open ({stage}); wait for it to end.")
{
    public string RequestId { get; } = requestId;
}

/// <summary>A promotion request cannot be cancelled: it ended, or someone decided it first.</summary>
public sealed class PromotionNotOpenException(string requestId, string why)
    : RegistryException($"Promotion request '{requestId}' is no longer open: {why}.")
{
    public string RequestId { get; } = requestId;
}

/// <summary>A promotion request with invalid fields; <see cref="Problems"/> names each field.</summary>
public sealed class InvalidPromotionRequestException(IReadOnlyList<string> problems)
    : RegistryException("The promotion request is invalid: " + string.Join(" ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>The promotion flow lacks settings it needs (mail, links); <see cref="Problems"/> names them.</summary>
public sealed class PromotionNotConfiguredException(IReadOnlyList<string> problems)
    : RegistryException("Promotion is not configured: " + string.Join(" ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
