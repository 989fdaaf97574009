using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost;

/// <summary>The worker went away (or never came) while the host needed it.</summary>
internal sealed class WorkerUnavailableException(string message) : Exception(message);

/// <summary>
/// One worker's <c>FunctionRpc.EventStream</c>: the host's side of the bidirectional stream. Messages to the
/// worker go through a channel (gRPC allows one writer at a time), and those that queue up are flushed together;
/// responses are matched to waiting callers by request id (init, metadata, load) or invocation id. When the stream ends every waiter fails with
/// <see cref="WorkerUnavailableException"/>, so nothing hangs on a dead worker.
/// </summary>
internal sealed class WorkerChannel
{
    private static readonly WriteOptions BufferedWrite = new(WriteFlags.BufferHint);
    private static readonly WriteOptions FlushedWrite = new();

    private readonly Channel<StreamingMessage> _outgoing = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _waiting = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private readonly string _app;

    public WorkerChannel(string workerId, string app, ILogger logger)
    {
        WorkerId = workerId;
        _app = app;
        _logger = logger;
    }

    public string WorkerId { get; }

    /// <summary>The worker's ASP.NET Core endpoint (capability <c>HttpUri</c>), once initialised.</summary>
    public Uri? HttpUri { get; private set; }

    public IReadOnlyDictionary<string, string> Capabilities { get; private set; } = new Dictionary<string, string>();

    /// <summary>
    /// The worker reads an HTTP trigger's headers and query from the request itself (capability
    /// <c>RpcHttpTriggerMetadataRemoved</c>), so, as the Functions host does then, they are not repeated as trigger metadata.
    /// </summary>
    public bool HttpTriggerMetadataRemoved => Capabilities.TryGetValue("RpcHttpTriggerMetadataRemoved", out string? state) && !string.IsNullOrEmpty(state);

    public Task Closed => _closed.Task;

    public bool IsOpen => !_closed.Task.IsCompleted;

