using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ModelOps.Testing;

namespace LocalFunctionsHost.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class QueueTriggerTests(AzuriteFixture azurite)
{
    private static string QueueFunction(string queue) =>
        $$"""{"bindings":[{"type":"queueTrigger","direction":"in","name":"msg","queueName":"{{queue}}","connection":"AzureWebJobsStorage"}]}""";

    private QueueClient Queue(string name) =>
        new(azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    [Fact]
    public async Task Queue_envelope_carries_the_message_json_encoded_twice_and_the_host_metadata()
    {
        string name = AzuriteFixture.UniqueName("q");
        QueueClient queue = Queue(name);
        await queue.CreateAsync();
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, new Dictionary<string, string> { ["Drift"] = QueueFunction(name) });

        await queue.SendMessageAsync("""{"modelId":"churn"}""");
        await TestApp.WaitUntilAsync(() => Task.FromResult(app.Invocations("Drift").Count == 1), "the queue message to be processed");
        await TestApp.WaitUntilAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "the message to be deleted");
        JsonElement envelope = app.Invocations("Drift").Single();
        JsonElement raw = app.Records().Single().GetProperty("headers");

        // PLATFORM notes §1.2: {"Data":{"msg":"\"{\\\"modelId\\\":\\\"churn\\\"}\""}, ...}
        envelope.GetProperty("Data").GetProperty("msg").GetRawText().Should().Be(""" "\"{\\\"modelId\\\":\\\"churn\\\"}\"" """.Trim());
        JsonSerializer.Deserialize<string>(envelope.GetProperty("Data").GetProperty("msg").GetString()!).Should().Be("""{"modelId":"churn"}""");
        JsonElement metadata = envelope.GetProperty("Metadata");
        metadata.GetProperty("DequeueCount").GetInt64().Should().Be(1);
        metadata.GetProperty("Id").GetString().Should().NotBeNullOrEmpty();
        metadata.GetProperty("PopReceipt").GetString().Should().NotBeNullOrEmpty();
        metadata.TryGetProperty("InsertionTime", out _).Should().BeTrue();
        metadata.TryGetProperty("ExpirationTime", out _).Should().BeTrue();
        metadata.TryGetProperty("NextVisibleTime", out _).Should().BeTrue();
        metadata.TryGetProperty("QueueTrigger", out _).Should().BeFalse("keys ending in 'trigger' are dropped");
        metadata.GetProperty("sys").GetProperty("MethodName").GetString().Should().Be("Drift");
        Guid.TryParse(metadata.GetProperty("sys").GetProperty("RandGuid").GetString(), out _).Should().BeTrue();
        raw.GetProperty("content-type").GetString().Should().Be("application/json; charset=utf-8");
        raw.GetProperty("user-agent").GetString().Should().StartWith("Azure-Functions-Host/");
    }

    [Fact]
    public async Task A_message_that_fails_five_times_lands_in_the_poison_queue_intact_and_is_not_run_a_sixth_time()
    {
        string name = AzuriteFixture.UniqueName("q");
        QueueClient queue = Queue(name);
        await queue.CreateAsync();
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, new Dictionary<string, string> { ["FailAlways"] = QueueFunction(name) });
        const string body = """{"modelId":"churn","note":"naïve ✓"}""";

        await queue.SendMessageAsync(body);
        QueueClient poison = Queue(name + "-poison");
        await TestApp.WaitUntilAsync(async () => (await poison.ExistsAsync()).Value && (await poison.PeekMessagesAsync()).Value.Length == 1, "the poison message");
        PeekedMessage poisoned = (await poison.PeekMessagesAsync()).Value.Single();
        // Bounded extra wait: a sixth attempt would show up within a few polling intervals (200 ms).
        await Task.Delay(TimeSpan.FromSeconds(2));

        poisoned.Body.ToString().Should().Be(body);
        app.Invocations("FailAlways").Should().HaveCount(5);
        app.Invocations("FailAlways").Select(e => e.GetProperty("Metadata").GetProperty("DequeueCount").GetInt64()).Should().Equal(1, 2, 3, 4, 5);
        (await queue.PeekMessagesAsync()).Value.Should().BeEmpty();
    }

    [Fact]
    public async Task Queue_and_blob_outputs_are_written_and_base64_looking_strings_are_decoded_like_the_real_host()
    {
        string input = AzuriteFixture.UniqueName("in");
        string output = AzuriteFixture.UniqueName("out");
        string container = AzuriteFixture.UniqueName("reports");
        var outputs = new JsonObject
        {
            ["OutputWork"] = new JsonObject
            {
                ["next"] = new JsonArray(new JsonObject { ["step"] = 2 }, "plain text!"),
                ["trap"] = "abcd1234",
                ["report"] = new JsonObject { ["ok"] = true },
            },
        };
        string function = $$"""
            {"bindings":[
              {"type":"queueTrigger","direction":"in","name":"msg","queueName":"{{input}}"},
              {"type":"queue","direction":"out","name":"next","queueName":"{{output}}"},
              {"type":"queue","direction":"out","name":"trap","queueName":"{{output}}-trap"},
              {"type":"blob","direction":"out","name":"report","path":"{{container}}/{Id}.json"}]}
            """;
        QueueClient queue = Queue(input);
        await queue.CreateAsync();
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, new Dictionary<string, string> { ["OutputWork"] = function }, outputs: outputs);

        string id = (await queue.SendMessageAsync("go")).Value.MessageId;
        QueueClient next = Queue(output);
        await TestApp.WaitUntilAsync(async () => (await next.ExistsAsync()).Value && (await next.PeekMessagesAsync(2)).Value.Length == 2, "two output messages");
        var trap = new QueueClient(azurite.ConnectionString, output + "-trap", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        await TestApp.WaitUntilAsync(async () => (await trap.ExistsAsync()).Value && (await trap.PeekMessagesAsync()).Value.Length == 1, "the trap message");
        var blob = new Azure.Storage.Blobs.BlobContainerClient(azurite.ConnectionString, container).GetBlobClient(id + ".json");
        await TestApp.WaitUntilAsync(async () => (await blob.ExistsAsync()).Value, "the blob output");

        (await next.PeekMessagesAsync(2)).Value.Select(m => m.Body.ToString()).Should().Equal("""{"step":2}""", "plain text!");
        byte[] trapBytes = Convert.FromBase64String((await trap.PeekMessagesAsync()).Value.Single().Body.ToString());
        trapBytes.Should().Equal(Convert.FromBase64String("abcd1234"));
        (await blob.DownloadContentAsync()).Value.Content.ToString().Should().Be("""{"ok":true}""");
    }

    [Fact]
    public void Polling_backs_off_exponentially_with_jitter_up_to_the_maximum()
    {
        var settings = new QueueSettings(16, 8, TimeSpan.FromSeconds(1), TimeSpan.Zero, 5, true);
        var trigger = new QueueTrigger(
            new FunctionDefinition("Q", [new BindingDefinition("queueTrigger", "in", "msg", JsonDocument.Parse("""{"queueName":"q"}""").RootElement)]),
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
