using System.Net;
using ModelOps.Testing;

namespace ModelOps.Functions.Tests;

/// <summary>The Pipelines app behind the local Functions host, as <c>modelops up</c> runs it: keys are enforced at the front door.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LocalHostEndToEndTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private LocalFunctionsHostProcess _host = null!;

    public async Task InitializeAsync() =>
        _host = await LocalFunctionsHostProcess.StartAsync([LocalFunctionsHostProcess.BuildOutputOf("Pipelines")], new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Registry__AuditKey"] = AppSettings.AuditKey,
            ["Registry__TableName"] = AzuriteFixture.UniqueName("reg"),
            ["Registry__ArtifactContainer"] = AzuriteFixture.UniqueName("art"),
        });

    [Fact]
    public async Task Registry_api_needs_a_function_key_at_the_front_door()
    {
        using HttpClient http = _host.CreateClient(withKey: false);

        using HttpResponseMessage health = await http.GetAsync(new Uri("api/health", UriKind.Relative));
        using HttpResponseMessage withoutKey = await http.GetAsync(new Uri("api/models", UriKind.Relative));
        using HttpResponseMessage wrongKey = await http.GetAsync(new Uri("api/models?code=wrong", UriKind.Relative));
        using var keyed = new HttpRequestMessage(HttpMethod.Get, "api/models");
        keyed.Headers.Add("x-functions-key", _host.FunctionKey);
        using HttpResponseMessage withKey = await http.SendAsync(keyed);

        health.StatusCode.Should().Be(HttpStatusCode.OK);
        withoutKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        wrongKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        withKey.StatusCode.Should().Be(HttpStatusCode.OK, _host.Output);
        (await withKey.Content.ReadAsStringAsync()).Should().Be("[]");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();
}