    /// <summary>Runs the stream until the worker or the host ends it.</summary>
    public async Task RunAsync(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task writing = WriteAsync(responses, done.Token);
        try
        {
            while (await requests.MoveNext(done.Token))
            {
                Receive(requests.Current);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or Grpc.Core.RpcException or InvalidOperationException)
        {
            // The worker went away or the host is stopping: both end the stream the same way.
        }
        finally
        {
            Close();
            await done.CancelAsync();
            await writing;
        }
    }

    private async Task WriteAsync(IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        try
        {
            ChannelReader<StreamingMessage> outgoing = _outgoing.Reader;
            while (await outgoing.WaitToReadAsync(cancellationToken))
            {
                while (outgoing.TryRead(out StreamingMessage? message))
                {
                    // Under load invocations queue up: each but the last of a burst is only buffered, and the last
                    // flushes them to the worker together, one socket write instead of one per invocation.
                    responses.WriteOptions = outgoing.TryPeek(out _) ? BufferedWrite : FlushedWrite;
                    await responses.WriteAsync(message, cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException or Grpc.Core.RpcException)
        {
            Close();
        }
    }

    private void Receive(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.RpcLog:
                WorkerLog(message.RpcLog);
                return;
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                Complete(message.InvocationResponse.InvocationId, message);
                return;
            case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                Complete("load:" + message.FunctionLoadResponse.FunctionId, message);
                return;
            case StreamingMessage.ContentOneofCase.WorkerInitResponse:
            case StreamingMessage.ContentOneofCase.FunctionMetadataResponse:
            case StreamingMessage.ContentOneofCase.WorkerStatusResponse:
                Complete(message.RequestId, message);
                return;
            default:
                Log.WorkerMessageIgnored(_logger, _app, message.ContentCase.ToString());
                return;
        }
    }

    private void WorkerLog(RpcLog log)
    {
        var level = (LogLevel)(int)log.Level;
        if (log.Level == RpcLog.Types.Level.None)
        {
            return;
        }

        string message = log.Exception is { } e ? log.Message + " " + e.Message : log.Message;
        Log.WorkerLog(_logger, level, _app, log.Category, message);
    }

    private void Complete(string key, StreamingMessage message)
    {
        if (_waiting.TryRemove(key, out TaskCompletionSource<StreamingMessage>? waiter))
        {
            waiter.TrySetResult(message);
        }
    }

    /// <summary>Sends a message and waits for the one that answers it (matched by <paramref name="key"/>).</summary>
    public async Task<StreamingMessage> RequestAsync(string key, StreamingMessage message, CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_waiting.TryAdd(key, waiter))
        {
            throw new InvalidOperationException($"A request with id {key} is already waiting.");
        }

        if (!IsOpen)
        {
            _waiting.TryRemove(key, out _);
            throw new WorkerUnavailableException($"The worker of {_app} is not connected.");
        }

        Send(message);
        using CancellationTokenRegistration registration = cancellationToken.Register(() =>
        {
            if (_waiting.TryRemove(key, out TaskCompletionSource<StreamingMessage>? w))
            {
                w.TrySetCanceled(cancellationToken);
            }
        });
        return await waiter.Task;
    }

    public void Send(StreamingMessage message) => _outgoing.Writer.TryWrite(message);

    /// <summary>The handshake after StartStream: init, metadata, one load per function. Returns the worker's functions.</summary>
    public async Task<IReadOnlyList<RpcFunctionMetadata>> InitializeAsync(AppDefinition app, string hostVersion, CancellationToken cancellationToken)
    {
        var init = new WorkerInitRequest
        {
            HostVersion = hostVersion,
            WorkerDirectory = app.Root,
            FunctionAppDirectory = app.Root,
        };
        StreamingMessage initResponse = await RequestAsync("init", new StreamingMessage { RequestId = "init", WorkerInitRequest = init }, cancellationToken);
        WorkerInitResponse initialized = initResponse.WorkerInitResponse;
        if (initialized.Result?.Status == StatusResult.Types.Status.Failure)
        {
            throw new WorkerUnavailableException($"The worker of {app.Name} failed to initialise: {initialized.Result.Exception?.Message}");
        }

        Capabilities = initialized.Capabilities.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        if (Capabilities.TryGetValue("HttpUri", out string? uri) && Uri.TryCreate(uri, UriKind.Absolute, out Uri? parsed))
        {
            // The worker's Kestrel listens on localhost; talk to it over IPv4 loopback without a name lookup.
            HttpUri = new UriBuilder(parsed) { Host = parsed.IsLoopback ? "127.0.0.1" : parsed.Host }.Uri;
        }

        StreamingMessage metadataResponse = await RequestAsync(
            "metadata",
            new StreamingMessage { RequestId = "metadata", FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = app.Root } },
            cancellationToken);
        FunctionMetadataResponse metadata = metadataResponse.FunctionMetadataResponse;
        if (metadata.Result?.Status == StatusResult.Types.Status.Failure)
        {
            throw new WorkerUnavailableException($"The worker of {app.Name} failed to index its functions: {metadata.Result.Exception?.Message}");
        }

        var functions = metadata.FunctionMetadataResults.Where(f => f is not null).ToList();
        StreamingMessage[] loads = await Task.WhenAll(functions.Select(f => RequestAsync(
            "load:" + f.FunctionId,
            new StreamingMessage { RequestId = Guid.NewGuid().ToString(), FunctionLoadRequest = new FunctionLoadRequest { FunctionId = f.FunctionId, Metadata = f } },
            cancellationToken)));
        foreach (StreamingMessage load in loads.Where(l => l.FunctionLoadResponse.Result?.Status == StatusResult.Types.Status.Failure))
        {
            Log.FunctionLoadFailed(_logger, _app, load.FunctionLoadResponse.FunctionId, load.FunctionLoadResponse.Result.Exception?.Message ?? "no reason given");
        }

        return functions;
    }

    /// <summary>Sends an invocation and waits for its response; a cancelled wait tells the worker to cancel too.</summary>
    public async Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken)
    {
        try
        {
            StreamingMessage response = await RequestAsync(request.InvocationId, new StreamingMessage { InvocationRequest = request }, cancellationToken);
            return response.InvocationResponse;
        }
        catch (OperationCanceledException) when (IsOpen)
        {
            Send(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = request.InvocationId } });
            throw;
        }
    }

    /// <summary>Asks the worker to shut down (it exits after the grace period).</summary>
    public void Terminate(TimeSpan grace) =>
        Send(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(grace) } });

    private void Close()
    {
        if (!_closed.TrySetResult())
        {
            return;
        }

        _outgoing.Writer.TryComplete();
        foreach (string key in _waiting.Keys)
        {
            if (_waiting.TryRemove(key, out TaskCompletionSource<StreamingMessage>? waiter))
            {
                waiter.TrySetException(new WorkerUnavailableException($"The worker of {_app} disconnected."));
            }
        }
    }
}
