using System.Security.Cryptography;

namespace ModelOps.Registry.Promotion;

/// <summary>Settings of approval tokens (section <c>Promotion</c>: <c>Promotion__TokenLifetime</c>).</summary>
public sealed class ApprovalTokenOptions
{
    /// <summary>How long a token may be used (default 72 hours).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(72);

    /// <summary>The problems with these settings; empty when valid.</summary>
    public IReadOnlyList<string> Problems() =>
        TokenLifetime > TimeSpan.Zero && TokenLifetime <= TimeSpan.FromDays(30) ? [] : ["Promotion:TokenLifetime must be more than zero and at most 30 days."];
}

/// <summary>Why a token was refused. Each is a different answer to the approver; none changes anything.</summary>
public enum TokenRefusal
{
    /// <summary>No such token was issued for this request (tampered, truncated or made up).</summary>
    Forged,

    /// <summary>The token's expiry has passed.</summary>
    Expired,

    /// <summary>The token was used for a decision already.</summary>
    AlreadyUsed,

    /// <summary>The token was issued to another approver.</summary>
    WrongApprover,

    /// <summary>The token's approver is the requester (four-eyes).</summary>
    SelfApproval,

    /// <summary>The token's approver is not (any longer) on the model's approver list.</summary>
    NotAnApprover,

    /// <summary>Another decision was made on the request first.</summary>
    RequestDecided,
}

/// <summary>A token just issued: the secret for the link (never stored, never logged) and what is stored.</summary>
public sealed record IssuedApprovalToken(string Token, ApprovalTokenRecord Record);

/// <summary>The answer to presenting a token: a valid token (GET) or a recorded decision (POST), or a refusal.</summary>
public sealed record TokenCheck(StoredApprovalToken? Token, RecordedDecision? Decision, TokenRefusal? Refusal, RecordedDecision? EarlierDecision = null)
{
    /// <summary>True when the token was accepted.</summary>
    public bool Accepted => Refusal is null;
}

/// <summary>
/// Issues and consumes approval tokens: 256 random bits, base64url, of which only the SHA-256 is stored; bound to
/// one request and one approver; expiring after <see cref="ApprovalTokenOptions.TokenLifetime"/>; single-use. The
/// four-eyes rule holds at issue and again at decision: the approver is not the requester and is on the approver list.
/// </summary>
public sealed class ApprovalTokens
{
    private const int TokenBytes = 32;
    private readonly IApprovalTokenStore _store;
    private readonly RandomNumberGenerator _random;
    private readonly TimeProvider _clock;
    private readonly ApprovalTokenOptions _options;

