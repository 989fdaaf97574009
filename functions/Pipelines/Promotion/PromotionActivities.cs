using Microsoft.Azure.Functions.Worker;
using ModelOps.Registry.Promotion;

namespace ModelOps.Pipelines.Promotion;

/// <summary>
/// The orchestration's activities: each binds its input and calls one step of <see cref="PromotionSteps"/>, where the
/// work and the deciding are. Activities run at least once; every step is safe to repeat.
/// </summary>
public sealed class PromotionActivities(PromotionSteps steps)
{
    public const string Gates = "promotion-gates";
    public const string Ask = "promotion-ask-approver";
    public const string Decision = "promotion-decision";
    public const string Promote = "promotion-promote";
    public const string Finish = "promotion-finish";

    [Function(Gates)]
    public Task<GateOutcome> RunGatesAsync([ActivityTrigger] PromotionRequest request, CancellationToken cancellationToken) =>
        steps.CheckAsync(request, cancellationToken);

    [Function(Ask)]
    public Task AskApproverAsync([ActivityTrigger] ApprovalAsk ask, CancellationToken cancellationToken) =>
        steps.AskAsync(ask, cancellationToken);

    [Function(Decision)]
    public Task<RecordedDecision?> ReadDecisionAsync([ActivityTrigger] PromotionRequest request, CancellationToken cancellationToken) =>
        steps.DecisionAsync(request, cancellationToken);

    [Function(Promote)]
    public Task<PromotedAlias> PromoteAsync([ActivityTrigger] PromotionRequest request, CancellationToken cancellationToken) =>
        steps.PromoteAsync(request, cancellationToken);

    [Function(Finish)]
    public Task FinishAsync([ActivityTrigger] PromotionOutcome outcome, CancellationToken cancellationToken) =>
        steps.FinishAsync(outcome, cancellationToken);
}
