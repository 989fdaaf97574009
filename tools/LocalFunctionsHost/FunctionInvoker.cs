using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost;

/// <summary>What a successful invocation returned: outputs by binding name and the <c>$return</c> value.</summary>
internal sealed record InvocationResult(string InvocationId, IReadOnlyDictionary<string, TypedData> Outputs, TypedData? ReturnValue);

/// <summary>The function ran and failed (the worker's exception message), or did not finish in time.</summary>
internal sealed class InvocationFailedException(string message) : Exception(message);

/// <summary>
/// Sends InvocationRequests for timer, queue and blob triggers (HTTP goes through the front door): adds the
/// input bindings, always a TraceContext (the worker needs one), waits within <c>functionTimeout</c>, then
/// writes the queue and blob outputs.
/// </summary>
internal sealed class FunctionInvoker(WorkerProcess worker, InputBindings inputs, OutputBindings outputs, ILogger logger, TimeSpan timeout)
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
        Log.Executing(logger, function.Name, reason, request.InvocationId);
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
            throw new InvocationFailedException($"'{function.Name}' did not finish within the function timeout ({timeout}).");
        }
        catch (WorkerUnavailableException e)
        {
            Log.Failed(logger, function.Name, request.InvocationId, e.Message);
            throw new InvocationFailedException(e.Message);
        }

        if (response.Result?.Status != StatusResult.Types.Status.Success)
        {
            string message = response.Result?.Exception?.Message ?? "the worker reported a failure";
            Log.Failed(logger, function.Name, request.InvocationId, message);
            throw new InvocationFailedException(message);
        }

        var result = new InvocationResult(
            request.InvocationId,
            response.OutputData.ToDictionary(o => o.Name, o => o.Data, StringComparer.OrdinalIgnoreCase),
            response.ReturnValue);
        await outputs.WriteAsync(function, result, bindingValues, cancellationToken);
        Log.Executed(logger, function.Name, request.InvocationId, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
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
                throw new InvocationFailedException("The worker is not running.");
            }

            await Task.Delay(50, cancellationToken);
        }

        return channel;
    }
}
