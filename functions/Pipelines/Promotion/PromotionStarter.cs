using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using ModelOps.Registry;
using ModelOps.Registry.Promotion;

namespace ModelOps.Pipelines.Promotion;

/// <summary>What a started (or refused) request looks like to its caller, and what the status route answers.</summary>
public sealed record PromotionStatus(
    string RequestId,
    string Model,
    int Version,
    string TargetAlias,
    string Stage,
    string RuntimeStatus,
    IReadOnlyList<string> Reasons,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt);

/// <summary>
/// Starts promotion orchestrations, one instance per request id: a request whose instance is still open is refused
/// (<see cref="PromotionAlreadyOpenException"/>); one that ended may be asked again and starts clean.
/// </summary>
public sealed class PromotionStarter(ModelRegistry registry, PromotionFlowOptions flow, PromotionReadiness readiness, IApprovalTokenStore decisions, TimeProvider clock)
{
    private const string InstancePrefix = "promote-";

    /// <summary>Validates <paramref name="request"/>, checks the version exists, and schedules its orchestration.</summary>
    public async Task<string> StartAsync(DurableTaskClient client, PromotionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        readiness.ThrowIfNotReady();
        if (request.Problems() is { Count: > 0 } problems) throw new InvalidPromotionRequestException(problems);
        RegistryNames.Check(request.Model, "model");
        RegistryNames.Check(request.TargetAlias, "targetAlias");
        await registry.GetVersionAsync(request.Model, request.CandidateVersion, cancellationToken);
        if (await client.GetInstanceAsync(request.Id, getInputsAndOutputs: true, cancellationToken) is { } existing && IsOpen(existing.RuntimeStatus))
        {
            throw new PromotionAlreadyOpenException(request.Id, request.Model, request.CandidateVersion, Stage(existing));
        }

        try
        {
            return await client.ScheduleNewOrchestrationInstanceAsync(
                PromotionOrchestration.Name, new PromotionStart(request, flow.ApprovalDeadline), new StartOrchestrationOptions(request.Id), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Two requests raced past the check: the backend refused the second instance with this id.
            if (await client.GetInstanceAsync(request.Id, getInputsAndOutputs: true, cancellationToken) is { } racing && IsOpen(racing.RuntimeStatus))
            {
                throw new PromotionAlreadyOpenException(request.Id, request.Model, request.CandidateVersion, Stage(racing));
            }

            throw;
        }
    }

    /// <summary>
    /// Withdraws the open request for <paramref name="model"/> version <paramref name="version"/>: the cancellation is
    /// recorded as the request's one decision (so it races approvals fairly: exactly one wins), then the orchestration
    /// hears of it, ends <see cref="PromotionStage.Cancelled"/> and tells the requester. The approvers' links then answer
    /// that the request was decided.
    /// </summary>
    public async Task<PromotionStatus> CancelAsync(DurableTaskClient client, string model, int version, string principal, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        RegistryNames.Check(model, "model");
        string why = (reason ?? string.Empty).Trim();
        if (why.Length is 0 or > ApprovalDesk.MaxCommentLength) throw new InvalidPromotionRequestException([$"'reason' is required (at most {ApprovalDesk.MaxCommentLength} characters): say why the request is withdrawn."]);
        string id = PromotionRequest.IdFor(model, version);
        OrchestrationMetadata instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken)
            ?? throw new RegistryNotFoundException($"A promotion request for version {version} of '{model}'");
        if (!IsOpen(instance.RuntimeStatus)) throw new PromotionNotOpenException(id, $"it has ended ({Stage(instance)})");
        if (!await decisions.TryRecordAsync(new RecordedDecision(id, ApprovalDecision.Cancel, principal, why, clock.GetUtcNow()), cancellationToken))
        {
            RecordedDecision? first = await decisions.GetDecisionAsync(id, cancellationToken);
            throw new PromotionNotOpenException(id, first is null ? "it was decided" : $"it was {Reports.DecisionPage.Verb(first.Decision)} by {first.Approver} first");
        }

        await client.RaiseEventAsync(id, PromotionOrchestration.DecisionEvent, nameof(ApprovalDecision.Cancel), cancellationToken);
        return (await StatusAsync(client, model, version, cancellationToken))!;
    }

    /// <summary>Every request made for <paramref name="model"/> (open or ended), newest first.</summary>
    public static async Task<IReadOnlyList<PromotionStatus>> ListAsync(DurableTaskClient client, string model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var found = new List<PromotionStatus>();
        var query = new OrchestrationQuery { InstanceIdPrefix = InstancePrefix, FetchInputsAndOutputs = true, PageSize = 100 };
        await foreach (OrchestrationMetadata instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            if (instance.ReadInputAs<PromotionStart>() is { } start && start.Request.Model == model)
            {
                found.Add(StatusOf(instance, start));
            }
        }

        return [.. found.OrderByDescending(s => s.CreatedAt)];
    }

    /// <summary>The status of the request for <paramref name="model"/> version <paramref name="version"/>, or null when none was made.</summary>
    public static async Task<PromotionStatus?> StatusAsync(DurableTaskClient client, string model, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        string id = PromotionRequest.IdFor(model, version);
        return await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken) is { } instance
            ? StatusOf(instance, instance.ReadInputAs<PromotionStart>())
            : null;
    }

    private static PromotionStatus StatusOf(OrchestrationMetadata instance, PromotionStart? start)
    {
        string id = instance.InstanceId;
        PromotionOutcome? outcome = instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? instance.ReadOutputAs<PromotionOutcome>() : null;
        IReadOnlyList<string> reasons = outcome?.Reasons
            ?? (instance.FailureDetails is { } failure ? [failure.ErrorMessage] : []);
        return new PromotionStatus(
            id, start?.Request.Model ?? string.Empty, start?.Request.CandidateVersion ?? 0, start?.Request.TargetAlias ?? string.Empty,
            Stage(instance), instance.RuntimeStatus.ToString(), reasons, instance.CreatedAt, instance.LastUpdatedAt);
    }

    private static bool IsOpen(OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended;

    private static string Stage(OrchestrationMetadata instance) =>
        instance.SerializedCustomStatus is { Length: > 0 } ? instance.ReadCustomStatusAs<string>() ?? nameof(PromotionStage.Requested) : nameof(PromotionStage.Requested);
}
