using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ModelOps.Testing;

namespace LocalFunctionsHost.Tests;

/// <summary>Queue triggers, queue and blob outputs and blob inputs through the worker protocol.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueueTriggerTests(AzuriteFixture azurite)
{
    private QueueClient Queue(TestApp app, string setting, bool base64 = true) =>
        StorageClients.Queue(azurite.ConnectionString, app.Values[setting], base64);

    private static async Task<QueueClient> CreatedAsync(QueueClient queue)
    {
        await queue.CreateIfNotExistsAsync();
        return queue;
    }

    private static Task<bool> HasMessagesAsync(QueueClient queue, int count) =>
        queue.ExistsAsync().ContinueWith(async e => e.Result.Value && (await queue.PeekMessagesAsync(32)).Value.Length >= count, TaskScheduler.Default).Unwrap();

    [Fact]
    public async Task A_string_parameter_gets_the_message_text_and_the_host_metadata_and_the_message_is_deleted()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, ["QueueText"]);
        QueueClient queue = await CreatedAsync(Queue(app, "QUEUE_TEXT"));

        SendReceipt sent = (await queue.SendMessageAsync("""{"modelId":"churn"}""")).Value;
        await TestApp.WaitUntilAsync(() => Task.FromResult(app.Records("QueueText").Count == 1), "the queue message to be processed");
        await TestApp.WaitUntilAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "the message to be deleted");
        JsonElement record = app.Records("QueueText").Single();
        JsonElement metadata = record.GetProperty("metadata");

        record.GetProperty("body").GetString().Should().Be("""{"modelId":"churn"}""");
        metadata.GetProperty("DequeueCount").GetString().Should().Be("1");
        metadata.GetProperty("Id").GetString().Should().Be(sent.MessageId);
        metadata.GetProperty("QueueTrigger").GetString().Should().Be("""{"modelId":"churn"}""");
        metadata.GetProperty("PopReceipt").GetString().Should().NotBeNullOrEmpty();
        metadata.TryGetProperty("InsertionTime", out _).Should().BeTrue();
        metadata.TryGetProperty("ExpirationTime", out _).Should().BeTrue();
        metadata.TryGetProperty("NextVisibleTime", out _).Should().BeTrue();
    }

    [Fact]
    public async Task A_message_that_fails_five_times_lands_in_the_poison_queue_intact_after_exactly_five_invocations()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, ["QueueText"]);
        QueueClient queue = await CreatedAsync(Queue(app, "QUEUE_TEXT"));
        const string body = """{"modelId":"churn","note":"naïve ✓ fail"}""";

        await queue.SendMessageAsync(body);
        QueueClient poison = StorageClients.Queue(azurite.ConnectionString, app.Values["QUEUE_TEXT"] + "-poison", base64: true);
        await TestApp.WaitUntilAsync(() => HasMessagesAsync(poison, 1), "the poison message");
        PeekedMessage poisoned = (await poison.PeekMessagesAsync()).Value.Single();
        // Bounded extra wait: a sixth attempt would show up within a few polling intervals (200 ms).
        await Task.Delay(TimeSpan.FromSeconds(2));

        poisoned.Body.ToString().Should().Be(body);
        app.Records("QueueText").Select(r => r.GetProperty("metadata").GetProperty("DequeueCount").GetString()).Should().Equal("1", "2", "3", "4", "5");
        (await queue.PeekMessagesAsync()).Value.Should().BeEmpty();
    }

    [Fact]
    public async Task A_poco_parameter_is_bound_from_the_json_message()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, ["QueuePoco"]);
        QueueClient queue = await CreatedAsync(Queue(app, "QUEUE_POCO"));

        await queue.SendMessageAsync("""{"ModelId":"churn","Step":3}""");
        await TestApp.WaitUntilAsync(() => Task.FromResult(app.Records("QueuePoco").Count == 1), "the message to be processed");
        JsonElement record = app.Records("QueuePoco").Single();

        record.GetProperty("modelId").GetString().Should().Be("churn");
        record.GetProperty("step").GetInt32().Should().Be(3);
    }

    [Fact]
    public async Task A_queue_message_parameter_is_built_by_the_worker_from_model_binding_data()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, ["QueueSdk"]);
        QueueClient queue = await CreatedAsync(Queue(app, "QUEUE_SDK"));

        SendReceipt sent = (await queue.SendMessageAsync("hello sdk")).Value;
        await TestApp.WaitUntilAsync(() => Task.FromResult(app.Records("QueueSdk").Count == 1), "the message to be processed");
        JsonElement record = app.Records("QueueSdk").Single();

        record.GetProperty("id").GetString().Should().Be(sent.MessageId);
        record.GetProperty("body").GetString().Should().Be("hello sdk");
        record.GetProperty("dequeueCount").GetInt64().Should().Be(1);
        record.GetProperty("popReceipt").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Multi_output_queue_and_blob_bindings_are_written_by_the_host_strings_as_text_and_bytes_as_bytes()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, ["QueueFanOut"]);
        QueueClient queue = await CreatedAsync(Queue(app, "QUEUE_FANOUT"));

        string id = (await queue.SendMessageAsync("go")).Value.MessageId;
        QueueClient next = Queue(app, "QUEUE_NEXT");
        QueueClient trap = Queue(app, "QUEUE_TRAP");
        QueueClient bytes = Queue(app, "QUEUE_BYTES");
        BlobClient report = StorageClients.Container(azurite.ConnectionString, app.Values["CONTAINER"]).GetBlobClient(id + ".json");
        await TestApp.WaitUntilAsync(() => HasMessagesAsync(next, 2), "two output messages");
        await TestApp.WaitUntilAsync(() => HasMessagesAsync(trap, 1), "the trap message");
        await TestApp.WaitUntilAsync(() => HasMessagesAsync(bytes, 1), "the binary message");
        await TestApp.WaitUntilAsync(async () => (await report.ExistsAsync()).Value, "the blob output");

        (await next.PeekMessagesAsync(2)).Value.Select(m => m.Body.ToString()).Should().Equal("""{"step":2,"from":"go"}""", "plain text!");
        // On the worker protocol a string output is text: a base64-looking string is not decoded (unlike custom handlers).
        (await trap.PeekMessagesAsync()).Value.Single().Body.ToString().Should().Be("abcd1234");
        (await bytes.PeekMessagesAsync()).Value.Single().Body.ToArray().Should().Equal(0, 1, 2, 255);
        (await report.DownloadContentAsync()).Value.Content.ToString().Should().Be("""{"ok":true}""");
    }

    [Fact]
    public async Task A_return_value_goes_to_the_return_queue()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, ["QueueReturn"]);
        QueueClient queue = await CreatedAsync(Queue(app, "QUEUE_RETURN_IN"));

        await queue.SendMessageAsync("hello");
        QueueClient output = Queue(app, "QUEUE_RETURN_OUT");
        await TestApp.WaitUntilAsync(() => HasMessagesAsync(output, 1), "the returned message");

        (await output.PeekMessagesAsync()).Value.Single().Body.ToString().Should().Be("HELLO");
    }

    [Fact]
    public async Task A_blob_input_named_by_the_message_is_read_by_the_worker_and_the_blob_output_written_by_the_host()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, ["BlobCopy"]);
        BlobContainerClient container = StorageClients.Container(azurite.ConnectionString, app.Values["CONTAINER"]);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient("in.txt").UploadAsync(BinaryData.FromString("some text"));
        QueueClient queue = await CreatedAsync(Queue(app, "QUEUE_BLOB"));

        await queue.SendMessageAsync("in.txt");
        BlobClient copy = container.GetBlobClient("copies/in.txt");
        await TestApp.WaitUntilAsync(async () => (await copy.ExistsAsync()).Value, "the copied blob");

        (await copy.DownloadContentAsync()).Value.Content.ToString().Should().Be("SOME TEXT");
    }

    [Fact]
    public void Polling_backs_off_exponentially_with_jitter_up_to_the_maximum()
    {
        var settings = new QueueSettings(16, 8, TimeSpan.FromSeconds(1), TimeSpan.Zero, 5, true);
        var trigger = new QueueTrigger(
            new FunctionDefinition("Q", "id", [new BindingDefinition("queueTrigger", "in", "msg", JsonDocument.Parse("""{"queueName":"q"}""").RootElement)]),
            null!,
            LocalSettings.Load(null),
            settings,
            TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            new Random(7));

        TimeSpan first = trigger.NextPollDelay(1);
        TimeSpan third = trigger.NextPollDelay(3);
        TimeSpan late = trigger.NextPollDelay(30);

        first.TotalMilliseconds.Should().BeInRange(180, 220);
        third.TotalMilliseconds.Should().BeInRange(420, 580);
        late.Should().Be(TimeSpan.FromSeconds(1));
    }
}