    /// <summary>Tokens kept in <paramref name="store"/>, drawn from <paramref name="random"/> (a cryptographic source in production).</summary>
    public ApprovalTokens(IApprovalTokenStore store, RandomNumberGenerator random, TimeProvider clock, ApprovalTokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> problems = options.Problems();
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(options));
        (_store, _random, _clock, _options) = (store, random, clock, options);
    }

    /// <summary>The SHA-256 (lowercase hex) of a token as stored; null when the text is not a well-formed token.</summary>
    public static string? HashOf(string? token)
    {
        if (token is null || token.Length != 43) return null;
        byte[] raw = new byte[TokenBytes];
        try
        {
            if (System.Buffers.Text.Base64Url.DecodeFromChars(token, raw) != TokenBytes) return null;
        }
        catch (FormatException)
        {
            return null;
        }

        return Convert.ToHexStringLower(SHA256.HashData(raw));
    }

    /// <summary>
    /// Issues a token for <paramref name="approver"/> on <paramref name="request"/>; <see cref="FourEyesViolationException"/>
    /// when the approver is the requester or not on <paramref name="approvers"/>. It expires after the configured lifetime.
    /// </summary>
    public Task<IssuedApprovalToken> IssueAsync(PromotionRequest request, string approver, IReadOnlyList<string> approvers, CancellationToken cancellationToken) =>
        IssueAsync(request, approver, approvers, null, cancellationToken);

    /// <summary>
    /// As the other overload, but the token expires at <paramref name="expiresAt"/> when given: the flow's deadline, so
    /// no link outlives the wait for its decision.
    /// </summary>
    public async Task<IssuedApprovalToken> IssueAsync(PromotionRequest request, string approver, IReadOnlyList<string> approvers, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (FourEyes.Check(request.Requester, approver, approvers) is { } refusal)
        {
            throw new FourEyesViolationException(approver, refusal);
        }

        byte[] raw = new byte[TokenBytes];
        _random.GetBytes(raw);
        string token = System.Buffers.Text.Base64Url.EncodeToString(raw);
        DateTimeOffset now = _clock.GetUtcNow();
        var record = new ApprovalTokenRecord(request.Id, Convert.ToHexStringLower(SHA256.HashData(raw)), approver, now, expiresAt ?? now + _options.TokenLifetime);
        await _store.AddAsync(record, cancellationToken);
        return new IssuedApprovalToken(token, record);
    }

    /// <summary>Checks a token without using it (what the confirmation page does on GET: mail scanners prefetch links).</summary>
    public async Task<TokenCheck> CheckAsync(PromotionRequest request, string? token, string? presentedApprover, IReadOnlyList<string> approvers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HashOf(token) is not { } hash || await _store.GetAsync(request.Id, hash, cancellationToken) is not { } stored)
        {
            return new TokenCheck(null, null, TokenRefusal.Forged);
        }

        return Refusal(stored.Token, request, presentedApprover, approvers) is { } refusal
            ? new TokenCheck(stored, null, refusal, refusal == TokenRefusal.AlreadyUsed ? await _store.GetDecisionAsync(request.Id, cancellationToken) : null)
            : new TokenCheck(stored, null, null);
    }

    /// <summary>
    /// Decides <paramref name="request"/> with <paramref name="token"/>: checks it as <see cref="CheckAsync"/> does,
    /// then consumes it with a compare-and-swap. Of any number of concurrent decisions exactly one is accepted; the
    /// others are refused (<see cref="TokenRefusal.AlreadyUsed"/> or <see cref="TokenRefusal.RequestDecided"/>) with the winning decision.
    /// <paramref name="presentedApprover"/> is who posts, when the host knows it (null: the token's approver).
    /// </summary>
    public async Task<TokenCheck> DecideAsync(
        PromotionRequest request, string? token, string? presentedApprover, IReadOnlyList<string> approvers, ApprovalDecision decision, string comment, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(comment);
        TokenCheck check = await CheckAsync(request, token, presentedApprover, approvers, cancellationToken);
        if (!check.Accepted) return check;
        StoredApprovalToken stored = check.Token!;
        if (await _store.GetDecisionAsync(request.Id, cancellationToken) is { } earlier)
        {
            return new TokenCheck(stored, null, TokenRefusal.RequestDecided, earlier);
        }

        DateTimeOffset now = _clock.GetUtcNow();
        var recorded = new RecordedDecision(request.Id, decision, stored.Token.Approver, comment.Trim(), now);
        if (await _store.TryConsumeAsync(stored.Token with { ConsumedAt = now, Decision = decision }, stored.ETag, recorded, cancellationToken))
        {
            return new TokenCheck(stored, recorded, null);
        }

        StoredApprovalToken? now2 = await _store.GetAsync(request.Id, stored.Token.TokenHash, cancellationToken);
        RecordedDecision? winner = await _store.GetDecisionAsync(request.Id, cancellationToken);
        return new TokenCheck(now2 ?? stored, null, now2?.Token.IsConsumed == true ? TokenRefusal.AlreadyUsed : TokenRefusal.RequestDecided, winner);
    }

    private TokenRefusal? Refusal(ApprovalTokenRecord token, PromotionRequest request, string? presentedApprover, IReadOnlyList<string> approvers)
    {
        // Who is signed in is judged first: the requester holding someone's link is self-approval, a stranger is not an approver.
        if (presentedApprover is not null && !string.Equals(presentedApprover, token.Approver, StringComparison.OrdinalIgnoreCase))
        {
            return FourEyes.Check(request.Requester, presentedApprover, approvers) ?? TokenRefusal.WrongApprover;
        }

        if (token.IsConsumed) return TokenRefusal.AlreadyUsed;
        if (_clock.GetUtcNow() >= token.ExpiresAt) return TokenRefusal.Expired;
        return FourEyes.Check(request.Requester, token.Approver, approvers);
    }
}

/// <summary>The four-eyes rule: nobody approves their own request, and only listed approvers approve.</summary>
public static class FourEyes
{
    /// <summary>Null when <paramref name="approver"/> may decide a request by <paramref name="requester"/>, else why not.</summary>
    public static TokenRefusal? Check(string requester, string approver, IReadOnlyList<string> approvers)
    {
        ArgumentNullException.ThrowIfNull(approvers);
        if (string.IsNullOrWhiteSpace(approver) || string.Equals(requester, approver, StringComparison.OrdinalIgnoreCase)) return TokenRefusal.SelfApproval;
        return approvers.Contains(approver, StringComparer.OrdinalIgnoreCase) ? null : TokenRefusal.NotAnApprover;
    }
}

/// <summary>A token was asked for an approver the four-eyes rule excludes.</summary>
public sealed class FourEyesViolationException(string approver, TokenRefusal refusal)
    : RegistryException(refusal == TokenRefusal.SelfApproval
        ? $"'{approver}' requested the promotion and may not approve it."
        : $"'{approver}' is not on the model's approver list.")
{
    public TokenRefusal Refusal { get; } = refusal;
}
