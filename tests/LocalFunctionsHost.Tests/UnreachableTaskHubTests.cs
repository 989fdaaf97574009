using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelOps.Testing;

namespace LocalFunctionsHost.Tests;

/// <summary>A task hub whose storage cannot be reached does not take the app's other functions down with it.</summary>
public sealed class UnreachableTaskHubTests
{
    [Fact]
    public async Task The_other_functions_serve_and_a_durable_client_call_is_a_503_naming_the_task_hub()
    {
        // Endpoints on a loopback port nothing listens on.
        int closed = LoopbackPorts.GetFree();
        string nowhere = $"DefaultEndpointsProtocol=http;AccountName={AzuriteFixture.AccountName};AccountKey={AzuriteFixture.AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{closed}/{AzuriteFixture.AccountName};QueueEndpoint=http://127.0.0.1:{closed}/{AzuriteFixture.AccountName};" +
            $"TableEndpoint=http://127.0.0.1:{closed}/{AzuriteFixture.AccountName};";
        await using TestApp app = await TestApp.StartAsync(nowhere, ["Open", .. DurableApp.DurableFunctions], new Dictionary<string, string> { ["DURABLE_HUB"] = DurableApp.NewHubName() });
        using var http = new HttpClient { BaseAddress = app.FrontDoor, Timeout = TimeSpan.FromSeconds(100) };
        http.DefaultRequestHeaders.Add("x-functions-key", TestApp.FunctionKey);

        using HttpResponseMessage open = await http.GetAsync(new Uri("api/Open", UriKind.Relative));
        using HttpResponseMessage start = await http.PostAsJsonAsync(new Uri("api/durable/Approval", UriKind.Relative), new { Key = "k", DeadlineHours = 1.0 });
        JsonElement problem = await start.Content.ReadFromJsonAsync<JsonElement>();

        app.Host.TaskHub.Should().BeNull();
        open.StatusCode.Should().Be(HttpStatusCode.OK);
        start.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        start.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        problem.GetProperty("detail").GetString().Should().Contain("no running task hub");
    }
}
