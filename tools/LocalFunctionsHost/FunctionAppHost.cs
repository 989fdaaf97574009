using LocalFunctionsHost.Durable;
using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost;

/// <summary>
/// One function app under the local host: its worker, its HTTP front door, and a runner for each timer,
/// queue and blob trigger, and, when it has durable functions, its task hub. Functions switched off with the
/// <c>AzureWebJobs.NAME.Disabled</c> setting get none.
/// </summary>
internal sealed class FunctionAppHost : IAsyncDisposable
{
    private readonly AppDefinition _app;
    private readonly LocalSettings _settings;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly bool _verbose;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _triggers = [];
    private WorkerProcess? _worker;
    private HttpFrontDoor? _frontDoor;
    private DurableTaskHub? _taskHub;

    public FunctionAppHost(AppDefinition app, LocalSettings settings, ILogger logger, TimeProvider clock, bool verbose)
    {
        _app = app;
        _settings = settings;
        _logger = logger;
        _clock = clock;
        _verbose = verbose;
    }

    public AppDefinition App => _app;

    public LocalSettings Settings => _settings;

    public int Port => _frontDoor?.Port ?? 0;

    public IEnumerable<string> Routes => _frontDoor?.RouteDescriptions ?? [];

    public IReadOnlyList<FunctionDefinition> Functions { get; private set; } = [];

    public IReadOnlyList<TimerTrigger> Timers { get; private set; } = [];

    public WorkerProcess Worker => _worker ?? throw new InvalidOperationException("Not started.");

    /// <summary>The app's task hub, when it has durable functions.</summary>
    public DurableTaskHub? TaskHub => _taskHub;

    /// <summary>
    /// Starts the worker, then the front door on <paramref name="port"/> (0: any free port). A port held in
    /// <paramref name="reserved"/> is let go only just before the front door binds it.
    /// </summary>
    public async Task StartAsync(int port, CancellationToken cancellationToken, PortReservation? reserved = null)
    {
        _worker = new WorkerProcess(_app, _settings, _logger);
        await _worker.StartAsync(cancellationToken);
        var functions = new List<FunctionDefinition>();
        foreach (Microsoft.Azure.WebJobs.Script.Grpc.Messages.RpcFunctionMetadata metadata in _worker.Functions.Where(f => !IsDisabled(f.Name)))
        {
            try
            {
                functions.Add(FunctionDefinition.From(metadata, _settings));
            }
            catch (InvalidDataException e)
            {
                // As the Functions host does: a function whose bindings cannot be resolved is not run; the others are.
                Log.FunctionError(_logger, metadata.Name, e.Message);
            }
        }

        Functions = functions;
        var outputs = new OutputBindings(_settings, _app.Queues);
        string systemKey = DurableWebhooks.SystemKey(_settings);
        // The task hub starts before the front door: a resumed orchestration's activity may ask for the durable client
        // while the front door is still binding, so the management URLs name the port it is about to take.
        var inputs = new InputBindings(_settings, () => _taskHub?.ClientBinding(new Uri($"http://127.0.0.1:{(Port != 0 ? Port : port)}/"), systemKey));
        var invoker = new FunctionInvoker(_worker, inputs, outputs, _logger, _app.FunctionTimeout, _app.InvocationLogLevel);
        var keys = new FunctionKeys(_settings);
        _frontDoor = new HttpFrontDoor(_app, keys, Functions, _worker, inputs, MaxRequestBodyBytes(_settings), _logger, _verbose);
        if (WorkerDispatch.IsDurable(Functions))
        {
            // The task hub first: once the front door answers, a [DurableClient] binding must name a running sidecar.
            var dispatch = new WorkerDispatch(Functions, invoker, _logger, _stopping.Token);
            TaskHubSettings hub = TaskHubSettings.Load(_app.Root, _settings);
            var taskHub = new DurableTaskHub(hub, _settings.StorageConnectionString, $"{Environment.MachineName}-{HostId}", dispatch, _logger);
            try
            {
                await taskHub.StartAsync(cancellationToken);
                _taskHub = taskHub;
                _frontDoor.DurableWebhooks = new DurableWebhooks(taskHub, keys, systemKey, _logger);
            }
            catch (Exception e) when (e is AggregateException or Azure.RequestFailedException or IOException or TimeoutException)
            {
                // Storage the task hub cannot reach: the app's other functions still serve, as they need not share it.
                Log.TaskHubFailed(_logger, hub.HubName, _app.Name, e.GetBaseException().Message);
                await taskHub.DisposeAsync();
            }
        }

        reserved?.Release(port);
        await _frontDoor.StartAsync(port, cancellationToken);

        var monitor = new ScheduleMonitor(_settings.StorageConnectionString, HostId);
        var timers = new List<TimerTrigger>();
        foreach (FunctionDefinition function in Functions)
        {
            switch (function.Trigger.Type.ToLowerInvariant())
            {
                case "timertrigger":
                    var timer = new TimerTrigger(function, invoker, monitor, _clock, _logger, _app.InvocationLogLevel(function.Name) <= LogLevel.Information);
                    timers.Add(timer);
                    _triggers.Add(Task.Run(() => Guard(function.Name, timer.RunAsync), CancellationToken.None));
                    break;
                case "queuetrigger":
                    var queue = new QueueTrigger(function, invoker, _settings, _app.Queues, _clock, _logger);
                    _triggers.Add(Task.Run(() => Guard(function.Name, queue.RunAsync), CancellationToken.None));
                    break;
                case "blobtrigger":
                    var blobs = new BlobTrigger(function, invoker, _settings, _app.Queues, HostId, _clock, _logger);
                    _triggers.Add(Task.Run(() => Guard(function.Name, blobs.RunAsync), CancellationToken.None));
                    break;
                case "httptrigger":
                    break;
                case "orchestrationtrigger" or "activitytrigger":
                    // Dispatched by the task hub.
                    break;
                default:
                    Log.TriggerNotSupported(_logger, function.Name, function.Trigger.Type);
                    break;
            }
        }

        Timers = timers;
    }

