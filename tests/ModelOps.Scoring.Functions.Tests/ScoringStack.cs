using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ModelOps.Registry;
using ModelOps.Scoring.Engines;
using ModelOps.Storage;
using ModelOps.Storage.Registry;
using ModelOps.Testing;

namespace ModelOps.Scoring.Functions.Tests;

/// <summary>
/// Azurite, and the Scoring and Pipelines apps under the local Functions host on it (Scoring first), with a fast
/// alias poll; a registry on the same storage for tests to register versions and move aliases directly, and the
/// payload container to read logs from. Every test uses its own model names.
/// </summary>
public sealed class ScoringStack : IAsyncLifetime
{
    /// <summary>How often the apps compare alias pointers (and re-read routing).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <summary>A test-only audit key (32 bytes, base64).</summary>
    public static readonly string AuditKey = Convert.ToBase64String(Enumerable.Range(11, 32).Select(i => (byte)i).ToArray());

    private static readonly Dictionary<string, double> HeldOutMetrics = new() { ["auroc"] = 0.8 };

    private readonly string _table = "scoring" + AzuriteFixture.UniqueName("t");
    private readonly string _artifacts = AzuriteFixture.UniqueName("artifacts");
    private readonly string _payloads = AzuriteFixture.UniqueName("payloads");

    public AzuriteFixture Azurite { get; } = new();

    public LocalFunctionsHostProcess Host { get; private set; } = null!;

    public ModelRegistry Registry { get; private set; } = null!;

    public BlobContainerClient Payloads { get; private set; } = null!;

    /// <summary>A client for the Scoring app, with the function key.</summary>
    public HttpClient Scoring { get; private set; } = null!;

    /// <summary>A client for the Pipelines app (the registry API), with the function key.</summary>
    public HttpClient Pipelines { get; private set; } = null!;

    /// <summary>The app settings both apps run with (a second host on the same storage takes the same).</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["AzureWebJobsStorage"] = Azurite.ConnectionString,
        ["Registry__AuditKey"] = AuditKey,
        ["Registry__TableName"] = _table,
        ["Registry__ArtifactContainer"] = _artifacts,
        ["Scoring__Cache__PollInterval"] = PollInterval.ToString("c"),
        ["Scoring__Payloads__Container"] = _payloads,
    };

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        var options = new RegistryOptions { AuditKey = AuditKey };
        var storage = new RegistryStorageOptions { TableName = _table, ArtifactContainer = _artifacts };
        StorageConnection connection = StorageConnection.FromConnectionString(Azurite.ConnectionString);
        Registry = new ModelRegistry(ModelRegistryFactory.CreateStore(connection, storage), ModelRegistryFactory.CreateArtifactStore(connection, storage),
            new CrossCheckedArtifactValidator(options, new EngineSelector()), new AuditChain(options.AuditKeyBytes()), options, TimeProvider.System);
        Payloads = connection.CreateBlobServiceClient().GetBlobContainerClient(_payloads);
        Host = await StartAsync(includePipelines: true);
        Scoring = Host.CreateClient(0);
        Pipelines = Host.CreateClient(1);
    }

    /// <summary>Another host on the same storage: the Scoring app alone, or followed by Pipelines.</summary>
    public Task<LocalFunctionsHostProcess> StartAsync(bool includePipelines = false) =>
        LocalFunctionsHostProcess.StartAsync(
            includePipelines
                ? [LocalFunctionsHostProcess.BuildOutputOf("Scoring"), LocalFunctionsHostProcess.BuildOutputOf("Pipelines")]
                : [LocalFunctionsHostProcess.BuildOutputOf("Scoring")],
            Settings);

    /// <summary>Registers a version (with held-out metrics, so it may be champion), optionally pointing an alias at it.</summary>
    public async Task<int> RegisterAsync(string model, byte[] artifact, string? alias = null) =>
        (await Registry.RegisterAsync(new RegistrationRequest(model, Metrics: HeldOutMetrics, Alias: alias, Reason: "test"), artifact, "tests", CancellationToken.None)).Version;

    /// <summary>Points an alias at a version (creating it if needed).</summary>
    public Task MoveAsync(string model, string alias, int version) =>
        Registry.MoveAliasAsync(model, alias, version, "test", null, "tests", force: false, CancellationToken.None);

    /// <summary>Creates a model's routing through the registry API (<c>PUT …/routing</c> with <c>If-None-Match: *</c>).</summary>
    public async Task<HttpResponseMessage> PutRoutingAsync(string model, object routing, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/models/{model}/routing") { Content = JsonContent.Create(routing) };
        request.Headers.TryAddWithoutValidation(ifMatch is null ? "If-None-Match" : "If-Match", ifMatch ?? "*");
        return await Pipelines.SendAsync(request);
    }

    /// <summary>POSTs a scoring body (a string, sent as UTF-8 JSON).</summary>
    public static Task<HttpResponseMessage> ScoreAsync(HttpClient client, string model, string body, string query = "", string? requestId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/models/{model}/score{query}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (requestId is not null)
        {
            request.Headers.Add("x-request-id", requestId);
        }

        return client.SendAsync(request);
    }

    /// <summary>Every payload record logged for a model so far, from its JSONL blobs.</summary>
    public async Task<IReadOnlyList<JsonElement>> PayloadRecordsAsync(string model)
    {
        var records = new List<JsonElement>();
        if (!await Payloads.ExistsAsync())
        {
            return records;
        }

        await foreach (BlobItem blob in Payloads.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"payloads/{model}/", CancellationToken.None))
        {
            BinaryData content = (await Payloads.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content;
            foreach (string line in content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                records.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }

        return records;
    }

    public async Task DisposeAsync()
    {
        Scoring?.Dispose();
        Pipelines?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await Azurite.DisposeAsync();
    }
}

/// <summary>One stack for every test of this assembly; each test uses its own models.</summary>
[CollectionDefinition(Name)]
public sealed class ScoringCollection : ICollectionFixture<ScoringStack>
{
    public const string Name = "Scoring stack";
}
