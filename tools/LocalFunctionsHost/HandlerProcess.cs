using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost;

/// <summary>
/// The custom handler's process, started as the Functions host starts it: the description's executable
/// (relative to the app root when that file exists, else looked up on PATH), its arguments with
/// <c>%NAME%</c> expanded from the environment (unresolved tokens dropped), the app settings and
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> in the environment. Ready once <c>GET /</c> answers at all.
/// A handler that dies is restarted with exponential backoff until the host stops.
/// </summary>
internal sealed partial class HandlerProcess(AppDefinition app, LocalSettings settings, ILogger logger, TimeProvider clock) : IAsyncDisposable
{
    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _workerId = Guid.NewGuid().ToString();
    private Process? _process;
    private Task? _supervisor;

    public int Port { get; } = FreePort();

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public int Restarts { get; private set; }

    [GeneratedRegex("%([A-Za-z0-9_]+)%", RegexOptions.CultureInvariant)]
    private static partial Regex Token();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await StartOnceAsync(cancellationToken);
        _supervisor = SuperviseAsync(_stopping.Token);
    }

    private async Task StartOnceAsync(CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            environment[(string)e.Key] = (string?)e.Value ?? string.Empty;
        }

        foreach (KeyValuePair<string, string> value in settings.Values)
        {
            environment[value.Key] = value.Value;
        }

        string port = Port.ToString(CultureInfo.InvariantCulture);
        environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port;
        environment["FUNCTIONS_HTTPWORKER_PORT"] = port;
        environment["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"] = _workerId;
        environment["FUNCTIONS_HTTPWORKER_ID"] = _workerId;
        environment["FUNCTIONS_APP_ROOT_PATH"] = app.Root;
        environment["FUNCTIONS_WORKER_RUNTIME"] = environment.GetValueOrDefault("FUNCTIONS_WORKER_RUNTIME") ?? "custom";

        string candidate = Path.Combine(app.Root, app.ExecutablePath);
        var info = new ProcessStartInfo(File.Exists(candidate) ? candidate : app.ExecutablePath)
        {
            WorkingDirectory = app.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in app.Arguments)
        {
            string expanded = Token().Replace(argument, m => environment.GetValueOrDefault(m.Groups[1].Value) ?? string.Empty);
            if (expanded.Length > 0 || argument.Length == 0)
            {
                info.ArgumentList.Add(expanded);
            }
        }

        info.Environment.Clear();
        foreach (KeyValuePair<string, string> variable in environment)
        {
            info.Environment[variable.Key] = variable.Value;
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitUntilReadyAsync(process, cancellationToken);
        Log.HandlerStarted(logger, app.Name, process.Id, Port);
    }

    private void Forward(string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            Log.HandlerLog(logger, app.Name, line);
        }
    }

    private async Task WaitUntilReadyAsync(Process process, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        DateTimeOffset deadline = clock.GetUtcNow() + ReadinessTimeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The handler of {app.Name} exited with code {process.ExitCode} before it was ready.");
            }

            try
            {
                // As the real host: GET / every 25 ms; any response, even 404, means ready.
                using HttpResponseMessage _ = await http.GetAsync(BaseAddress, cancellationToken);
                return;
            }
            catch (HttpRequestException) when (clock.GetUtcNow() < deadline)
            {
                await Task.Delay(25, cancellationToken);
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested && clock.GetUtcNow() < deadline)
            {
            }
        }
    }

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        TimeSpan delay = TimeSpan.FromMilliseconds(500);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await _process!.WaitForExitAsync(stopping);
                Log.HandlerExited(logger, app.Name, _process.ExitCode, delay);
                await Task.Delay(delay, stopping);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
                _process.Dispose();
                await StartOnceAsync(stopping);
                Restarts++;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (InvalidOperationException)
            {
                // Failed to come back: keep trying with the next backoff step.
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Kills the current process only (for tests of the restart path).</summary>
    internal void KillForTest() => _process?.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_supervisor is not null)
        {
            await _supervisor;
        }

        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _stopping.Dispose();
    }
}
