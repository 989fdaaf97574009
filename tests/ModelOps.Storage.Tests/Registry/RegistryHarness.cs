using Azure.Data.Tables;
using Azure.Storage.Blobs;
using ModelOps.Onnx;
using ModelOps.Registry;
using ModelOps.Storage.Registry;
using ModelOps.Testing;

namespace ModelOps.Storage.Tests.Registry;

/// <summary>A registry on its own Azurite table and container, with the raw clients for inspecting and tampering.</summary>
internal sealed class RegistryHarness
{
    public static readonly byte[] Key = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();

    public RegistryHarness(AzuriteFixture azurite, Func<IRegistryStore, IRegistryStore>? wrapStore = null, Func<IArtifactStore, IArtifactStore>? wrapArtifacts = null)
    {
        Connection = StorageConnection.FromConnectionString(azurite.ConnectionString);
        Table = Connection.CreateTableServiceClient().GetTableClient("reg" + AzuriteFixture.UniqueName("t"));
        Container = Connection.CreateBlobServiceClient().GetBlobContainerClient(AzuriteFixture.UniqueName("artifacts"));
        Store = new TableRegistryStore(Table);
        Artifacts = new BlobArtifactStore(Container);
        Options = new RegistryOptions { AuditKey = Convert.ToBase64String(Key), MaxArtifactBytes = 4 * 1024 * 1024 };
        Registry = Create(wrapStore, wrapArtifacts);
    }

    public StorageConnection Connection { get; }

    public TableClient Table { get; }

    public BlobContainerClient Container { get; }

    public TableRegistryStore Store { get; }

    public BlobArtifactStore Artifacts { get; }

    public RegistryOptions Options { get; }

    public ModelRegistry Registry { get; }

    /// <summary>Another registry over the same storage (e.g. without the crashing decorator).</summary>
    public ModelRegistry Create(Func<IRegistryStore, IRegistryStore>? wrapStore = null, Func<IArtifactStore, IArtifactStore>? wrapArtifacts = null) => new(
        wrapStore?.Invoke(Store) ?? Store,
        wrapArtifacts?.Invoke(Artifacts) ?? Artifacts,
        new OnnxArtifactValidator(Options),
        new AuditChain(Key),
        Options,
        TimeProvider.System);

    public async Task<int> BlobCountAsync()
    {
        if (!(await Container.ExistsAsync()).Value)
        {
            return 0;
        }

        int count = 0;
        await foreach (var _ in Container.GetBlobsAsync())
        {
            count++;
        }

        return count;
    }

    public async Task<List<TableEntity>> RowsAsync(string? prefix = null)
    {
        await Store.TableAsync(default);
        var rows = new List<TableEntity>();
        await foreach (TableEntity row in Table.QueryAsync<TableEntity>())
        {
            if (prefix is null || row.RowKey.StartsWith(prefix, StringComparison.Ordinal))
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    public static byte[] Linear(float bias = 0.5f) => ModelOps.Testing.TestOnnxModels.Linear(bias);

    public static RegistrationRequest Request(string model = "churn", int? version = null, string? alias = null) =>
        new(model, version, "Churn risk", "data-team", ["churn"],
            new ModelSchema([new TensorSpec("X", "float", [-1, 2])], [new TensorSpec("Y", "float", [-1, 1])]),
            new ModelCard("Retention offers"), new Dictionary<string, double> { ["auc"] = 0.8 }, Lineage.Empty, [], alias, "initial");
}
