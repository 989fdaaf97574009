namespace ModelOps.Registry.Promotion;

/// <summary>What an approver decided.</summary>
public enum ApprovalDecision
{
    Approve,
    Reject,

    /// <summary>The request was withdrawn (by its requester or an operator) before anyone decided; made without a token.</summary>
    Cancel,
}

/// <summary>
/// A stored approval token: only the SHA-256 of the token is kept (lowercase hex), bound to one request and one
/// approver, with its expiry; once consumed, when and how.
/// </summary>
public sealed record ApprovalTokenRecord(
    string RequestId,
    string TokenHash,
    string Approver,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? ConsumedAt = null,
    ApprovalDecision? Decision = null)
{
    /// <summary>True once a decision was made with this token.</summary>
    public bool IsConsumed => ConsumedAt is not null;
}

/// <summary>A token record and the concurrency token its consumption must match.</summary>
public sealed record StoredApprovalToken(ApprovalTokenRecord Token, string ETag);

/// <summary>The one decision a request gets: who made it, what, with which comment, when.</summary>
public sealed record RecordedDecision(string RequestId, ApprovalDecision Decision, string Approver, string Comment, DateTimeOffset At);

/// <summary>
/// Where approval tokens and decisions are kept. Consumption is a compare-and-swap: it marks the token consumed
/// and records the request's decision in one atomic write, which loses when the token changed since it was read or
/// the request already has a decision — so exactly one decision wins, whatever the number of concurrent posts.
/// </summary>
public interface IApprovalTokenStore
{
    /// <summary>Stores a new token; <see cref="StoreConflictException"/> when one with that hash exists for the request.</summary>
    Task AddAsync(ApprovalTokenRecord token, CancellationToken cancellationToken);

    /// <summary>The token with <paramref name="tokenHash"/> issued for <paramref name="requestId"/>, or null.</summary>
    Task<StoredApprovalToken?> GetAsync(string requestId, string tokenHash, CancellationToken cancellationToken);

    /// <summary>The request's decision, or null while none was made.</summary>
    Task<RecordedDecision?> GetDecisionAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically: replaces the token with <paramref name="consumed"/> if it still has <paramref name="etag"/>, and
    /// records <paramref name="decision"/> if the request has none. False (and nothing written) when either lost.
    /// </summary>
    Task<bool> TryConsumeAsync(ApprovalTokenRecord consumed, string etag, RecordedDecision decision, CancellationToken cancellationToken);

    /// <summary>
    /// Records <paramref name="decision"/> (one made without a token: a cancellation) if the request has none; false
    /// (and nothing written) when a decision was recorded first. It races token consumption fairly: one of them wins.
    /// </summary>
    Task<bool> TryRecordAsync(RecordedDecision decision, CancellationToken cancellationToken);

    /// <summary>
    /// Removes every token and the decision of <paramref name="requestId"/>: a new request for the same model and version
    /// (same id) starts clean, and the links of the old one stop working.
    /// </summary>
    Task ResetAsync(string requestId, CancellationToken cancellationToken);
}
