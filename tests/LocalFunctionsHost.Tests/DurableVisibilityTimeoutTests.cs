using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using ModelOps.Testing;

namespace LocalFunctionsHost.Tests;

/// <summary>
/// A host killed while it holds a task hub message: the message comes back after the visibility timeout the app's
/// settings give (<c>AzureFunctionsJobHost__extensions__durableTask__storageProvider__…</c>), not after the
/// 5-minute default, and the next host finishes the orchestration.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DurableVisibilityTimeoutTests(AzuriteFixture azurite)
{
    private const string StorageOverride = "AzureFunctionsJobHost__extensions__durableTask__storageProvider__";

    [Fact]
    public async Task An_activity_held_by_a_killed_host_runs_on_the_next_host_once_the_configured_visibility_timeout_passes()
    {
        string hub = DurableApp.NewHubName();
        string key = AzuriteFixture.UniqueName("killed");
        string folder = Directory.CreateTempSubdirectory("lfh-killed-").FullName;
        string records = Path.Combine(folder, "records.jsonl");
        await File.WriteAllTextAsync(records, string.Empty);
        var shortTimeouts = new Dictionary<string, string>
        {
            [StorageOverride + "controlQueueVisibilityTimeout"] = "00:00:10",
            [StorageOverride + "workItemQueueVisibilityTimeout"] = "00:00:10",
            // Both hosts record into one file, so the activity knows its second attempt from its first.
            ["RECORD_FILE"] = records,
        };
        string id;
        try
        {
            // Arrange: a host of its own process starts the orchestration; its activity hangs on the first attempt.
            var first = new Dictionary<string, string>(shortTimeouts)
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["DURABLE_HUB"] = hub,
            };
            foreach (string function in TestApp.AllFunctions.Where(f => f != "Open" && !DurableApp.DurableFunctions.Contains(f)))
            {
                first[$"AzureWebJobs.{function}.Disabled"] = "true";
            }

            await using (LocalFunctionsHostProcess killed = await LocalFunctionsHostProcess.StartAsync([TestApp.AppFolder], first, readinessPath: "/api/Open"))
            {
                using HttpClient http = killed.CreateClient();
                using HttpResponseMessage started = await http.PostAsJsonAsync(new Uri("/api/durable/Survivor", UriKind.Relative), key);
                started.IsSuccessStatusCode.Should().BeTrue(await started.Content.ReadAsStringAsync());
                id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
                await TestApp.WaitUntilAsync(() => Task.FromResult(Attempts(records, key) == 1), "the activity's first attempt", 180);
            }

            // Act: the process tree is killed (disposing the host does), holding the activity's message; a new host on the hub.
            await using DurableApp second = await DurableApp.StartAsync(azurite, hub, shortTimeouts);
            // Well short of the 5-minute default: only the configured timeout lets the message come back in time.
            OrchestrationMetadata done = await second.CompletionAsync(id, seconds: 120);

            // Assert
            done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ToString() + done.SerializedOutput);
            done.ReadOutputAs<string>().Should().Be("finished on attempt 2");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int Attempts(string records, string key) =>
        File.ReadAllLines(records).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement)
            .Count(r => r.GetProperty("function").GetString() == "Stubborn" && r.GetProperty("key").GetString() == key);
}
