using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ModelOps.Cli;

/// <summary>The services and function apps of a local stack, and where they listen.</summary>
internal sealed record StackLayout(string Root, string Configuration, int ScoringPort, int PipelinesPort)
{
    public const int BlobPort = 10000;
    public const int QueuePort = 10001;
    public const int TablePort = 10002;
    public const int SmtpPort = 1025;
    public const int MailWebPort = 1080;

    public string NodeModules => Path.Combine(Root, "node_modules");

    public string StateFolder => Path.Combine(Root, ".modelops");

    public string AppRoot(string app) => Path.Combine(Root, "functions", app, "bin", Configuration, "net10.0");

    /// <summary>Where scripts and tests find the running stack.</summary>
    public string StackFile => Path.Combine(StateFolder, "stack.json");

    /// <summary>The settings both apps run with locally (made from local.settings.sample.json on first run).</summary>
    public string SettingsFile => Path.Combine(StateFolder, "local.settings.json");

    public static string FindRoot(string start)
    {
        for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Functions.sln above {start}: run modelops up from the repository.");
    }
}

/// <summary>
/// Starts what the local stack needs that is not already running, and stops only what it started: when disposed,
/// and also when the process ends without disposing it (a command-line host that stops waiting after a signal),
/// so nothing it started outlives <c>modelops up</c>.
/// </summary>
internal sealed class LocalStack : IDisposable
{
    private readonly StackLayout layout;
    private readonly TextWriter output;
    private readonly List<LocalProcess> _started = [];

    public LocalStack(StackLayout layout, TextWriter output)
    {
        this.layout = layout;
        this.output = output;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public IReadOnlyList<string> Skipped => _skipped;

    private readonly List<string> _skipped = [];

    public async Task StartAsync(bool useExternalStorage, CancellationToken cancellationToken)
    {
        if (useExternalStorage)
        {
            _skipped.Add("Azurite (AzureWebJobsStorage is set; using that account)");
        }
        else if (await IsListeningAsync(StackLayout.BlobPort, cancellationToken))
        {
            _skipped.Add("Azurite (already listening on 127.0.0.1:10000)");
        }
        else
        {
            string data = Path.Combine(layout.StateFolder, "azurite");
            Directory.CreateDirectory(data);
            await StartAsync(
                "azurite",
                "node",
                [Path.Combine(layout.NodeModules, "azurite", "dist", "src", "azurite.js"), "--silent", "--location", data, "--skipApiVersionCheck", "--disableProductStyleUrl",
                 "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1"],
                layout.Root,
                null,
                [StackLayout.BlobPort, StackLayout.QueuePort, StackLayout.TablePort],
                cancellationToken);
        }

        if (await IsListeningAsync(StackLayout.MailWebPort, cancellationToken))
        {
            _skipped.Add("maildev (already listening on 127.0.0.1:1080)");
        }
        else
        {
            await StartAsync(
                "maildev",
                "node",
                [Path.Combine(layout.NodeModules, "maildev", "bin", "maildev"), "--ip", "127.0.0.1", "--smtp", Text(StackLayout.SmtpPort), "--web", Text(StackLayout.MailWebPort)],
                layout.Root,
                null,
                [StackLayout.SmtpPort, StackLayout.MailWebPort],
                cancellationToken);
        }

        await StartFunctionsHostAsync(cancellationToken);
    }

    /// <summary>Both apps under the local Functions host: Scoring's front door on the chosen port, Pipelines' on the next.</summary>
    private async Task StartFunctionsHostAsync(CancellationToken cancellationToken)
    {
        string host = Path.Combine(layout.Root, "tools", "LocalFunctionsHost", "bin", layout.Configuration, "net10.0", "LocalFunctionsHost.dll");
        if (!File.Exists(host))
        {
            throw new InvalidOperationException($"The local Functions host is not built ({Path.GetRelativePath(layout.Root, host)}); run ./build.sh up.");
        }

        await StartAsync(
            "functions",
            "dotnet",
            [host, layout.AppRoot("Scoring"), layout.AppRoot("Pipelines"), "--port", Text(layout.ScoringPort), "--settings", layout.SettingsFile],
            layout.Root,
            null,
            [layout.ScoringPort, layout.PipelinesPort],
            cancellationToken);
    }

    private async Task StartAsync(string name, string file, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment, int[] ports, CancellationToken cancellationToken)
    {
        foreach (int port in ports)
        {
            if (await IsListeningAsync(port, cancellationToken))
            {
                throw new InvalidOperationException($"Port 127.0.0.1:{port} is already in use; {name} cannot start. Stop what holds it or choose another port (--port).");
            }
        }

        LocalProcess process = LocalProcess.Start(name, file, arguments, workingDirectory, environment, output);
        lock (_started)
        {
            _started.Add(process);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        foreach (int port in ports)
        {
            while (!await IsListeningAsync(port, timeout.Token))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{name} exited with code {process.ExitCode} before listening on 127.0.0.1:{port}.");
                }

                await Task.Delay(100, timeout.Token);
            }
        }
    }

    /// <summary>The first started process that has exited, if any.</summary>
    public LocalProcess? FirstExited()
    {
        lock (_started)
        {
            return _started.FirstOrDefault(p => p.HasExited);
        }
    }

    private static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Stops what was started, the last first (the function apps before the storage they use), each with its whole tree.</summary>
    private void StopStarted()
    {
        lock (_started)
        {
            for (int i = _started.Count - 1; i >= 0; i--)
            {
                _started[i].Stop();
            }

            _started.Clear();
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => StopStarted();

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        StopStarted();
    }
}
