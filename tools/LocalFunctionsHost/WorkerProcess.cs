using System.Diagnostics;
using System.Globalization;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost;

/// <summary>
/// An app's dotnet-isolated worker, started as the Functions host starts it (<c>worker.config.json</c>:
/// <c>dotnet App.dll --functions-uri … --functions-worker-id … --functions-request-id …
/// --functions-grpc-max-message-length …</c>, the app settings and <c>FUNCTIONS_*</c> variables in the
/// environment), with the gRPC endpoint it connects back to. Ready once the handshake is done; a worker that
/// exits or drops its stream is restarted with exponential backoff until the host stops.
/// </summary>
internal sealed class WorkerProcess(AppDefinition app, LocalSettings settings, ILogger logger) : IAsyncDisposable
{
    public const string HostVersion = "4.1000.0";
    private const int MaxMessageLength = int.MaxValue;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan TerminateGrace = TimeSpan.FromSeconds(3);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private WebApplication? _grpc;
    private Process? _process;
    private string _workerId = string.Empty;
    private TaskCompletionSource<WorkerChannel> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<WorkerChannel> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _supervisor;

    /// <summary>The functions the worker indexed (from the first successful handshake).</summary>
    public IReadOnlyList<RpcFunctionMetadata> Functions { get; private set; } = [];

