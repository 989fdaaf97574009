using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ModelOps.Testing;

/// <summary>
/// Runs one function app from its build output the way the Functions host starts a custom handler:
/// the command from <c>host.json</c> <c>customHandler.description</c>, <c>%FUNCTIONS_CUSTOMHANDLER_PORT%</c>
/// expanded in the arguments, the port in the environment, readiness when <c>GET /</c> answers.
/// </summary>
public sealed class FunctionAppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private FunctionAppProcess(Process process, int port, string appRoot)
    {
        _process = process;
        Port = port;
        AppRoot = appRoot;
    }

    public int Port { get; }

    public string AppRoot { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The build output folder of an app under <c>functions/</c>, for the configuration these tests were built in.</summary>
    public static string BuildOutputOf(string appFolder)
    {
        // Tests run from tests/<project>/bin/<Configuration>/<tfm>/.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = testOutput.Name;
        string configuration = testOutput.Parent!.Name;
        return Path.Combine(RepositoryLayout.Root, "functions", appFolder, "bin", configuration, tfm);
    }

    public static async Task<FunctionAppProcess> StartAsync(string appRoot, IReadOnlyDictionary<string, string>? settings = null)
    {
        using JsonDocument host = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(appRoot, "host.json")));
        JsonElement description = host.RootElement.GetProperty("customHandler").GetProperty("description");
        string executable = description.GetProperty("defaultExecutablePath").GetString()!;
        string candidate = Path.Combine(appRoot, executable);
        int port = LoopbackPorts.GetFree();
        string portText = port.ToString(CultureInfo.InvariantCulture);

        var info = new ProcessStartInfo(File.Exists(candidate) ? candidate : executable)
        {
            WorkingDirectory = appRoot,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (description.TryGetProperty("arguments", out JsonElement arguments))
        {
            foreach (JsonElement argument in arguments.EnumerateArray())
            {
                info.ArgumentList.Add(argument.GetString()!.Replace("%FUNCTIONS_CUSTOMHANDLER_PORT%", portText, StringComparison.Ordinal));
            }
        }

        info.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = portText;
        info.Environment["ASPNETCORE_URLS"] = "http://0.0.0.0:1"; // must be ignored: the app binds to loopback
        foreach (KeyValuePair<string, string> setting in settings ?? new Dictionary<string, string>())
        {
            info.Environment[setting.Key] = setting.Value;
        }

        var process = new Process { StartInfo = info };
        var app = new FunctionAppProcess(process, port, appRoot);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await app.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The handler exited with code {_process.ExitCode}: {Output}");
            }

            try
            {
                // As the host does: any answer to GET / means ready, even 404.
                using HttpResponseMessage _ = await http.GetAsync(new Uri("/", UriKind.Relative));
                return;
            }
            catch (HttpRequestException) when (stopwatch.Elapsed < timeout)
            {
                await Task.Delay(25);
            }
            catch (TaskCanceledException) when (stopwatch.Elapsed < timeout)
            {
                // A slow first answer on a loaded machine: keep polling, as the Functions host does.
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
