using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelOps.Testing;

namespace ModelOps.Functions.Tests;

/// <summary>Both apps start as isolated workers from their build output under the local host and answer their health function.</summary>
public sealed class HealthTests
{
    [Theory]
    [InlineData("Scoring")]
    [InlineData("Pipelines")]
    public async Task App_starts_as_an_isolated_worker_and_reports_healthy(string appFolder)
    {
        await using LocalFunctionsHostProcess host = await LocalFunctionsHostProcess.StartAsync([LocalFunctionsHostProcess.BuildOutputOf(appFolder)], AppSettings.Minimal);
        using HttpClient http = host.CreateClient(withKey: false);

        using HttpResponseMessage response = await http.GetAsync(new Uri("/api/health", UriKind.Relative));
        JsonElement body = await response.Content.ReadFromJsonAsync<JsonElement>();

        response.StatusCode.Should().Be(HttpStatusCode.OK, host.Output);
        body.GetProperty("status").GetString().Should().Be("healthy");
        body.GetProperty("app").GetString().Should().Be(appFolder);
    }

    [Theory]
    [InlineData("Scoring", "ModelOps.Scoring.Functions.dll")]
    [InlineData("Pipelines", "ModelOps.Pipelines.dll")]
    public void Build_output_is_a_complete_function_app_root(string appFolder, string workerAssembly)
    {
        string root = LocalFunctionsHostProcess.BuildOutputOf(appFolder);

        using JsonDocument host = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "host.json")));
        using JsonDocument worker = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "worker.config.json")));
        using JsonDocument metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "functions.metadata")));

        host.RootElement.GetProperty("version").GetString().Should().Be("2.0");
        host.RootElement.TryGetProperty("customHandler", out _).Should().BeFalse("the apps are standard isolated workers");
        worker.RootElement.GetProperty("description").GetProperty("language").GetString().Should().Be("dotnet-isolated");
        string assembly = worker.RootElement.GetProperty("description").GetProperty("defaultWorkerPath").GetString()!;
        assembly.Should().Be(workerAssembly);
        File.Exists(Path.Combine(root, assembly)).Should().BeTrue("the worker assembly sits at the app root");
        JsonElement health = metadata.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "health");
        health.GetProperty("bindings")[0].GetProperty("type").GetString().Should().Be("httpTrigger");
        Directory.GetFiles(root, "function.json", SearchOption.AllDirectories).Should().BeEmpty("the SDK's functions.metadata describes the functions");
    }

    [Fact]
    public async Task Unknown_route_answers_a_problem_not_a_crash()
    {
        await using LocalFunctionsHostProcess host = await LocalFunctionsHostProcess.StartAsync([LocalFunctionsHostProcess.BuildOutputOf("Scoring")], AppSettings.Minimal);
        using HttpClient http = host.CreateClient();

        using HttpResponseMessage response = await http.GetAsync(new Uri("/api/nope", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
    }
}
