using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelOps.Testing;

namespace ModelOps.Functions.Tests;

/// <summary>Both apps start as custom handlers from their build output and answer their health function.</summary>
public sealed class HealthTests
{
    [Theory]
    [InlineData("Scoring")]
    [InlineData("Pipelines")]
    public async Task App_starts_as_a_custom_handler_and_reports_healthy(string appFolder)
    {
        await using FunctionAppProcess app = await FunctionAppProcess.StartAsync(FunctionAppProcess.BuildOutputOf(appFolder), AppSettings.Minimal);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        using HttpResponseMessage response = await http.GetAsync(new Uri("/api/health", UriKind.Relative));
        JsonElement body = await response.Content.ReadFromJsonAsync<JsonElement>();

        response.StatusCode.Should().Be(HttpStatusCode.OK, app.Output);
        body.GetProperty("status").GetString().Should().Be("healthy");
        body.GetProperty("app").GetString().Should().Be(appFolder);
    }

    [Theory]
    [InlineData("Scoring")]
    [InlineData("Pipelines")]
    public void Build_output_is_a_complete_function_app_root(string appFolder)
    {
        string root = FunctionAppProcess.BuildOutputOf(appFolder);

        using JsonDocument host = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "host.json")));
        using JsonDocument health = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "health", "function.json")));

        host.RootElement.GetProperty("version").GetString().Should().Be("2.0");
        host.RootElement.GetProperty("customHandler").GetProperty("description").GetProperty("defaultExecutablePath").GetString()
            .Should().Be("ModelOps." + appFolder);
        File.Exists(Path.Combine(root, "ModelOps." + appFolder)).Should().BeTrue("the handler executable sits at the app root");
        health.RootElement.GetProperty("bindings")[0].GetProperty("type").GetString().Should().Be("httpTrigger");
    }

    [Fact]
    public async Task Unknown_route_answers_a_problem_not_a_crash()
    {
        await using FunctionAppProcess app = await FunctionAppProcess.StartAsync(FunctionAppProcess.BuildOutputOf("Scoring"));
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        using HttpResponseMessage response = await http.GetAsync(new Uri("/api/nope", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
    }
}
