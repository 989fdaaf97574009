using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ModelOps.Onnx;
using ModelOps.Testing;

namespace ModelOps.Functions.Tests;

/// <summary>The registry's HTTP API in the Pipelines app, run under the local Functions host against Azurite (calls carry the function key).</summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class RegistryApiTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Metadata = """{"description":"Churn risk","owner":"data-team","tags":["churn"],"reason":"first cut","metrics":{"auroc":0.81},"schema":{"inputs":[{"name":"X","elementType":"float","shape":[-1,2]}],"outputs":[{"name":"Y","elementType":"float","shape":[-1,1]}]}}""";
    private LocalFunctionsHostProcess _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = await LocalFunctionsHostProcess.StartAsync([LocalFunctionsHostProcess.BuildOutputOf("Pipelines")], new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Registry__AuditKey"] = AppSettings.AuditKey,
            ["Registry__MaxArtifactBytes"] = "1048576",
            ["Registry__TableName"] = "reg" + AzuriteFixture.UniqueName("api"),
            ["Registry__ArtifactContainer"] = AzuriteFixture.UniqueName("artifacts"),
            // The test plays App Service Authentication: its calls name the signed-in principal.
            ["Callers__TrustPlatformIdentity"] = "true",
        });
        _http = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private static byte[] Linear(float bias = 0.5f) => ModelOps.Testing.TestOnnxModels.Linear(bias);

    private Task<HttpResponseMessage> RegisterAsync(string model, byte[] artifact, string metadata = Metadata, string? principal = "alice")
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(metadata, Encoding.UTF8, "application/json"), "metadata" },
            { new ByteArrayContent(artifact), "artifact", "model.onnx" },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/models/{model}/versions") { Content = form };
        if (principal is not null)
        {
            request.Headers.Add("x-ms-client-principal-name", principal);
        }

        return _http.SendAsync(request);
    }

    /// <summary>Moves an alias with <c>If-Match</c>, or creates it with <c>If-None-Match: *</c> when <paramref name="ifMatch"/> is null.</summary>
    private Task<HttpResponseMessage> MoveAsync(string alias, int version, string reason, string? ifMatch, string principal) =>
        PutAliasAsync(alias, JsonContent.Create(new { version, reason }), ifMatch is null ? ("If-None-Match", "*") : ("If-Match", ifMatch), principal);

    private Task<HttpResponseMessage> PutAliasAsync(string alias, HttpContent body, (string Name, string Value)? precondition, string principal = "bob")
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/models/churn/aliases/{alias}") { Content = body };
        request.Headers.Add("x-ms-client-principal-name", principal);
        if (precondition is { } header)
        {
            request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        }

        return _http.SendAsync(request);
    }

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Register_alias_realias_archive_over_http_is_audited_with_principals_and_reasons()
    {
        (await RegisterAsync("churn", Linear(0.1f))).StatusCode.Should().Be(HttpStatusCode.Created, _app.Output);
        (await RegisterAsync("churn", Linear(0.2f))).StatusCode.Should().Be(HttpStatusCode.Created);
        using HttpResponseMessage first = await MoveAsync("champion", 1, "launch", null, "bob");
        string etag = first.Headers.ETag!.ToString();
        using HttpResponseMessage second = await MoveAsync("champion", 2, "better auc", etag, "carol");
        using HttpResponseMessage stale = await MoveAsync("champion", 1, "roll back", etag, "mallory");
        using HttpResponseMessage archive = await _http.PostAsJsonAsync("/api/models/churn/versions/1/archive", new { reason = "superseded" });

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        stale.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
        (await ProblemOf(stale)).GetProperty("title").GetString().Should().Be("Precondition failed");
        archive.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonElement audit = await _http.GetFromJsonAsync<JsonElement>("/api/models/churn/audit");
        string[] entries = audit.EnumerateArray().Select(e => $"{e.GetProperty("action").GetString()}/{e.GetProperty("principal").GetString()}/{e.GetProperty("reason").GetString()}").ToArray();
        entries[..4].Should().Equal("register/alice/first cut", "register/alice/first cut", "alias/bob/launch", "alias/carol/better auc");
        entries[4].Should().BeOneOf(KeyedPrincipals.Select(p => $"status/{p}/superseded"), "the archive carried only the function key");
        JsonElement verify = await _http.GetFromJsonAsync<JsonElement>("/api/models/churn/audit/verify");
        verify.GetProperty("intact").GetBoolean().Should().BeTrue();
        JsonElement details = await _http.GetFromJsonAsync<JsonElement>("/api/models/churn");
        details.GetProperty("aliases")[0].GetProperty("version").GetInt32().Should().Be(2);
        (await _http.GetFromJsonAsync<JsonElement>("/api/models?tag=churn")).GetArrayLength().Should().Be(1);
        (await _http.GetFromJsonAsync<JsonElement>("/api/models/churn/card")).TryGetProperty("intendedUse", out _).Should().BeTrue();
    }

    [Theory]
    [InlineData("churn%0Ax")]
    [InlineData("churn%7F")]
    [InlineData("-churn")]
    [InlineData("x123456789x123456789x123456789x123456789x123456789x123456789x1234")]
    public async Task Hostile_model_names_are_a_400_problem_naming_the_field(string name)
    {
        using HttpResponseMessage response = await RegisterAsync(name, Linear());

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, _app.Output);
        (await ProblemOf(response)).GetProperty("field").GetString().Should().Be("model");
        (await _http.GetFromJsonAsync<JsonElement>("/api/models")).GetArrayLength().Should().Be(0);
    }

    [Theory]
    [InlineData("/api/models/../versions")]
    [InlineData("/api/models/%2e%2e/versions")]
    [InlineData("/api/models/%2E%2E%2Fx/versions")]
    [InlineData("/api/models/churn%00/versions")]
    public async Task Dot_segments_and_nul_never_reach_a_registry_function(string path)
    {
        using HttpResponseMessage response = await _http.PostAsync(new Uri(path, UriKind.Relative), new StringContent("x"));

        ((int)response.StatusCode).Should().BeOneOf(400, 404);
        (await _http.GetFromJsonAsync<JsonElement>("/api/models")).GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Corrupted_onnx_is_a_422_problem_listing_the_reason_and_nothing_is_stored()
    {
        using HttpResponseMessage response = await RegisterAsync("churn", Linear()[..40]);

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await ProblemOf(response)).GetProperty("reasons")[0].GetString().Should().Contain("does not load");
        (await _http.GetAsync(new Uri("/api/models/churn", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Duplicate_version_number_is_a_409_problem_and_changes_nothing()
    {
        const string v1 = """{"version":1,"reason":"first"}""";
        (await RegisterAsync("churn", Linear(0.1f), v1)).StatusCode.Should().Be(HttpStatusCode.Created);
        string before = await _http.GetStringAsync(new Uri("/api/models/churn/audit", UriKind.Relative));

        using HttpResponseMessage response = await RegisterAsync("churn", Linear(0.2f), v1);

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await ProblemOf(response)).GetProperty("title").GetString().Should().Be("Duplicate version");
        (await _http.GetStringAsync(new Uri("/api/models/churn/audit", UriKind.Relative))).Should().Be(before);
    }

    [Fact]
    public async Task A_2GB_declared_upload_is_refused_with_413_before_the_body_is_read()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _app.Port);
        NetworkStream stream = client.GetStream();
        string head = $"POST /api/models/churn/versions HTTP/1.1\r\nHost: 127.0.0.1\r\nx-functions-key: {_app.FunctionKey}\r\n" +
            "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 2147483648\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(new byte[4096]);

        using var reader = new StreamReader(stream, Encoding.ASCII);
        string? status = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));

        status.Should().StartWith("HTTP/1.1 413");
        (await _http.GetAsync(new Uri("/api/models/churn", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_model_is_a_404_problem()
    {
        using HttpResponseMessage response = await _http.GetAsync(new Uri("/api/models/nobody/versions/1", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ProblemOf(response)).GetProperty("title").GetString().Should().Be("Not found");
    }
}
