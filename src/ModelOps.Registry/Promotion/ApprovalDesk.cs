namespace ModelOps.Registry.Promotion;

/// <summary>What the approval page answers: the request's record (null when the link names no known request) and the token's check.</summary>
public sealed record ApprovalAnswer(PromotionRecord? Record, TokenCheck Check);

/// <summary>
/// The approval page's logic. Opening a link only checks the token (mail scanners prefetch links, so opening never
/// decides); deciding needs a comment, consumes the token with a compare-and-swap, and only then wakes the
/// orchestration. A refused token changes nothing.
/// </summary>
public sealed class ApprovalDesk(IPromotionRecords records, ApprovalTokens tokens, ModelRegistry registry)
{
    /// <summary>The longest comment kept (it goes into the audit entry).</summary>
    public const int MaxCommentLength = 500;

    /// <summary>Checks <paramref name="token"/> for <paramref name="requestId"/> without using it.</summary>
    public async Task<ApprovalAnswer> OpenAsync(string requestId, string? token, string? presentedApprover, CancellationToken cancellationToken)
    {
        if (await RecordAsync(requestId, cancellationToken) is not { } record)
        {
            return new ApprovalAnswer(null, new TokenCheck(null, null, TokenRefusal.Forged));
        }

        return new ApprovalAnswer(record, await tokens.CheckAsync(record.Request, token, presentedApprover, await ApproversAsync(record, cancellationToken), cancellationToken));
    }

    /// <summary>
    /// Decides <paramref name="requestId"/> with <paramref name="token"/>; exactly one of any number of concurrent decisions
    /// is accepted, and only it reaches <paramref name="signal"/>. <see cref="InvalidPromotionRequestException"/> when the
    /// comment is missing or too long.
    /// </summary>
    public async Task<ApprovalAnswer> DecideAsync(
        string requestId, string? token, string? presentedApprover, ApprovalDecision decision, string? comment, IDecisionSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        string text = (comment ?? string.Empty).Trim();
        if (text.Length == 0) throw new InvalidPromotionRequestException(["'comment' is required: say why you decide so."]);
        if (text.Length > MaxCommentLength) throw new InvalidPromotionRequestException([$"'comment' is {text.Length} characters long; the limit is {MaxCommentLength}."]);
        if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))) throw new InvalidPromotionRequestException(["'comment' holds control characters."]);
        if (await RecordAsync(requestId, cancellationToken) is not { } record)
        {
            return new ApprovalAnswer(null, new TokenCheck(null, null, TokenRefusal.Forged));
        }

        TokenCheck check = await tokens.DecideAsync(record.Request, token, presentedApprover, await ApproversAsync(record, cancellationToken), decision, text, cancellationToken);
        if (check.Accepted)
        {
            // The decision is on record before the orchestration hears of it; should this signal be lost, the
            // orchestration still reads the decision when its deadline passes.
            await signal.RaiseAsync(check.Decision!, cancellationToken);
        }

        return new ApprovalAnswer(record, check);
    }

    private async Task<PromotionRecord?> RecordAsync(string requestId, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(requestId) || requestId.Length > 64 || !requestId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? null
            : await records.GetAsync(requestId, cancellationToken);

    private async Task<IReadOnlyList<string>> ApproversAsync(PromotionRecord record, CancellationToken cancellationToken) =>
        (await registry.GetModelAsync(record.Request.Model, cancellationToken)).Card.Approvers ?? [];
}
