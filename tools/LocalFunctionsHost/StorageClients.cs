using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace LocalFunctionsHost;

/// <summary>
/// Storage clients with the service version pinned: Azurite 3.37 rejects the current SDKs' default version,
/// and 2026-06-06 has everything the host uses.
/// </summary>
internal static class StorageClients
{
    public static QueueClient Queue(string connectionString, string name, bool base64) =>
        new(connectionString, name, new QueueClientOptions(QueueClientOptions.ServiceVersion.V2026_06_06)
        {
            MessageEncoding = base64 ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None,
        });

    public static BlobContainerClient Container(string connectionString, string name) =>
        new(connectionString, name, new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06));
}
