using System.Text.Json;
using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using DurableTask.Core.Middleware;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.Logging;
using P = Microsoft.DurableTask.Protobuf;

namespace LocalFunctionsHost.Durable;

/// <summary>
/// The Durable Task Framework's dispatch middleware for an isolated worker, as the durable extension's
/// out-of-process middleware works: an orchestration work item becomes an invocation of the orchestrator
/// function with the base64 <c>OrchestratorRequest</c> (past and new history), and the framework applies the
/// actions of the base64 <c>OrchestratorResponse</c> it returns; an activity work item becomes an invocation
/// with the activity's JSON input, its return value the JSON result, its exception the failure details.
/// Replay, timers, events, sub-orchestrations and ContinueAsNew stay the framework's. A worker that is lost or
/// times out aborts the work item, so the framework hands it out again.
/// </summary>
internal sealed class WorkerDispatch(IReadOnlyList<FunctionDefinition> functions, FunctionInvoker invoker, ILogger logger, CancellationToken stopping)
{
    private static readonly IReadOnlyDictionary<string, string> NoBindingValues = new Dictionary<string, string>();

    private readonly Dictionary<string, FunctionDefinition> _orchestrators = ByName(functions, "orchestrationTrigger", "orchestration");
    private readonly Dictionary<string, FunctionDefinition> _activities = ByName(functions, "activityTrigger", "activity");

    /// <summary>Whether the app has durable functions (orchestrators, activities or durable clients) at all.</summary>
    public static bool IsDurable(IEnumerable<FunctionDefinition> functions) => functions.Any(f =>
        f.Bindings.Any(b => b.Type.Equals("orchestrationTrigger", StringComparison.OrdinalIgnoreCase)
            || b.Type.Equals("activityTrigger", StringComparison.OrdinalIgnoreCase)
            || b.Type.Equals("durableClient", StringComparison.OrdinalIgnoreCase)));

    public static bool IsDurableTrigger(string type) =>
        type.Equals("orchestrationTrigger", StringComparison.OrdinalIgnoreCase) || type.Equals("activityTrigger", StringComparison.OrdinalIgnoreCase);

