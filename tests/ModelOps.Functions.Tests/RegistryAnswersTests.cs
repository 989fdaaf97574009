using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ModelOps.Testing;

namespace ModelOps.Functions.Tests;

/// <summary>
/// How the registry API answers people and scripts over HTTP: where malformed JSON breaks, 404 for the audit of a
/// model that does not exist, the caller recorded in the audit, and alias moves that must be conditional and give a reason.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RegistryAnswersTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private LocalFunctionsHostProcess _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = await LocalFunctionsHostProcess.StartAsync([LocalFunctionsHostProcess.BuildOutputOf("Pipelines")], new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Registry__AuditKey"] = AppSettings.AuditKey,
            ["Registry__TableName"] = "reg" + AzuriteFixture.UniqueName("ans"),
            ["Registry__ArtifactContainer"] = AzuriteFixture.UniqueName("answers"),
        });
        _http = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<HttpResponseMessage> RegisterAsync(string model)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("""{"reason":"first cut"}""", Encoding.UTF8, "application/json"), "metadata" },
            { new ByteArrayContent(TestOnnxModels.Linear(0.3f)), "artifact", "model.onnx" },
        };
        return await _http.PostAsync(new Uri($"/api/models/{model}/versions", UriKind.Relative), form);
    }

    private Task<HttpResponseMessage> PutAliasAsync(string body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/models/churn/aliases/champion")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        foreach ((string name, string value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return _http.SendAsync(request);
    }

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_naming_line_and_byte()
    {
        using HttpResponseMessage response = await PutAliasAsync("{\n  \"version\": 1,\n  \"reason\": launch\n}", ("If-None-Match", "*"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, _app.Output);
        JsonElement problem = await ProblemOf(response);
        problem.GetProperty("title").GetString().Should().Be("Malformed JSON");
        problem.GetProperty("line").GetInt64().Should().Be(3);
        problem.GetProperty("byte").GetInt64().Should().Be(13);
        problem.GetProperty("detail").GetString().Should().Contain("line 3, byte 13");
    }

    [Fact]
    public async Task Audit_of_an_unknown_model_is_a_404_problem()
    {
        using HttpResponseMessage audit = await _http.GetAsync(new Uri("/api/models/nobody/audit", UriKind.Relative));
        using HttpResponseMessage verify = await _http.GetAsync(new Uri("/api/models/nobody/audit/verify", UriKind.Relative));

        audit.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ProblemOf(audit)).GetProperty("detail").GetString().Should().Contain("nobody");
        verify.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_keyed_call_without_a_signed_in_principal_is_audited_under_the_keys_name()
    {
        (await RegisterAsync("churn")).StatusCode.Should().Be(HttpStatusCode.Created, _app.Output);

        JsonElement audit = await _http.GetFromJsonAsync<JsonElement>("/api/models/churn/audit");

        audit.EnumerateArray().Select(e => e.GetProperty("principal").GetString()).Should().Equal("key:default");
    }

    [Fact]
    public async Task An_alias_move_without_if_match_is_a_428_problem_and_moves_nothing()
    {
        (await RegisterAsync("churn")).StatusCode.Should().Be(HttpStatusCode.Created, _app.Output);

        using HttpResponseMessage response = await PutAliasAsync("""{"version":1,"reason":"launch"}""");

        response.StatusCode.Should().Be((HttpStatusCode)428);
        (await ProblemOf(response)).GetProperty("header").GetString().Should().Be("If-Match");
        (await _http.GetAsync(new Uri("/api/models/churn/aliases/champion", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_alias_move_without_a_reason_is_a_400_naming_reason()
    {
        (await RegisterAsync("churn")).StatusCode.Should().Be(HttpStatusCode.Created, _app.Output);

        using HttpResponseMessage response = await PutAliasAsync("""{"version":1}""", ("If-None-Match", "*"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ProblemOf(response)).GetProperty("field").GetString().Should().Be("reason");
    }

    [Fact]
    public async Task Creating_an_alias_that_exists_is_a_412_and_keeps_it()
    {
        (await RegisterAsync("churn")).StatusCode.Should().Be(HttpStatusCode.Created, _app.Output);
        (await PutAliasAsync("""{"version":1,"reason":"launch"}""", ("If-None-Match", "*"))).StatusCode.Should().Be(HttpStatusCode.OK);

        using HttpResponseMessage again = await PutAliasAsync("""{"version":1,"reason":"again"}""", ("If-None-Match", "*"));

        again.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
        JsonElement audit = await _http.GetFromJsonAsync<JsonElement>("/api/models/churn/audit");
        audit.EnumerateArray().Count(e => e.GetProperty("action").GetString() == "alias").Should().Be(1);
    }
}
