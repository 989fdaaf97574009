using System.Text.Json;
using Azure.Storage.Blobs;
using ModelOps.Testing;

namespace LocalFunctionsHost.Tests;

/// <summary>The blob trigger through the worker protocol: one run per blob version, names captured from the path.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobTriggerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_new_blob_runs_the_function_once_and_a_rewritten_one_runs_it_again()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, ["BlobWatch"]);
        BlobContainerClient container = StorageClients.Container(azurite.ConnectionString, app.Values["WATCHED_CONTAINER"]);
        await container.CreateIfNotExistsAsync();

        await container.GetBlobClient("reports/a.txt").UploadAsync(BinaryData.FromString("first"));
        await TestApp.WaitUntilAsync(() => Task.FromResult(app.Records("BlobWatch").Count == 1), "the first run");
        // Bounded extra wait: the trigger polls every second, so an unchanged blob would run again within it.
        await Task.Delay(TimeSpan.FromSeconds(3));
        int afterFirst = app.Records("BlobWatch").Count;
        await container.GetBlobClient("reports/a.txt").UploadAsync(BinaryData.FromString("second"), overwrite: true);
        await TestApp.WaitUntilAsync(() => Task.FromResult(app.Records("BlobWatch").Count == 2), "the run for the new version");
        JsonElement[] runs = [.. app.Records("BlobWatch")];

        afterFirst.Should().Be(1);
        runs.Select(r => r.GetProperty("name").GetString()).Should().Equal("reports/a.txt", "reports/a.txt");
        runs.Select(r => r.GetProperty("content").GetString()).Should().Equal("first", "second");
    }

    [Fact]
    public async Task A_blob_that_fails_five_times_is_reported_in_the_blob_poison_queue_and_not_run_again()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, ["BlobWatch"]);
        BlobContainerClient container = StorageClients.Container(azurite.ConnectionString, app.Values["WATCHED_CONTAINER"]);
        await container.CreateIfNotExistsAsync();
        string name = AzuriteFixture.UniqueName("bad") + ".txt";

        await container.GetBlobClient(name).UploadAsync(BinaryData.FromString("please fail"));
        Azure.Storage.Queues.QueueClient poison = StorageClients.Queue(azurite.ConnectionString, BlobTrigger.PoisonQueue, base64: true);
        await TestApp.WaitUntilAsync(
            async () => (await poison.ExistsAsync()).Value && (await poison.PeekMessagesAsync(32)).Value.Any(m => m.Body.ToString().Contains(name, StringComparison.Ordinal)),
            "the poison message");
        // Bounded extra wait: a sixth attempt would come within the next poll (1 s).
        await Task.Delay(TimeSpan.FromSeconds(3));

        app.Records("BlobWatch").Should().HaveCount(5);
    }
}