    public async Task RunOrchestratorAsync(DispatchMiddlewareContext context, Func<Task> next)
    {
        OrchestrationRuntimeState state = context.GetProperty<OrchestrationRuntimeState>();
        OrchestrationInstance instance = context.GetProperty<OrchestrationInstance>();
        if (!_orchestrators.TryGetValue(state.Name, out FunctionDefinition? function))
        {
            context.SetProperty(OrchestratorExecutionResult.ForFailure($"The function '{state.Name}' doesn't exist or is not an orchestrator function in this app.", details: null));
            return;
        }

        var request = new P.OrchestratorRequest
        {
            InstanceId = instance.InstanceId,
            ExecutionId = instance.ExecutionId,
            PastEvents = { state.PastEvents.Select(ProtobufUtils.ToHistoryEventProto) },
            NewEvents = { state.NewEvents.Select(ProtobufUtils.ToHistoryEventProto) },
        };
        InvocationRequest invocation = FunctionInvoker.NewRequest(function);
        invocation.InputData.Add(new ParameterBinding { Name = function.Trigger.Name, Data = new TypedData { String = ProtobufUtils.Base64Encode(request) } });
        InvocationResult result;
        try
        {
            result = await invoker.InvokeAsync(function, invocation, "orchestration " + instance.InstanceId, NoBindingValues, stopping);
        }
        catch (InvocationFailedException e) when (e.Aborted || stopping.IsCancellationRequested)
        {
            throw new SessionAbortedException(e.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw new SessionAbortedException("The host is stopping.");
        }
        catch (InvocationFailedException e)
        {
            context.SetProperty(OrchestratorExecutionResult.ForFailure($"Function '{function.Name}' failed with an unhandled exception: {e.Message}", details: null));
            return;
        }

        string? encoded = result.ReturnValue switch
        {
            { DataCase: TypedData.DataOneofCase.String } v => v.String,
            { DataCase: TypedData.DataOneofCase.Json } v => JsonSerializer.Deserialize(v.Json, HostJsonContext.Default.String),
            _ => null,
        };
        if (string.IsNullOrEmpty(encoded))
        {
            // As the durable extension does: nothing back means the worker was not set up for Durable; retrying will not help.
            context.SetProperty(OrchestratorExecutionResult.ForFailure($"The orchestrator function '{function.Name}' returned no OrchestratorResponse (is the worker's Durable extension installed?).", details: null));
            return;
        }

        P.OrchestratorResponse response = P.OrchestratorResponse.Parser.ParseFrom(Convert.FromBase64String(encoded));
        context.SetProperty(new OrchestratorExecutionResult
        {
            Actions = response.Actions.Select(ProtobufUtils.ToOrchestratorAction).ToList(),
            CustomStatus = response.CustomStatus,
        });
    }

    public async Task RunActivityAsync(DispatchMiddlewareContext context, Func<Task> next)
    {
        TaskScheduledEvent scheduled = context.GetProperty<TaskScheduledEvent>();
        OrchestrationInstance instance = context.GetProperty<OrchestrationInstance>();
        if (scheduled.Name is null || !_activities.TryGetValue(scheduled.Name, out FunctionDefinition? function))
        {
            context.SetProperty(Failed(scheduled, new FailureDetails("FunctionNotFound", $"The function '{scheduled.Name}' doesn't exist or is not an activity function in this app.", null, null, isNonRetriable: true)));
            return;
        }

        InvocationRequest invocation = FunctionInvoker.NewRequest(function);
        string? input = ActivityInput(scheduled.Input);
        invocation.InputData.Add(new ParameterBinding { Name = function.Trigger.Name, Data = input is null ? new TypedData() : new TypedData { String = input } });
        invocation.TriggerMetadata["instanceId"] = new TypedData { String = instance.InstanceId };
        try
        {
            InvocationResult result = await invoker.InvokeAsync(function, invocation, "activity of " + instance.InstanceId, NoBindingValues, stopping);
            context.SetProperty(new ActivityExecutionResult { ResponseEvent = new TaskCompletedEvent(-1, scheduled.EventId, Json(result.ReturnValue)) });
        }
        catch (InvocationFailedException e) when (e.Aborted || stopping.IsCancellationRequested)
        {
            Log.DurableWorkItemAborted(logger, function.Name, instance.InstanceId, e.Message);
            throw new SessionAbortedException(e.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw new SessionAbortedException("The host is stopping.");
        }
        catch (InvocationFailedException e)
        {
            context.SetProperty(Failed(scheduled, Details(e)));
        }
    }

    /// <summary>
    /// The activity's input as its function gets it. The isolated SDK schedules activities through the Durable
    /// Task Framework's orchestration context, which wraps the input in a one-element JSON array; the durable
    /// extension unwraps it for dotnet-isolated workers, and so does this host. Anything else passes as it is.
    /// </summary>
    internal static string? ActivityInput(string? scheduled)
    {
        if (string.IsNullOrEmpty(scheduled) || scheduled[0] != '[')
        {
            return scheduled;
        }

        using JsonDocument document = JsonDocument.Parse(scheduled);
        return document.RootElement.GetArrayLength() switch
        {
            0 => null,
            1 => document.RootElement[0].ValueKind == JsonValueKind.Null ? null : document.RootElement[0].GetRawText(),
            _ => scheduled,
        };
    }

    /// <summary>The activity's return value as the JSON the orchestrator deserializes (a string return becomes a JSON string).</summary>
    internal static string? Json(TypedData? value) => value?.DataCase switch
    {
        TypedData.DataOneofCase.Json => value.Json,
        TypedData.DataOneofCase.String => JsonSerializer.Serialize(value.String, HostJsonContext.Default.String),
        TypedData.DataOneofCase.Int => value.Int.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TypedData.DataOneofCase.Double => value.Double.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        TypedData.DataOneofCase.Bytes => JsonSerializer.Serialize(value.Bytes.ToBase64(), HostJsonContext.Default.String),
        _ => null,
    };

    /// <summary>
    /// The failure as the orchestrator sees it (<c>TaskFailedException.FailureDetails</c>): the exception type and
    /// message, split from the worker's "Type: message" text when it sent no type.
    /// </summary>
    internal static FailureDetails Details(InvocationFailedException e)
    {
        string message = e.Failure?.Message is { Length: > 0 } m ? m : e.Message;
        string? type = e.Failure?.Type is { Length: > 0 } t ? t : null;
        int colon = message.IndexOf(": ", StringComparison.Ordinal);
        if (type is null && colon > 0 && !message[..colon].Contains(' ', StringComparison.Ordinal))
        {
            type = message[..colon];
            message = message[(colon + 2)..];
        }
        else if (type is not null && message.StartsWith(type + ": ", StringComparison.Ordinal))
        {
            message = message[(type.Length + 2)..];
        }

        return new FailureDetails(type ?? "(unknown)", message, e.Failure?.StackTrace, innerFailure: null, isNonRetriable: false);
    }

    private static ActivityExecutionResult Failed(TaskScheduledEvent scheduled, FailureDetails details) => new()
    {
        ResponseEvent = new TaskFailedEvent(-1, scheduled.EventId, reason: details.ErrorMessage, details: null, details),
    };

    private static Dictionary<string, FunctionDefinition> ByName(IEnumerable<FunctionDefinition> functions, string triggerType, string nameProperty)
    {
        var byName = new Dictionary<string, FunctionDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (FunctionDefinition function in functions.Where(f => f.Trigger.Type.Equals(triggerType, StringComparison.OrdinalIgnoreCase)))
        {
            byName[function.Trigger.GetString(nameProperty) is { Length: > 0 } name ? name : function.Name] = function;
        }

        return byName;
    }
}
