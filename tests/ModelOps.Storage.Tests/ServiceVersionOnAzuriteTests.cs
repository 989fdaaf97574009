using Azure;
using Azure.Storage.Blobs;
using ModelOps.Testing;

namespace ModelOps.Storage.Tests;

/// <summary>
/// Against an Azurite that checks service versions (as it does unless told not to): the clients of
/// <see cref="StorageConnection"/> work, and an SDK client on its default version is refused, which is why the version is pinned.
/// </summary>
public sealed class ServiceVersionOnAzuriteTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = AzuriteFixture.CheckingApiVersion();

    public Task InitializeAsync() => _azurite.InitializeAsync();

    public Task DisposeAsync() => _azurite.DisposeAsync();

    [Fact]
    public async Task Blob_queue_and_table_clients_from_the_connection_are_accepted()
    {
        StorageConnection connection = StorageConnection.FromConnectionString(_azurite.ConnectionString);
        BlobContainerClient container = connection.CreateBlobServiceClient().GetBlobContainerClient(AzuriteFixture.UniqueName("pinned"));

        await container.CreateAsync();
        await container.GetBlobClient("a.txt").UploadAsync(BinaryData.FromString("accepted"));
        await connection.CreateQueueServiceClient().GetQueueClient(AzuriteFixture.UniqueName("pinned")).CreateAsync();
        await connection.CreateTableServiceClient().CreateTableIfNotExistsAsync(AzuriteFixture.UniqueName("pinned"));

        (await container.GetBlobClient("a.txt").DownloadContentAsync()).Value.Content.ToString().Should().Be("accepted");
    }

    [Fact]
    public async Task A_blob_client_on_the_sdk_default_version_is_refused()
    {
        var unpinned = new BlobServiceClient(_azurite.ConnectionString, new BlobClientOptions { Retry = { MaxRetries = 0 } });

        Func<Task> create = () => unpinned.GetBlobContainerClient(AzuriteFixture.UniqueName("default")).CreateAsync();

        (await create.Should().ThrowAsync<RequestFailedException>()).Which.Status.Should().Be(400);
    }
}
