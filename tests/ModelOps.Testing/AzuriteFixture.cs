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

    private readonly bool _checkApiVersion;
    private NodeServiceProcess? _service;
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
    public string Output => _service?.Output ?? string.Empty;

    public async Task InitializeAsync()
    {
        string script = Path.Combine(RepositoryLayout.NodeModules, "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed at {script}; run the README's test command (it runs npm ci).");
        }

        string dataFolder = _dataFolder = Directory.CreateTempSubdirectory("azurite-").FullName;
        _service = await NodeServiceProcess.StartAsync("Azurite", script, 3, ports =>
        [
            "--silent", "--location", dataFolder, "--disableProductStyleUrl",
            "--blobHost", "127.0.0.1", "--blobPort", NodeServiceProcess.Arg(ports[0]),
            "--queueHost", "127.0.0.1", "--queuePort", NodeServiceProcess.Arg(ports[1]),
            "--tableHost", "127.0.0.1", "--tablePort", NodeServiceProcess.Arg(ports[2]),
            .. _checkApiVersion ? Array.Empty<string>() : ["--skipApiVersionCheck"],
        ], dataFolder);
        (BlobPort, QueuePort, TablePort) = (_service.Ports[0], _service.Ports[1], _service.Ports[2]);
    }

    /// <summary>A name no other test uses: lowercase letters and digits, valid for containers, queues and tables.</summary>
    public static string UniqueName(string prefix) =>
        (prefix + Guid.NewGuid().ToString("N")[..12]).ToLowerInvariant();

    public Task DisposeAsync()
    {
        _service?.Dispose();
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
}
