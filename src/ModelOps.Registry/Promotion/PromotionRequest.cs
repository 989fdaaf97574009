using System.Security.Cryptography;
using System.Text;

namespace ModelOps.Registry.Promotion;

/// <summary>Why a promotion was asked for.</summary>
public enum PromotionReason
{
    /// <summary>The champion's inputs or scores drifted from its baseline.</summary>
    Drift,

    /// <summary>The champion's realized accuracy fell, or a challenger measured better.</summary>
    Accuracy,

    /// <summary>A person asked for it.</summary>
    Manual,
}

/// <summary>
/// Where a promotion request is: Requested → Gating → AwaitingApproval → Approved → Promoted, or it ends in
/// GatesFailed, Rejected, Expired or Cancelled.
/// </summary>
public enum PromotionStage
{
    Requested,
    Gating,
    GatesFailed,
    AwaitingApproval,
    Approved,
    Rejected,
    Expired,
    Cancelled,
    Promoted,

    /// <summary>Approved, but the alias could not be moved (it moved since the gates ran, or storage kept refusing); the requester is told why.</summary>
    NotPromoted,
}

/// <summary>A request to point <see cref="TargetAlias"/> of <see cref="Model"/> at <see cref="CandidateVersion"/>.</summary>
public sealed record PromotionRequest(
    string Model,
    int CandidateVersion,
    string TargetAlias,
    string Requester,
    PromotionReason Reason,
    bool AllowBreakingSchema = false,
    string Note = "")
{
    /// <summary>
    /// The request's id, derived from model and version only, so that a second request for the same model and
    /// version finds the first (one orchestration instance per request). Lowercase hex of the first 16 bytes of
    /// SHA-256 over <c>model/version</c>, prefixed <c>promote-</c>: safe as a table key and an instance id.
    /// </summary>
    public string Id => IdFor(Model, CandidateVersion);

    /// <summary>The id of the request for <paramref name="model"/> version <paramref name="version"/>.</summary>
    public static string IdFor(string model, int version)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{model}/{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
        return "promote-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    /// <summary>The problems with the request's fields, each naming the field; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Model)) problems.Add("'model' is required.");
        if (CandidateVersion < 1) problems.Add("'candidateVersion' must be 1 or more.");
        if (string.IsNullOrWhiteSpace(TargetAlias)) problems.Add("'targetAlias' is required.");
        if (string.IsNullOrWhiteSpace(Requester)) problems.Add("'requester' is required.");
        if (!Enum.IsDefined(Reason)) problems.Add("'reason' must be drift, accuracy or manual.");
        return problems;
    }
}

/// <summary>A promotion request's progress: its stage and, once it ended early, why.</summary>
public sealed record PromotionProgress(string RequestId, PromotionStage Stage, IReadOnlyList<string> Reasons, DateTimeOffset UpdatedAt)
{
    /// <summary>A new request's progress.</summary>
    public static PromotionProgress Start(PromotionRequest request, DateTimeOffset at) => new(request.Id, PromotionStage.Requested, [], at);

    /// <summary>True once nothing more can happen to the request.</summary>
    public bool IsFinal => Stage is PromotionStage.GatesFailed or PromotionStage.Rejected or PromotionStage.Expired or PromotionStage.Cancelled or PromotionStage.Promoted;

    /// <summary>The progress in <paramref name="next"/>; throws <see cref="InvalidPromotionTransitionException"/> for a move the flow does not allow.</summary>
    public PromotionProgress MoveTo(PromotionStage next, DateTimeOffset at, IReadOnlyList<string>? reasons = null)
    {
        bool allowed = (Stage, next) switch
        {
            (PromotionStage.Requested, PromotionStage.Gating) => true,
            (PromotionStage.Gating, PromotionStage.GatesFailed or PromotionStage.AwaitingApproval) => true,
            (PromotionStage.AwaitingApproval, PromotionStage.Approved or PromotionStage.Rejected or PromotionStage.Expired) => true,
            (PromotionStage.Approved, PromotionStage.Promoted or PromotionStage.NotPromoted) => true,
            (PromotionStage.Requested or PromotionStage.Gating or PromotionStage.AwaitingApproval, PromotionStage.Cancelled) => true,
            _ => false,
        };
        return allowed
            ? this with { Stage = next, Reasons = reasons ?? [], UpdatedAt = at }
            : throw new InvalidPromotionTransitionException(RequestId, Stage, next);
    }
}

/// <summary>A stage change the promotion flow does not allow.</summary>
public sealed class InvalidPromotionTransitionException(string requestId, PromotionStage from, PromotionStage to)
    : RegistryException($"Promotion request '{requestId}' cannot move from {from} to {to}.");
