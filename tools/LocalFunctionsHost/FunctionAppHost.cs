using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost;

/// <summary>Options of one local host run.</summary>
internal sealed record HostOptions(IReadOnlyList<string> AppFolders, int Port, string? SettingsFile, bool Verbose);

/// <summary>
/// One function app under the local host: its handler process, its HTTP front door, and a runner
/// for each timer and queue trigger.
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
    private HandlerProcess? _handler;
    private HttpFrontDoor? _frontDoor;

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

    public IReadOnlyList<TimerTrigger> Timers { get; private set; } = [];

    public HandlerProcess Handler => _handler ?? throw new InvalidOperationException("Not started.");

    public async Task StartAsync(int port, CancellationToken cancellationToken)
    {
        _handler = new HandlerProcess(_app, _settings, _logger, _clock);
        await _handler.StartAsync(cancellationToken);
        var outputs = new OutputBindings(_settings, _app.Queues);
        var invoker = new FunctionInvoker(_handler.BaseAddress, _app, outputs, _logger, _clock, _verbose);
        _frontDoor = new HttpFrontDoor(_app, _settings, invoker, _logger, _verbose);
        await _frontDoor.StartAsync(port, cancellationToken);

        var monitor = new ScheduleMonitor(_settings.StorageConnectionString, HostId(_app.Name));
        var timers = new List<TimerTrigger>();
        foreach (FunctionDefinition function in _app.Functions)
        {
            switch (function.Trigger.Type.ToLowerInvariant())
            {
                case "timertrigger":
                    var timer = new TimerTrigger(function, invoker, monitor, _clock, _logger);
                    timers.Add(timer);
                    _triggers.Add(Task.Run(() => Guard(function.Name, timer.RunAsync), CancellationToken.None));
                    break;
                case "queuetrigger":
                    var queue = new QueueTrigger(function, invoker, _settings, _app.Queues, _clock, _logger);
                    _triggers.Add(Task.Run(() => Guard(function.Name, queue.RunAsync), CancellationToken.None));
                    break;
            }
        }

        Timers = timers;
    }

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
            Log.Failed(_logger, function, Guid.Empty, "trigger stopped: " + e.Message);
        }
    }

    /// <summary>A host id like the real host's: lower-case letters, digits and dashes, at most 32 characters.</summary>
    internal static string HostId(string appName)
    {
        string id = new(appName.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        return id.Length > 32 ? id[..32] : id;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_triggers);
        if (_frontDoor is not null)
        {
            await _frontDoor.DisposeAsync();
        }

        if (_handler is not null)
        {
            await _handler.DisposeAsync();
        }

        _stopping.Dispose();
    }
}
