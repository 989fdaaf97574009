using System.Globalization;
using ModelOps.Learning.Evaluation;

namespace ModelOps.Registry.Promotion;

/// <summary>
/// The steps of the promotion flow that touch the world, one method per orchestration activity: each is safe to run
/// again (activities run at least once), and each leaves the deciding to the domain — the gates judge, the token store
/// holds the one decision, the registry moves the alias with a compare-and-swap and audits it.
/// </summary>
public sealed class PromotionSteps(
    ModelRegistry registry,
    PromotionEvidence evidence,
    PromotionGates gates,
    ApprovalTokens tokens,
    IApprovalTokenStore tokenStore,
    IPromotionRecords records,
    IApprovalMailer mailer,
    ApprovalLinkOptions links,
    PromotionFlowOptions flow,
    TimeProvider clock)
{
    /// <summary>The pseudo-gate named when a request cannot be judged at all (no such version, no labelled rows, …).</summary>
    public const string RequestGate = "request";

    /// <summary>
    /// Runs the gates on <paramref name="request"/> and keeps the record the approval page shows. A new run for the same
    /// model and version first clears the old run's tokens and decision.
    /// </summary>
    public async Task<GateOutcome> CheckAsync(PromotionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await tokenStore.ResetAsync(request.Id, cancellationToken);
        CollectedEvidence collected = await evidence.CollectAsync(request, cancellationToken);
        if (collected.Evidence is null)
        {
            var refused = new GateResult(RequestGate, false, collected.Problems);
            await records.SaveAsync(new PromotionRecord(request, null, new GateReport([refused], null, double.NaN, null), null, null, PromotionStage.GatesFailed, collected.Problems, clock.GetUtcNow()), cancellationToken);
            return new GateOutcome(false, [refused], [.. collected.Problems.Select(p => $"{RequestGate}: {p}")], [], null);
        }

        GateReport report = gates.Evaluate(collected.Evidence);
        Model model = await registry.GetModelAsync(request.Model, cancellationToken);
        string[] approvers = (model.Card.Approvers ?? [])
            .Where(a => FourEyes.Check(request.Requester, a, model.Card.Approvers ?? []) is null)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        var failures = report.FailureReasons.ToList();
        if (report.Passed && approvers.Length == 0)
        {
            failures.Add($"{RequestGate}: the model card of '{request.Model}' lists no approver other than the requester.");
        }

        bool passed = failures.Count == 0;
        await records.SaveAsync(
            new PromotionRecord(request, collected.Champion?.Version, report, collected.ChallengerEvaluation, collected.ChampionEvaluation,
                passed ? PromotionStage.AwaitingApproval : PromotionStage.GatesFailed, failures, clock.GetUtcNow()),
            cancellationToken);
        return new GateOutcome(passed, report.Results, failures, approvers, collected.Champion?.Version);
    }

    /// <summary>Issues <paramref name="ask"/>'s approver a token that expires with the deadline and mails the links (a repeat mails fresh links: harmless).</summary>
    public async Task AskAsync(ApprovalAsk ask, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ask);
        PromotionRequest request = ask.Request;
        Model model = await registry.GetModelAsync(request.Model, cancellationToken);
        IssuedApprovalToken issued = await tokens.IssueAsync(request, ask.Approver, model.Card.Approvers ?? [], ask.ExpiresAt, cancellationToken);
        PromotionRecord? record = await records.GetAsync(request.Id, cancellationToken);
        Uri baseUri = links.BaseUri;
        await mailer.SendAsync(
            new ApprovalMail(
                request, ask.Approver, ask.ChampionVersion, Metrics(record), ask.Gates,
                ApprovalLinks.For(baseUri, request.Id, issued.Token, ApprovalDecision.Approve),
                ApprovalLinks.For(baseUri, request.Id, issued.Token, ApprovalDecision.Reject),
                issued.Record.ExpiresAt),
            cancellationToken);
    }

    /// <summary>The decision on record for <paramref name="request"/>, or null: the orchestration trusts this, not the event that woke it.</summary>
    public Task<RecordedDecision?> DecisionAsync(PromotionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return tokenStore.GetDecisionAsync(request.Id, cancellationToken);
    }

    /// <summary>
    /// Moves the target alias to the candidate with a compare-and-swap on the alias the gates compared against; the audit
    /// entry names the approver (as principal), the requester and the comment. Refuses without an approval on record, and
    /// when the alias moved since the gates ran. Run again after a move that succeeded, it finds the alias moved and moves nothing.
    /// </summary>
    public async Task<PromotedAlias> PromoteAsync(PromotionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RecordedDecision decision = await tokenStore.GetDecisionAsync(request.Id, cancellationToken) is { Decision: ApprovalDecision.Approve } approved
            ? approved
            : throw new RegistryPreconditionFailedException($"Promotion request '{request.Id}' has no approval on record.");
        PromotionRecord record = await records.GetAsync(request.Id, cancellationToken)
            ?? throw new RegistryPreconditionFailedException($"Promotion request '{request.Id}' has no gate record.");
        AliasPointer? current = (await registry.ListAliasesAsync(request.Model, cancellationToken)).FirstOrDefault(a => a.Alias == request.TargetAlias);
        if (current?.Version == request.CandidateVersion)
        {
            return new PromotedAlias(request.Model, request.TargetAlias, record.ChampionVersion, request.CandidateVersion, current.UpdatedAt);
        }

        if (current?.Version != record.ChampionVersion)
        {
            throw new RegistryPreconditionFailedException(
                $"'{request.TargetAlias}' of '{request.Model}' moved to version {current?.Version.ToString(CultureInfo.InvariantCulture) ?? "(none)"} after the gates compared against {record.ChampionVersion?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}; request the promotion again.");
        }

        string reason = $"promotion {request.Id}: requested by {request.Requester} ({request.Reason.ToString().ToLowerInvariant()}), approved by {decision.Approver}: {decision.Comment}";
        AliasPointer moved = await registry.MoveAliasAsync(request.Model, request.TargetAlias, request.CandidateVersion, Cap(reason), current?.ETag, decision.Approver, cancellationToken);
        return new PromotedAlias(request.Model, request.TargetAlias, current?.Version, moved.Version, moved.UpdatedAt);
    }

    /// <summary>Records how the request ended and tells the requester; an expired request is also escalated.</summary>
    public async Task FinishAsync(PromotionOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        PromotionRequest request = outcome.Request;
        if (await records.GetAsync(request.Id, cancellationToken) is { } record)
        {
            await records.SaveAsync(record with { Stage = outcome.Stage, Reasons = outcome.Reasons, UpdatedAt = clock.GetUtcNow() }, cancellationToken);
        }

        var recipients = new List<(string To, bool Escalation)> { (request.Requester, false) };
        if (outcome.Stage == PromotionStage.Expired)
        {
            IReadOnlyList<string> escalateTo = flow.EscalateTo.Count > 0
                ? flow.EscalateTo
                : (await registry.GetModelAsync(request.Model, cancellationToken)).Card.Approvers ?? [];
            recipients.AddRange(escalateTo.Select(a => (a, true)));
        }

        foreach ((string to, bool escalation) in recipients.Where(r => IsMailAddress(r.To)).DistinctBy(r => r.To.ToUpperInvariant()))
        {
            await mailer.SendNoticeAsync(new PromotionNotice(request, to, outcome.Stage, outcome.Reasons, outcome.Decision, escalation), cancellationToken);
        }
    }

    /// <summary>The registry's metrics, challenger beside champion, from both evaluations on the same labelled rows.</summary>
    private static IReadOnlyList<MetricComparison> Metrics(PromotionRecord? record)
    {
        if (record?.ChallengerEvaluation is not { } challenger) return [];
        BinaryClassificationReport? champion = record.ChampionEvaluation;
        return
        [
            new("auroc", challenger.Auroc, champion?.Auroc),
            new("gini", challenger.Gini, champion?.Gini),
            new("log_loss", challenger.LogLoss, champion?.LogLoss),
            new("brier", challenger.Brier, champion?.Brier),
            new("lift_top_10_percent", challenger.LiftTop10Percent, champion?.LiftTop10Percent),
        ];
    }

    /// <summary>Only addresses are mailed: a requester known by a key name (<c>key:default</c>) is told through the status instead.</summary>
    private static bool IsMailAddress(string value) => System.Net.Mail.MailAddress.TryCreate(value, out _);

    private static string Cap(string reason) => reason.Length <= 1000 ? reason : reason[..999] + "…";
}
