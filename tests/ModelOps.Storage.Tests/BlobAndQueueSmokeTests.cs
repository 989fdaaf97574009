using System.Text;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ModelOps.Testing;

namespace ModelOps.Storage.Tests;

/// <summary>The Azure Storage SDK, through <see cref="StorageConnection"/> (pinned service version), against a real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobAndQueueSmokeTests(AzuriteFixture azurite)
{
    private readonly StorageConnection _connection = StorageConnection.FromConnectionString(azurite.ConnectionString);

    [Fact]
    public async Task Conditional_create_with_if_none_match_star_refuses_the_second_write()
    {
        BlobContainerClient container = _connection.CreateBlobServiceClient().GetBlobContainerClient(AzuriteFixture.UniqueName("smoke"));
        await container.CreateAsync();
        BlobClient blob = container.GetBlobClient("artifacts/model.onnx");
        var writeOnce = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };

        await blob.UploadAsync(BinaryData.FromString("first"), writeOnce);
        Func<Task> second = () => blob.UploadAsync(BinaryData.FromString("second"), writeOnce);

        (await second.Should().ThrowAsync<RequestFailedException>()).Which.Status.Should().Be(409);
        (await blob.DownloadContentAsync()).Value.Content.ToString().Should().Be("first");
    }

    [Fact]
    public async Task Upload_with_md5_transfer_validation_round_trips()
    {
        // MD5, because Azurite does not implement CRC64 transfer validation (its structured-message upload).
        BlobContainerClient container = _connection.CreateBlobServiceClient().GetBlobContainerClient(AzuriteFixture.UniqueName("md5"));
        await container.CreateAsync();
        BlobClient blob = container.GetBlobClient("data.bin");
        byte[] payload = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 31)).ToArray();

        await blob.UploadAsync(new BinaryData(payload), new BlobUploadOptions
        {
            TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 },
        });

        (await blob.DownloadContentAsync()).Value.Content.ToArray().Should().Equal(payload);
    }

    [Fact]
    public async Task Queue_message_round_trips_base64_encoded_as_the_functions_host_expects()
    {
        string name = AzuriteFixture.UniqueName("q");
        QueueClient queue = _connection.CreateQueueServiceClient(o => o.MessageEncoding = QueueMessageEncoding.Base64).GetQueueClient(name);
        await queue.CreateAsync();
        const string body = """{"modelId":"churn","note":"naïve ✓"}""";

        await queue.SendMessageAsync(body);
        QueueClient raw = _connection.CreateQueueServiceClient(o => o.MessageEncoding = QueueMessageEncoding.None).GetQueueClient(name);
        PeekedMessage peeked = (await raw.PeekMessageAsync()).Value;
        QueueMessage received = (await queue.ReceiveMessageAsync()).Value;

        Encoding.UTF8.GetString(Convert.FromBase64String(peeked.Body.ToString())).Should().Be(body);
        received.Body.ToString().Should().Be(body);
        received.DequeueCount.Should().Be(1);
    }
}
