using System.Diagnostics;
using System.Text;
using Xunit;

namespace ModelOps.Testing;

/// <summary>
/// Starts a real Azurite (blob, queue, table) from the repository's node_modules on free loopback ports
/// with a temporary data folder, and stops that process (by its own id) when the tests are done.
/// Share it through a collection fixture; give every test its own containers, queues and tables
/// (<see cref="UniqueName"/>).
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>The emulator's well-known account name.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The emulator's well-known account key (public, documented by Azurite).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly StringBuilder _output = new();
    private readonly bool _checkApiVersion;
    private Process? _process;
    private string? _dataFolder;

    /// <summary>An Azurite that accepts any service version (what the shared test fixture runs).</summary>
    public AzuriteFixture()
        : this(checkApiVersion: false)
    {
    }

    private AzuriteFixture(bool checkApiVersion) => _checkApiVersion = checkApiVersion;

    /// <summary>An Azurite that refuses service versions newer than it knows, as it does by default; start it with <see cref="InitializeAsync"/>.</summary>
    public static AzuriteFixture CheckingApiVersion() => new(checkApiVersion: true);

    public int BlobPort { get; private set; }

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    public Uri BlobEndpoint => new($"http://127.0.0.1:{BlobPort}/{AccountName}");

    public Uri QueueEndpoint => new($"http://127.0.0.1:{QueuePort}/{AccountName}");

    public Uri TableEndpoint => new($"http://127.0.0.1:{TablePort}/{AccountName}");

    /// <summary>A full connection string with explicit endpoints for this instance.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";

    /// <summary>What the emulator printed (for failure messages).</summary>
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

    public async Task InitializeAsync()
    {
        string script = Path.Combine(RepositoryLayout.NodeModules, "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed at {script}; run the README's test command (it runs npm ci).");
        }

        _dataFolder = Directory.CreateTempSubdirectory("azurite-").FullName;
        for (int attempt = 0; ; attempt++)
        {
            BlobPort = LoopbackPorts.GetFree();
            QueuePort = LoopbackPorts.GetFree();
            TablePort = LoopbackPorts.GetFree();
            _process = Start(script);
            try
            {
                Process process = _process;
                foreach (int port in new[] { BlobPort, QueuePort, TablePort })
                {
                    await LoopbackPorts.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(60), () => !process.HasExited);
                }

                return;
            }
            catch (Exception) when (attempt < 2)
            {
                // A port taken between the probe and the start: try again on new ports.
                Stop();
            }
            catch (Exception e)
            {
                Stop();
                throw new InvalidOperationException("Azurite did not start: " + Output, e);
            }
        }
    }

    private Process Start(string script)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dataFolder,
        };
        foreach (string arg in new[]
        {
            script, "--silent", "--location", _dataFolder!, "--disableProductStyleUrl",
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            info.ArgumentList.Add(arg);
        }

        if (!_checkApiVersion)
        {
            info.ArgumentList.Add("--skipApiVersionCheck");
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
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

    /// <summary>A name no other test uses: lowercase letters and digits, valid for containers, queues and tables.</summary>
    public static string UniqueName(string prefix) =>
        (prefix + Guid.NewGuid().ToString("N")[..12]).ToLowerInvariant();

    public Task DisposeAsync()
    {
        Stop();
        if (_dataFolder is not null)
        {
            try
            {
                Directory.Delete(_dataFolder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the folder is under the temp directory.
            }
        }

        return Task.CompletedTask;
    }

    private void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        _process = null;
    }
}
