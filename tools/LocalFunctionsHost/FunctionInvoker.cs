using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost;

/// <summary>What a successful invocation returned: outputs by binding name and the <c>$return</c> value.</summary>
internal sealed record InvocationResult(string InvocationId, IReadOnlyDictionary<string, TypedData> Outputs, TypedData? ReturnValue);

/// <summary>
/// The function ran and failed (the worker's exception message and, when it sent one, its exception), or did
/// not finish in time, or the worker was lost; <see cref="Aborted"/> tells the last two apart from a failure of
/// the function itself, which is what Durable needs to retry a work item instead of failing it.
/// </summary>
internal sealed class InvocationFailedException(string message, RpcException? failure = null, bool aborted = false) : Exception(message)
{
    /// <summary>What the worker said about the function's exception, when the function itself failed.</summary>
    public RpcException? Failure { get; } = failure;

    /// <summary>The invocation did not complete (timeout, worker gone): the function may not have run to its end.</summary>
    public bool Aborted { get; } = aborted;
}

/// <summary>
/// Sends InvocationRequests for timer, queue and blob triggers (HTTP goes through the front door): adds the
/// input bindings, always a TraceContext (the worker needs one), waits within <c>functionTimeout</c>, then
/// writes the queue and blob outputs.
/// </summary>
internal sealed class FunctionInvoker(WorkerProcess worker, InputBindings inputs, OutputBindings outputs, ILogger logger, TimeSpan timeout, Func<string, LogLevel>? invocationLogLevel = null)
{
    private static readonly TimeSpan WorkerWait = TimeSpan.FromSeconds(90);

    /// <summary>A new request for the function, with a fresh id and trace context.</summary>
    public static InvocationRequest NewRequest(FunctionDefinition function) => new()
    {
        InvocationId = Guid.NewGuid().ToString(),
        FunctionId = function.FunctionId,
        TraceContext = NewTraceContext(),
    };

    /// <summary>A W3C trace context: the current activity's, or a new one.</summary>
    public static RpcTraceContext NewTraceContext() => new()
    {
        TraceParent = Activity.Current?.Id ?? $"00-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01",
        TraceState = Activity.Current?.TraceStateString ?? string.Empty,
    };

    /// <summary>Waits (bounded) for the worker, invokes, writes the outputs; throws <see cref="InvocationFailedException"/> when the function failed.</summary>
    public async Task<InvocationResult> InvokeAsync(FunctionDefinition function, InvocationRequest request, string reason, IReadOnlyDictionary<string, string> bindingValues, CancellationToken cancellationToken)
    {
        WorkerChannel channel = await WaitForWorkerAsync(cancellationToken);
        await inputs.AddAsync(function, request, bindingValues, cancellationToken);
        // host.json may quiet a function's invocations (a timer that mostly finds nothing to do); failures are always logged.
        bool logged = (invocationLogLevel?.Invoke(function.Name) ?? LogLevel.Information) <= LogLevel.Information;
        if (logged) Log.Executing(logger, function.Name, reason, request.InvocationId);
        long started = Stopwatch.GetTimestamp();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        InvocationResponse response;
        try
        {
            response = await channel.InvokeAsync(request, limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.Failed(logger, function.Name, request.InvocationId, $"timed out after {timeout}");
            throw new InvocationFailedException($"'{function.Name}' did not finish within the function timeout ({timeout}).", aborted: true);
        }
        catch (WorkerUnavailableException e)
        {
            Log.Failed(logger, function.Name, request.InvocationId, e.Message);
            throw new InvocationFailedException(e.Message, aborted: true);
        }

        if (response.Result?.Status != StatusResult.Types.Status.Success)
        {
            string message = response.Result?.Exception?.Message ?? "the worker reported a failure";
            Log.Failed(logger, function.Name, request.InvocationId, message);
            throw new InvocationFailedException(message, response.Result?.Exception);
        }

        var result = new InvocationResult(
            request.InvocationId,
            response.OutputData.ToDictionary(o => o.Name, o => o.Data, StringComparer.OrdinalIgnoreCase),
            response.ReturnValue);
        await outputs.WriteAsync(function, result, bindingValues, cancellationToken);
        if (logged) Log.Executed(logger, function.Name, request.InvocationId, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    private async Task<WorkerChannel> WaitForWorkerAsync(CancellationToken cancellationToken)
    {
        DateTime deadline = DateTime.UtcNow + WorkerWait;
        WorkerChannel? channel;
        while ((channel = worker.Current) is null)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvocationFailedException("The worker is not running.", aborted: true);
            }

            await Task.Delay(50, cancellationToken);
        }

        return channel;
    }
}
