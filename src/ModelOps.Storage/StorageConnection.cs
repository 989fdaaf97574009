using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace ModelOps.Storage;

/// <summary>
/// How the apps, the CLI and the tests reach the storage account, read the way Azure Functions reads its
/// <c>AzureWebJobsStorage</c> connection: either a connection string (<c>UseDevelopmentStorage=true</c> included), or
/// the identity-based settings <c>{name}__blobServiceUri</c>, <c>__queueServiceUri</c>, <c>__tableServiceUri</c>
/// (or <c>__accountName</c>) with <c>__credential=managedidentity</c> and an optional <c>__clientId</c>. Without
/// <c>__credential</c> the identity-based form signs in with <see cref="DefaultAzureCredential"/>, as Functions does locally.
/// Nothing configured means the local emulator.
/// </summary>
/// <remarks>
/// Blob and queue clients always send service version 2026-06-06: the newest that Azurite 3.37.0 accepts, and
/// supported by Azure too, so the same requests go to both.
/// </remarks>
public sealed class StorageConnection
{
    /// <summary>The connection name Functions uses for its own storage.</summary>
    public const string DefaultName = "AzureWebJobsStorage";

    /// <summary>The local emulator (Azurite on its default ports), used when nothing is configured.</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    /// <summary>The blob service version every blob client sends.</summary>
    public const BlobClientOptions.ServiceVersion BlobVersion = BlobClientOptions.ServiceVersion.V2026_06_06;

    /// <summary>The queue service version every queue client sends.</summary>
    public const QueueClientOptions.ServiceVersion QueueVersion = QueueClientOptions.ServiceVersion.V2026_06_06;

    private StorageConnection(string name, string? connectionString, Uri? blob, Uri? queue, Uri? table, TokenCredential? credential, bool configured)
    {
        Name = name;
        ConnectionString = connectionString;
        BlobServiceUri = blob;
        QueueServiceUri = queue;
        TableServiceUri = table;
        Credential = credential;
        IsConfigured = configured;
    }

    /// <summary>The connection's setting name (for messages).</summary>
    public string Name { get; }

    /// <summary>The connection string, or null for the identity-based form. A secret: never print or log it.</summary>
    public string? ConnectionString { get; }

    /// <summary>The blob endpoint of the identity-based form.</summary>
    public Uri? BlobServiceUri { get; }

    /// <summary>The queue endpoint of the identity-based form.</summary>
    public Uri? QueueServiceUri { get; }

    /// <summary>The table endpoint of the identity-based form.</summary>
    public Uri? TableServiceUri { get; }

    /// <summary>The credential of the identity-based form; null with a connection string.</summary>
    public TokenCredential? Credential { get; }

    /// <summary>False when nothing was configured and the connection falls back to <see cref="DevelopmentStorage"/>.</summary>
    public bool IsConfigured { get; }

    /// <summary>A connection from a connection string.</summary>
    public static StorageConnection FromConnectionString(string connectionString, string name = DefaultName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new StorageConnection(name, connectionString, null, null, null, null, configured: true);
    }

    /// <summary>
    /// The connection <paramref name="name"/> from configuration: the value <c>{name}</c> as a connection string, else the
    /// identity-based <c>{name}:…</c> settings (environment variables spell them <c>{name}__…</c>), else <see cref="DevelopmentStorage"/>.
    /// </summary>
    public static StorageConnection FromConfiguration(IConfiguration configuration, string name = DefaultName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[name] is { Length: > 0 } connectionString)
        {
            return FromConnectionString(connectionString, name);
        }

        string? Setting(string key) =>
            configuration[name + ":" + key] is { Length: > 0 } value ? value
            : configuration[name + "__" + key] is { Length: > 0 } flat ? flat
            : null;

        string? account = Setting("accountName");
        Uri? blob = Endpoint(name, "blobServiceUri", Setting("blobServiceUri"), account, "blob");
        Uri? queue = Endpoint(name, "queueServiceUri", Setting("queueServiceUri"), account, "queue");
        Uri? table = Endpoint(name, "tableServiceUri", Setting("tableServiceUri"), account, "table");
        if (blob is null && queue is null && table is null)
        {
            return new StorageConnection(name, DevelopmentStorage, null, null, null, null, configured: false);
        }

        string? clientId = Setting("clientId");
        TokenCredential credential = Setting("credential") switch
        {
            null => new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId }),
            string c when c.Equals("managedidentity", StringComparison.OrdinalIgnoreCase) => new ManagedIdentityCredential(
                clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId)),
            string c => throw new InvalidOperationException($"{name}__credential is '{c}'; the only value it takes is 'managedidentity'."),
        };
        return new StorageConnection(name, null, blob, queue, table, credential, configured: true);
    }

    /// <summary>A blob service client sending <see cref="BlobVersion"/>.</summary>
    public BlobServiceClient CreateBlobServiceClient(Action<BlobClientOptions>? configure = null)
    {
        var options = new BlobClientOptions(BlobVersion);
        configure?.Invoke(options);
        return ConnectionString is not null
            ? new BlobServiceClient(ConnectionString, options)
            : new BlobServiceClient(Required(BlobServiceUri, "blobServiceUri"), Credential, options);
    }

    /// <summary>A queue service client sending <see cref="QueueVersion"/>.</summary>
    public QueueServiceClient CreateQueueServiceClient(Action<QueueClientOptions>? configure = null)
    {
        var options = new QueueClientOptions(QueueVersion);
        configure?.Invoke(options);
        return ConnectionString is not null
            ? new QueueServiceClient(ConnectionString, options)
            : new QueueServiceClient(Required(QueueServiceUri, "queueServiceUri"), Credential, options);
    }

    /// <summary>A table service client.</summary>
    public TableServiceClient CreateTableServiceClient(Action<TableClientOptions>? configure = null)
    {
        var options = new TableClientOptions();
        configure?.Invoke(options);
        return ConnectionString is not null
            ? new TableServiceClient(ConnectionString, options)
            : new TableServiceClient(Required(TableServiceUri, "tableServiceUri"), Credential, options);
    }

    private Uri Required(Uri? endpoint, string setting) =>
        endpoint ?? throw new InvalidOperationException($"The storage connection '{Name}' has no {Name}__{setting} (nor {Name}__accountName).");

    private static Uri? Endpoint(string name, string setting, string? value, string? account, string service)
    {
        if (value is null)
        {
            return account is null ? null : new Uri($"https://{account}.{service}.core.windows.net");
        }

        return Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) && uri.Scheme is "https" or "http"
            ? uri
            : throw new InvalidOperationException($"{name}__{setting} is not an absolute http(s) URI.");
    }
}
