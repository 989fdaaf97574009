using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ModelOps.Testing;

namespace LocalFunctionsHost.Tests;

/// <summary>
/// The durable client binding from an HTTP function and the management endpoints its
/// <c>CreateHttpManagementPayload</c> links point at (status, raise event, terminate), with the system key.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DurableHttpTests(AzuriteFixture azurite)
{
    private static async Task<JsonElement> StartAsync(HttpClient http, DurableApp app, string orchestration, object input)
    {
        using HttpResponseMessage started = await http.PostAsJsonAsync(new Uri(app.App.FrontDoor, $"api/durable/{orchestration}"), input);
        started.StatusCode.Should().Be(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<JsonElement> StatusWhenAsync(HttpClient http, string statusUri, Func<JsonElement, bool> condition, string what)
    {
        JsonElement status = default;
        await TestApp.WaitUntilAsync(
            async () =>
            {
                using HttpResponseMessage response = await http.GetAsync(statusUri);
                status = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                return response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted && condition(status);
            },
            what,
            180);
        return status;
    }

    [Fact]
    public async Task An_http_starter_links_to_a_status_that_runs_until_the_event_sent_to_its_link_completes_it()
    {
        await using DurableApp app = await DurableApp.StartAsync(azurite);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(100) };
        http.DefaultRequestHeaders.Add("x-functions-key", TestApp.FunctionKey);
        string key = AzuriteFixture.UniqueName("http");

        JsonElement links = await StartAsync(http, app, "Approval", new { Key = key, DeadlineHours = 72.0 });
        string statusUri = links.GetProperty("statusQueryGetUri").GetString()!;
        statusUri.Should().StartWith($"{app.App.FrontDoor}runtime/webhooks/durabletask/instances/{links.GetProperty("id").GetString()}?code=");
        using var anonymous = new HttpClient();
        await StatusWhenAsync(anonymous, statusUri, s => s.GetProperty("runtimeStatus").GetString() == "Running", "the instance to run");

        string eventUri = links.GetProperty("sendEventPostUri").GetString()!.Replace("{eventName}", "Approval", StringComparison.Ordinal);
        using HttpResponseMessage raised = await anonymous.PostAsync(eventUri, new StringContent("\"carol\"", Encoding.UTF8, "application/json"));
        raised.StatusCode.Should().Be(HttpStatusCode.Accepted);
        JsonElement done = await StatusWhenAsync(anonymous, statusUri, s => s.GetProperty("runtimeStatus").GetString() == "Completed", "the instance to complete");

        done.GetProperty("output").GetString().Should().Be("approved by carol");
        done.GetProperty("name").GetString().Should().Be("Approval");
        done.GetProperty("input").GetProperty("key").GetString().Should().Be(key);
        using HttpResponseMessage late = await anonymous.PostAsync(eventUri, new StringContent("\"dave\"", Encoding.UTF8, "application/json"));
        late.StatusCode.Should().Be(HttpStatusCode.Gone);
    }

    [Fact]
    public async Task The_terminate_link_ends_a_waiting_instance_and_the_endpoints_refuse_calls_without_the_system_key()
    {
        await using DurableApp app = await DurableApp.StartAsync(azurite);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(100) };
        http.DefaultRequestHeaders.Add("x-functions-key", TestApp.FunctionKey);

        JsonElement links = await StartAsync(http, app, "Approval", new { Key = AzuriteFixture.UniqueName("stop"), DeadlineHours = 72.0 });
        string statusUri = links.GetProperty("statusQueryGetUri").GetString()!;
        string withoutKey = statusUri[..statusUri.IndexOf('?', StringComparison.Ordinal)];
        using var anonymous = new HttpClient();
        (await anonymous.GetAsync(withoutKey)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await http.GetAsync(withoutKey)).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a function key does not open the system endpoints");
        (await anonymous.GetAsync(withoutKey.Replace("/instances/", "/instances/no-such-", StringComparison.Ordinal) + statusUri[statusUri.IndexOf('?', StringComparison.Ordinal)..]))
            .StatusCode.Should().Be(HttpStatusCode.NotFound);
        await StatusWhenAsync(anonymous, statusUri, s => s.GetProperty("runtimeStatus").GetString() == "Running", "the instance to run");

        string terminateUri = links.GetProperty("terminatePostUri").GetString()!.Replace("{text}", "withdrawn", StringComparison.Ordinal);
        using HttpResponseMessage terminated = await anonymous.PostAsync(terminateUri, content: null);
        terminated.StatusCode.Should().Be(HttpStatusCode.Accepted);
        JsonElement done = await StatusWhenAsync(anonymous, statusUri, s => s.GetProperty("runtimeStatus").GetString() == "Terminated", "the instance to be terminated");

        done.GetProperty("output").GetString().Should().Be("withdrawn");
    }
}
