using Azure.Data.Tables;
using ModelOps.Registry;

namespace ModelOps.Storage.Registry;

/// <summary>
/// Builds the model registry on a storage account: its table store, its artifact container, the ONNX validator
/// and the audit chain. The apps (through <c>AddModelRegistry</c>), the CLI and the tests all build it here.
/// </summary>
public static class ModelRegistryFactory
{
    /// <summary>The registry on <paramref name="connection"/>.</summary>
    /// <param name="connection">The storage account.</param>
    /// <param name="options">The registry's settings (audit key, artifact size limit).</param>
    /// <param name="storage">The table and container names.</param>
    /// <param name="clock">The registry's clock.</param>
    /// <param name="configureTables">Adjusts the table client's options (e.g. a policy that watches requests).</param>
    public static ModelRegistry Create(
        StorageConnection connection, RegistryOptions options, RegistryStorageOptions storage, TimeProvider clock, Action<TableClientOptions>? configureTables = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ModelRegistry(
            CreateStore(connection, storage, configureTables),
            CreateArtifactStore(connection, storage),
            new OnnxArtifactValidator(options),
            new AuditChain(options.AuditKeyBytes()),
            options,
            clock);
    }

    /// <summary>The metadata store: table <see cref="RegistryStorageOptions.TableName"/>.</summary>
    public static TableRegistryStore CreateStore(StorageConnection connection, RegistryStorageOptions storage, Action<TableClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(storage);
        return new TableRegistryStore(connection.CreateTableServiceClient(configure).GetTableClient(storage.TableName));
    }

    /// <summary>The routing store: rows beside the model's in table <see cref="RegistryStorageOptions.TableName"/>.</summary>
    public static TableRoutingStore CreateRoutingStore(StorageConnection connection, RegistryStorageOptions storage, Action<TableClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(storage);
        return new TableRoutingStore(connection.CreateTableServiceClient(configure).GetTableClient(storage.TableName));
    }

    /// <summary>The artifact store: container <see cref="RegistryStorageOptions.ArtifactContainer"/>.</summary>
    public static BlobArtifactStore CreateArtifactStore(StorageConnection connection, RegistryStorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(storage);
        return new BlobArtifactStore(connection.CreateBlobServiceClient().GetBlobContainerClient(storage.ArtifactContainer));
    }
}
