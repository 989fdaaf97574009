using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using ModelOps.Registry.Promotion;

namespace ModelOps.Pipelines.Promotion;

/// <summary>
/// Approve, then promote, as one orchestration per request (instance id = <see cref="PromotionRequest.Id"/>):
/// gates → ask the approvers → wait for a decision racing the deadline → promote, or end rejected or expired →
/// tell the requester. Replay-safe: time comes from the context, every effect is an activity, each stage change goes
/// through <see cref="PromotionProgress.MoveTo"/>, and the custom status is the stage.
/// </summary>
public static partial class PromotionOrchestration
{
    /// <summary>The orchestrator's name.</summary>
    public const string Name = "promotion";

    /// <summary>The external event that tells the orchestration a decision is on record.</summary>
    public const string DecisionEvent = "decision";

    // Activities are at least once; five tries with backoff ride out a mail server or storage blip. A refused
    // precondition (the alias moved since the gates ran) is not a blip: trying again cannot change the answer.
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(5), 2, TimeSpan.FromMinutes(2))
    {
        HandleFailure = failure => !failure.IsCausedBy<ModelOps.Registry.RegistryPreconditionFailedException>(),
    });

    [Function(Name)]
    public static Task<PromotionOutcome> Run([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RunAsync(context, context.GetInput<PromotionStart>() ?? throw new InvalidOperationException("A promotion orchestration needs its PromotionStart input."));
    }

    /// <summary>The flow itself (also what the tests register with an in-process test host).</summary>
    public static async Task<PromotionOutcome> RunAsync(TaskOrchestrationContext context, PromotionStart start)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(start);
        ILogger log = context.CreateReplaySafeLogger(typeof(PromotionOrchestration).FullName!);
        PromotionRequest request = start.Request;
        PromotionProgress progress = Move(context, log, PromotionProgress.Start(request, context.CurrentUtcDateTime), PromotionStage.Gating);

        GateOutcome gates = await context.CallActivityAsync<GateOutcome>(PromotionActivities.Gates, request, Retry);
        if (!gates.Passed)
        {
            return await FinishAsync(context, Move(context, log, progress, PromotionStage.GatesFailed, gates.FailureReasons), request, null, null);
        }

        // A request cancelled while its gates ran asks nobody.
        if (await context.CallActivityAsync<RecordedDecision?>(PromotionActivities.Decision, request, Retry) is { Decision: ApprovalDecision.Cancel } early)
        {
            return await FinishAsync(context, Move(context, log, progress, PromotionStage.Cancelled, [Cancelled(early)]), request, early, null);
        }

        progress = Move(context, log, progress, PromotionStage.AwaitingApproval);
        DateTime deadline = context.CurrentUtcDateTime + start.ApprovalDeadline;
        var expiresAt = new DateTimeOffset(deadline, TimeSpan.Zero);
        await Task.WhenAll(gates.Approvers.Select(approver =>
            context.CallActivityAsync(PromotionActivities.Ask, new ApprovalAsk(request, approver, gates.ChampionVersion, gates.Gates, expiresAt), Retry)));

        RecordedDecision? decision = await WaitForDecisionAsync(context, request, deadline);
        if (decision is null)
        {
            string reason = $"nobody decided by {expiresAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC.";
            return await FinishAsync(context, Move(context, log, progress, PromotionStage.Expired, [reason]), request, null, null);
        }

        if (decision.Decision == ApprovalDecision.Cancel)
        {
            return await FinishAsync(context, Move(context, log, progress, PromotionStage.Cancelled, [Cancelled(decision)]), request, decision, null);
        }

        if (decision.Decision == ApprovalDecision.Reject)
        {
            return await FinishAsync(context, Move(context, log, progress, PromotionStage.Rejected, [$"rejected by {decision.Approver}: {decision.Comment}"]), request, decision, null);
        }

        progress = Move(context, log, progress, PromotionStage.Approved, [$"approved by {decision.Approver}: {decision.Comment}"]);
        PromotedAlias move;
        try
        {
            move = await context.CallActivityAsync<PromotedAlias>(PromotionActivities.Promote, request, Retry);
        }
        catch (TaskFailedException e)
        {
            // The decision stands, the alias did not move: the request ends here and the requester is told why.
            string why = $"approved by {decision.Approver}, but '{request.TargetAlias}' was not moved: {e.FailureDetails.ErrorMessage}";
            return await FinishAsync(context, Move(context, log, progress, PromotionStage.NotPromoted, [why]), request, decision, null);
        }

        string moved = $"'{move.Alias}' moved from version {move.FromVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"} to {move.ToVersion}; approved by {decision.Approver}: {decision.Comment}";
        return await FinishAsync(context, Move(context, log, progress, PromotionStage.Promoted, [moved]), request, decision, move);
    }

    /// <summary>
    /// Waits for a decision on record until <paramref name="deadline"/>. An event only wakes the flow: the decision is read
    /// from the token store, so an event nobody recorded changes nothing. When the deadline passes, the store is read once
    /// more: a decision recorded just before it (whose event was late or lost) still counts; the links expired with it.
    /// </summary>
    private static async Task<RecordedDecision?> WaitForDecisionAsync(TaskOrchestrationContext context, PromotionRequest request, DateTime deadline)
    {
        using var cancelTimer = new CancellationTokenSource();
        Task timer = context.CreateTimer(deadline, cancelTimer.Token);
        while (true)
        {
            Task<string> woken = context.WaitForExternalEvent<string>(DecisionEvent);
            if (await Task.WhenAny(woken, timer) == timer)
            {
                return await context.CallActivityAsync<RecordedDecision?>(PromotionActivities.Decision, request, Retry);
            }

            if (await context.CallActivityAsync<RecordedDecision?>(PromotionActivities.Decision, request, Retry) is { } decision)
            {
                // Synchronously: an orchestrator must not continue on another thread (CancelAsync would).
                cancelTimer.Cancel();
                return decision;
            }
        }
    }

    private static string Cancelled(RecordedDecision decision) => $"cancelled by {decision.Approver}: {decision.Comment}";

    private static async Task<PromotionOutcome> FinishAsync(TaskOrchestrationContext context, PromotionProgress progress, PromotionRequest request, RecordedDecision? decision, PromotedAlias? move)
    {
        var outcome = new PromotionOutcome(request, progress.Stage, progress.Reasons, decision, move);
        await context.CallActivityAsync(PromotionActivities.Finish, outcome, Retry);
        return outcome;
    }

    private static PromotionProgress Move(TaskOrchestrationContext context, ILogger log, PromotionProgress progress, PromotionStage next, IReadOnlyList<string>? reasons = null)
    {
        PromotionProgress moved = progress.MoveTo(next, context.CurrentUtcDateTime, reasons);
        context.SetCustomStatus(moved.Stage.ToString());
        LogStage(log, progress.RequestId, moved.Stage);
        return moved;
    }

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Promotion request {RequestId} is now {Stage}.")]
    private static partial void LogStage(ILogger logger, string requestId, PromotionStage stage);
}
