using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace ModelOps.Testing;

/// <summary>
/// Runs function apps from their build output under the repository's local Functions host, as
/// <c>modelops up</c> does: a <c>local.settings.json</c> with the given values and fresh keys, the first app's
/// front door on <see cref="Port"/>, the next on the port after it. Ready when every app answers its readiness
/// path (a 200, by default from <c>GET /api/health</c>). Disposing stops the host and its workers.
/// </summary>
public sealed class LocalFunctionsHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _folder;

    private LocalFunctionsHostProcess(Process process, int port, int apps, string folder, string functionKey, string masterKey)
    {
        _process = process;
        Port = port;
        AppCount = apps;
        _folder = folder;
        FunctionKey = functionKey;
        MasterKey = masterKey;
    }

    /// <summary>The first app's front door.</summary>
    public int Port { get; }

    /// <summary>How many apps the host runs.</summary>
    public int AppCount { get; }

    /// <summary>The first app's base address.</summary>
    public Uri BaseAddress => AddressOf(0);

    /// <summary>The key that opens <c>authLevel: function</c> routes (its name is <c>default</c>).</summary>
    public string FunctionKey { get; }

    /// <summary>The master key.</summary>
    public string MasterKey { get; }

    /// <summary>The settings file the host runs with.</summary>
    public string SettingsFile => Path.Combine(_folder, "local.settings.json");

    /// <summary>Whether the host process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>What the host and its workers printed (for failure messages).</summary>
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

    /// <summary>The base address of the app at <paramref name="index"/> in the order given to <see cref="StartAsync"/>.</summary>
    public Uri AddressOf(int index) => new($"http://127.0.0.1:{Port + index}/");

    /// <summary>A client for the app at <paramref name="index"/> that sends the function key (unless told not to).</summary>
    public HttpClient CreateClient(int index = 0, bool withKey = true)
    {
        var http = new HttpClient { BaseAddress = AddressOf(index), Timeout = TimeSpan.FromSeconds(100) };
        if (withKey)
        {
            http.DefaultRequestHeaders.Add("x-functions-key", FunctionKey);
        }

        return http;
    }

    /// <summary>The build output folder of an app under <c>functions/</c>, for the configuration these tests were built in.</summary>
    public static string BuildOutputOf(string appFolder)
    {
        // Tests run from tests/<project>/bin/<Configuration>/<tfm>/.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(RepositoryLayout.Root, "functions", appFolder, "bin", testOutput.Parent!.Name, testOutput.Name);
    }

    /// <summary>The local host's assembly, built in the same configuration as the tests.</summary>
    public static string HostAssembly
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return Path.Combine(RepositoryLayout.Root, "tools", "LocalFunctionsHost", "bin", testOutput.Parent!.Name, testOutput.Name, "LocalFunctionsHost.dll");
        }
    }

    /// <summary>
    /// Starts the host with <paramref name="appRoots"/> and the app settings <paramref name="values"/>, and waits until
    /// every app answers <paramref name="readinessPath"/> with a 200 (null: returns at once, for tests of a host or worker that fails at start).
    /// <paramref name="port"/> is the first app's front door (default: free ports found now); a host restarted on the
    /// ports of the one before keeps the addresses its apps put in links.
    /// </summary>
    public static async Task<LocalFunctionsHostProcess> StartAsync(
        IReadOnlyList<string> appRoots,
        IReadOnlyDictionary<string, string>? values = null,
        string? readinessPath = "/api/health",
        TimeSpan? timeout = null,
        int? port = null)
    {
        ArgumentNullException.ThrowIfNull(appRoots);
        string folder = Directory.CreateTempSubdirectory("modelops-host-").FullName;
        string functionKey = "test-function-key-" + Guid.NewGuid().ToString("N");
        string masterKey = "test-master-key-" + Guid.NewGuid().ToString("N");
        var settings = new JsonObject
        {
            ["IsEncrypted"] = false,
            ["Values"] = new JsonObject((values ?? new Dictionary<string, string>()).Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value))),
            ["Host"] = new JsonObject { ["MasterKey"] = masterKey, ["FunctionKeys"] = new JsonObject { ["default"] = functionKey } },
        };
        await File.WriteAllTextAsync(Path.Combine(folder, "local.settings.json"), settings.ToJsonString());

        int first = port ?? FreeConsecutivePorts(appRoots.Count);
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(HostAssembly);
        foreach (string root in appRoots)
        {
            info.ArgumentList.Add(root);
        }

        info.ArgumentList.Add("--port");
        info.ArgumentList.Add(first.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add("--settings");
        info.ArgumentList.Add(Path.Combine(folder, "local.settings.json"));
        info.Environment.Remove("AzureWebJobsStorage");

        var process = new Process { StartInfo = info };
        var host = new LocalFunctionsHostProcess(process, first, appRoots.Count, folder, functionKey, masterKey);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.WaitUntilReadyAsync(readinessPath, timeout ?? TimeSpan.FromSeconds(120));
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>Polls until the output holds <paramref name="text"/>; false when it did not within <paramref name="timeout"/> or the host exited first.</summary>
    public async Task<bool> WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < timeout)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }

            if (_process.HasExited)
            {
                await Task.Delay(200); // let the last lines of output arrive
                return Output.Contains(text, StringComparison.Ordinal);
            }

            await Task.Delay(100);
        }

        return false;
    }

    private async Task WaitUntilReadyAsync(string? readinessPath, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        if (readinessPath is null)
        {
            return;
        }

        for (int app = 0; app < AppCount; app++)
        {
            await LoopbackPorts.WaitUntilListeningAsync(Port + app, timeout, () => !_process.HasExited, deadline.Token);
            using HttpClient http = CreateClient(app, withKey: false);
            http.Timeout = TimeSpan.FromSeconds(15);
            HttpStatusCode? last = null;
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"The local Functions host exited with code {_process.ExitCode}: {Output}");
                }

                try
                {
                    using HttpResponseMessage response = await http.GetAsync(new Uri(readinessPath, UriKind.Relative), deadline.Token);
                    last = response.StatusCode;
                    if (last == HttpStatusCode.OK)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // The front door is up but not answering yet.
                }
                catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
                {
                    // A slow first answer on a loaded machine: keep polling.
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"{AddressOf(app)}{readinessPath.TrimStart('/')} did not answer 200 within {timeout} (last: {last}): {Output}");
                }

                try
                {
                    await Task.Delay(100, deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"{AddressOf(app)}{readinessPath.TrimStart('/')} did not answer 200 within {timeout} (last: {last}): {Output}");
                }
            }
        }
    }

    /// <summary>The first of <paramref name="count"/> consecutive loopback ports that are free now.</summary>
    public static int FreeConsecutivePorts(int count)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            int first = LoopbackPorts.GetFree();
            if (first + count < 65536 && Enumerable.Range(1, count - 1).All(i => LoopbackPorts.IsFree(first + i)))
            {
                return first;
            }
        }

        throw new InvalidOperationException($"No {count} consecutive free loopback ports were found.");
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

    /// <summary>
    /// Stops the host the way an operator does, with SIGTERM: it tells each worker to terminate (the worker runs its
    /// hosted services' StopAsync) before it exits. False when it had not exited within <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> StopGracefullyAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return true;
        }

        using (Process signal = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Stops the host and every worker it started, then removes the settings folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