    /// <summary>The host's switch: <c>AzureWebJobs.NAME.Disabled</c> set to true or 1.</summary>
    private bool IsDisabled(string function) =>
        _settings.Values.TryGetValue($"AzureWebJobs.{function}.Disabled", out string? value)
        && (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) || value == "1");

    private async Task Guard(string function, Func<CancellationToken, Task> run)
    {
        try
        {
            await run(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is Azure.RequestFailedException or InvalidDataException or FormatException or InvalidOperationException)
        {
            Log.Failed(_logger, function, string.Empty, "trigger stopped: " + e.Message);
        }
    }

    /// <summary>The host id (timer status blobs live under it): the <c>AzureFunctionsWebHost__hostid</c> setting, else derived from the app's name.</summary>
    public string HostId => _settings.Values.TryGetValue("AzureFunctionsWebHost__hostid", out string? id) && id.Length > 0 ? id : DefaultHostId(_app.Name);

    /// <summary>A host id like the real host's: lower-case letters, digits and dashes, at most 32 characters.</summary>
    internal static string DefaultHostId(string appName)
    {
        string id = new(appName.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        return id.Length > 32 ? id[..32] : id;
    }

    /// <summary>The app's request body limit: the <c>FUNCTIONS_REQUEST_BODY_SIZE_LIMIT</c> setting (bytes), as in Azure, or the host's default.</summary>
    internal static long MaxRequestBodyBytes(LocalSettings settings)
    {
        if (!settings.Values.TryGetValue("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT", out string? text) || string.IsNullOrWhiteSpace(text))
        {
            return HttpFrontDoor.DefaultMaxRequestBodyBytes;
        }

        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long bytes) && bytes > 0
            ? bytes
            : throw new InvalidDataException($"The setting FUNCTIONS_REQUEST_BODY_SIZE_LIMIT must be a positive number of bytes; it is '{text}'.");
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_triggers);
        if (_taskHub is not null)
        {
            await _taskHub.DisposeAsync();
        }

        if (_frontDoor is not null)
        {
            await _frontDoor.DisposeAsync();
        }

        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }

        _stopping.Dispose();
    }
}
