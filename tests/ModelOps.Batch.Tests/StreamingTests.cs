using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ModelOps.Storage.Batch;
using ModelOps.Testing;

namespace ModelOps.Batch.Tests;

/// <summary>Streaming scoring under the local host: a message's rows scored onto the output queue; a bad message in the poison queue with its reason.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StreamingTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_message_is_scored_onto_the_results_queue_and_a_bad_one_ends_in_the_poison_queue_with_its_reason()
    {
        await using PipelinesApp app = await PipelinesApp.StartAsync(azurite, new Dictionary<string, string>(), visibilityTimeout: TimeSpan.FromSeconds(1));
        QueueClient requests = app.Queue(BatchQueues.ScoreRequests), results = app.Queue(BatchQueues.ScoreResults), poison = app.Queue(BatchQueues.ScoreRequestsPoison);
        await requests.CreateIfNotExistsAsync();
        await results.CreateIfNotExistsAsync();
        await poison.CreateIfNotExistsAsync();
        string rows = TelcoModel.JsonRows(0, 3)[("{\"rows\":".Length)..^1];
        string good = $"{{\"model\":\"telco\",\"requestId\":\"good-1\",\"rows\":{rows}}}";
        string bad = "{\"model\":\"telco\",\"requestId\":\"bad-1\",\"rows\":[{\"tenure\":\"long\"}]}";

        await requests.SendMessageAsync(good);
        await requests.SendMessageAsync(bad);
        var answers = new Dictionary<string, JsonElement>();
        await app.WaitForAsync(async () =>
        {
            foreach (QueueMessage m in (await results.ReceiveMessagesAsync(32)).Value)
            {
                JsonElement answer = JsonDocument.Parse(m.Body.ToString()).RootElement.Clone();
                answers[answer.GetProperty("requestId").GetString()!] = answer;
                await results.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }

            return answers.ContainsKey("good-1") && answers.ContainsKey("bad-1");
        }, TimeSpan.FromMinutes(2), "both results");
        QueueMessage[] poisoned = (await poison.ReceiveMessagesAsync(32)).Value;

        JsonElement scored = answers["good-1"].GetProperty("rows");
        scored.GetArrayLength().Should().Be(3);
        for (int r = 0; r < 3; r++)
        {
            scored[r].GetProperty("version").GetInt32().Should().Be(app.Version);
            scored[r].GetProperty("alias").GetString().Should().Be("champion");
            scored[r].GetProperty("probabilities").GetProperty("Yes").GetDouble().Should().BeApproximately(TelcoModel.Expected(r), 1e-5);
        }

        JsonElement refused = answers["bad-1"];
        refused.TryGetProperty("rows", out _).Should().BeFalse();
        refused.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).Should().Contain(["tenure", "Contract"]);
        poisoned.Select(m => m.Body.ToString()).Should().Equal(bad);
        app.Host.Output.Should().Contain("sent to the poison queue");
    }
}