    public int Restarts { get; private set; }

    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>The initialised channel, or null while the worker is down or starting.</summary>
    public WorkerChannel? Current => _ready.Task.IsCompletedSuccessfully && _ready.Task.Result.IsOpen ? _ready.Task.Result : null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = MaxMessageLength;
            o.MaxSendMessageSize = MaxMessageLength;
        });
        builder.Services.AddSingleton(this);
        _grpc = builder.Build();
        _grpc.MapGrpcService<FunctionRpcService>();
        await _grpc.StartAsync(cancellationToken);
        await StartOnceAsync(cancellationToken);
        _supervisor = SuperviseAsync(_stopping.Token);
    }

    private Uri GrpcUri => new(_grpc!.Urls.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/");

    /// <summary>Called by the gRPC service on StartStream: the channel of the worker this host started, or null.</summary>
    internal WorkerChannel? Connect(string workerId)
    {
        lock (_gate)
        {
            if (!string.Equals(workerId, _workerId, StringComparison.Ordinal) || _connected.Task.IsCompleted)
            {
                return null;
            }

            var channel = new WorkerChannel(workerId, app.Name, logger);
            _connected.TrySetResult(channel);
            return channel;
        }
    }

    private async Task StartOnceAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _workerId = Guid.NewGuid().ToString();
            _connected = new TaskCompletionSource<WorkerChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_ready.Task.IsCompleted)
            {
                _ready = new TaskCompletionSource<WorkerChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        Process process = Launch();
        _process = process;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        try
        {
            Task exited = process.WaitForExitAsync(timeout.Token);
            if (await Task.WhenAny(_connected.Task, exited) != _connected.Task)
            {
                throw new WorkerUnavailableException($"The worker of {app.Name} exited with code {ExitCode(process)} before it connected.");
            }

            WorkerChannel channel = await _connected.Task;
            IReadOnlyList<RpcFunctionMetadata> functions = await channel.InitializeAsync(app, HostVersion, timeout.Token);
            if (Functions.Count == 0)
            {
                Functions = functions;
            }

            if (channel.HttpUri is { } http)
            {
                await WaitUntilListeningAsync(http, process, timeout.Token);
            }

            _ready.TrySetResult(channel);
            Log.WorkerStarted(logger, app.Name, process.Id, functions.Count);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill(process);
            throw new WorkerUnavailableException($"The worker of {app.Name} did not finish its handshake within {StartTimeout.TotalSeconds} s.");
        }
        catch
        {
            Kill(process);
            throw;
        }
    }

    /// <summary>
    /// The worker reports its HTTP endpoint before its Kestrel listens: the host is ready only once it accepts
    /// connections, so the first forwarded request does not meet a refused connection.
    /// </summary>
    private async Task WaitUntilListeningAsync(Uri http, Process process, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (process.HasExited)
            {
                throw new WorkerUnavailableException($"The worker of {app.Name} exited with code {process.ExitCode} before it listened for HTTP.");
            }

            using var client = new System.Net.Sockets.TcpClient();
            try
            {
                await client.ConnectAsync(http.Host, http.Port, cancellationToken);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(25, cancellationToken);
            }
        }
    }

    private Process Launch()
    {
        var info = new ProcessStartInfo(app.ExecutablePath)
        {
            WorkingDirectory = app.Root,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Path.Combine(app.Root, app.WorkerPath));
        foreach ((string name, string value) in new[]
        {
            ("--functions-uri", GrpcUri.ToString()),
            ("--functions-worker-id", _workerId),
            ("--functions-request-id", Guid.NewGuid().ToString()),
            ("--functions-grpc-max-message-length", MaxMessageLength.ToString(CultureInfo.InvariantCulture)),
        })
        {
            info.ArgumentList.Add(name);
            info.ArgumentList.Add(value);
        }

        foreach (KeyValuePair<string, string> value in settings.Values)
        {
            info.Environment[value.Key] = value.Value;
        }

        info.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        info.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = app.Root;
        info.Environment["FUNCTIONS_WORKER_DIRECTORY"] = app.Root;
        info.Environment["AzureWebJobsScriptRoot"] = app.Root;
        if (!settings.Values.ContainsKey("AZURE_FUNCTIONS_ENVIRONMENT"))
        {
            info.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development";
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Forward(string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            Log.WorkerOutput(logger, app.Name, line);
        }
    }

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        TimeSpan delay = TimeSpan.FromMilliseconds(250);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                Process process = _process!;
                Task channelClosed = _ready.Task.IsCompletedSuccessfully ? _ready.Task.Result.Closed : Task.CompletedTask;
                await Task.WhenAny(process.WaitForExitAsync(stopping), channelClosed);
                stopping.ThrowIfCancellationRequested();
                Kill(process);
                Log.WorkerExited(logger, app.Name, ExitCode(process), delay);
                await Task.Delay(delay, stopping);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
                process.Dispose();
                await StartOnceAsync(stopping);
                Restarts++;
                delay = TimeSpan.FromMilliseconds(250);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (WorkerUnavailableException e)
            {
                Log.WorkerFailed(logger, app.Name, e.Message);
            }
        }
    }

    private static int ExitCode(Process process) => process.HasExited ? process.ExitCode : -1;

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Kills the current worker process only (for tests of the restart path).</summary>
    internal void KillForTest()
    {
        if (_process is { } p)
        {
            Kill(p);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_supervisor is not null)
        {
            await _supervisor;
        }

        if (_process is { } process)
        {
            if (Current is { } channel && !process.HasExited)
            {
                channel.Terminate(TerminateGrace);
                using var grace = new CancellationTokenSource(TerminateGrace + TimeSpan.FromSeconds(1));
                try
                {
                    await process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    // It did not leave in time: the kill below ends it.
                }
            }

            Kill(process);
            await process.WaitForExitAsync();
            process.Dispose();
        }

        if (_grpc is not null)
        {
            await _grpc.StopAsync(TimeSpan.FromSeconds(2));
            await _grpc.DisposeAsync();
        }

        _stopping.Dispose();
    }
}

/// <summary>The host's <c>FunctionRpc</c> service: each worker opens one EventStream, starting with StartStream.</summary>
internal sealed class FunctionRpcService(WorkerProcess worker) : FunctionRpc.FunctionRpcBase
{
    public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        if (!await requestStream.MoveNext(context.CancellationToken)
            || requestStream.Current.ContentCase != StreamingMessage.ContentOneofCase.StartStream
            || worker.Connect(requestStream.Current.StartStream.WorkerId) is not { } channel)
        {
            return;
        }

        await channel.RunAsync(requestStream, responseStream, context.CancellationToken);
    }
}
