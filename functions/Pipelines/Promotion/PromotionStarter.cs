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
public sealed class PromotionStarter(ModelRegistry registry, PromotionFlowOptions flow, PromotionReadiness readiness)
{
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

    /// <summary>The status of the request for <paramref name="model"/> version <paramref name="version"/>, or null when none was made.</summary>
    public static async Task<PromotionStatus?> StatusAsync(DurableTaskClient client, string model, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        string id = PromotionRequest.IdFor(model, version);
        if (await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken) is not { } instance)
        {
            return null;
        }

        PromotionStart? start = instance.ReadInputAs<PromotionStart>();
        PromotionOutcome? outcome = instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? instance.ReadOutputAs<PromotionOutcome>() : null;
        IReadOnlyList<string> reasons = outcome?.Reasons
            ?? (instance.FailureDetails is { } failure ? [failure.ErrorMessage] : []);
        return new PromotionStatus(
            id, model, version, start?.Request.TargetAlias ?? string.Empty, Stage(instance), instance.RuntimeStatus.ToString(), reasons,
            instance.CreatedAt, instance.LastUpdatedAt);
    }

    private static bool IsOpen(OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended;

    private static string Stage(OrchestrationMetadata instance) =>
        instance.SerializedCustomStatus is { Length: > 0 } ? instance.ReadCustomStatusAs<string>() ?? nameof(PromotionStage.Requested) : nameof(PromotionStage.Requested);
}
