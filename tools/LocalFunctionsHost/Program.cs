using System.Globalization;
using System.Runtime.InteropServices;
using LocalFunctionsHost;
using Microsoft.Extensions.Logging;

// LocalFunctionsHost APP_FOLDER [APP_FOLDER...] [--port 7071] [--settings local.settings.json] [--verbose]
// Each app gets its own front door: the first on --port, the next on --port + 1, and so on.
var folders = new List<string>();
int port = 7071;
string? settingsFile = null;
bool verbose = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p is > 0 and < 65536:
            port = p;
            i++;
            break;
        case "--port":
            Console.Error.WriteLine("--port needs a number between 1 and 65535.");
            return 2;
        case "--settings" when i + 1 < args.Length:
            settingsFile = args[++i];
            break;
        case "--verbose":
            verbose = true;
            break;
        case "-h" or "--help":
            Console.WriteLine("usage: LocalFunctionsHost APP_FOLDER [APP_FOLDER...] [--port 7071] [--settings FILE] [--verbose]");
            return 0;
        default:
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"Unknown option {args[i]}.");
                return 2;
            }

            folders.Add(args[i]);
            break;
    }
}

if (folders.Count == 0)
{
    Console.Error.WriteLine("usage: LocalFunctionsHost APP_FOLDER [APP_FOLDER...] [--port 7071] [--settings FILE] [--verbose]");
    return 2;
}

using ILoggerFactory loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
ILogger logger = loggers.CreateLogger("LocalFunctionsHost");
using var stop = new CancellationTokenSource();

// SIGINT and SIGTERM both stop the host the same way: workers are told to terminate, then killed if they
// linger, so nothing is left behind. Cancelling the signal lets the shutdown below finish first.
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

using PosixSignalRegistration onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using PosixSignalRegistration onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

var hosts = new List<FunctionAppHost>();
PortReservation? ports = null;
try
{
    ports = PortReservation.Hold(Enumerable.Range(port, folders.Count));
    for (int i = 0; i < folders.Count; i++)
    {
        string root = Path.GetFullPath(folders[i]);
        LocalSettings settings = LocalSettings.Load(settingsFile ?? Path.Combine(root, "local.settings.json"));
        // The app settings first: those named AzureFunctionsJobHost__… override host.json.
        AppDefinition app = AppDefinition.Load(root, settings.Values);
        var host = new FunctionAppHost(app, settings, logger, TimeProvider.System, verbose);
        hosts.Add(host);
        await host.StartAsync(port + i, stop.Token, ports);
        Console.WriteLine($"{app.Name}: http://127.0.0.1:{host.Port}/");
        foreach (string route in host.Routes)
        {
            Console.WriteLine($"  {route}");
        }

        foreach (FunctionDefinition function in host.Functions.Where(f => !string.Equals(f.Trigger.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase)))
        {
            Console.WriteLine($"  {function.Trigger.Type} {function.Name}");
        }
    }

    Console.WriteLine("Host started. Press Ctrl-C to stop.");
    await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
    return 0;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    return 0;
}
catch (Exception e) when (e is InvalidDataException or InvalidOperationException or FormatException or IOException or System.Text.Json.JsonException or WorkerUnavailableException)
{
    Console.Error.WriteLine("LocalFunctionsHost: " + e.Message);
    return 1;
}
finally
{
    ports?.Dispose();
    foreach (FunctionAppHost host in hosts)
    {
        await host.DisposeAsync();
    }
}
