using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ModelOps.Testing;

namespace LocalFunctionsHost.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class HttpFrontDoorTests(AzuriteFixture azurite)
{
    private static readonly Dictionary<string, string> Functions = new()
    {
        ["Score"] = """{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"function","methods":["post"],"route":"score/{model}"},{"type":"http","direction":"out","name":"res"}]}""",
        ["Admin"] = """{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"admin","route":"admin/ping"},{"type":"http","direction":"out","name":"res"}]}""",
        ["Open"] = """{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"anonymous","methods":["get"]},{"type":"http","direction":"out","name":"res"}]}""",
    };

    [Fact]
    public async Task Request_without_a_key_to_a_function_route_gets_401_and_never_reaches_the_handler()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, Functions);
        using var http = new HttpClient { BaseAddress = app.FrontDoor };

        using HttpResponseMessage noKey = await http.PostAsync(new Uri("api/score/churn", UriKind.Relative), new StringContent("{}"));
        using HttpResponseMessage wrongKey = await http.PostAsync(new Uri("api/score/churn?code=nope", UriKind.Relative), new StringContent("{}"));

        noKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        noKey.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        wrongKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        app.Records().Should().BeEmpty();
    }

    [Fact]
    public async Task Keyed_request_is_forwarded_raw_with_the_api_path_query_headers_and_body()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, Functions);
        using var http = new HttpClient { BaseAddress = app.FrontDoor };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/score/churn?explain=true");
        request.Headers.Add("x-functions-key", TestApp.FunctionKey);
        request.Headers.Add("X-Custom", "kept");
        request.Content = new StringContent("""{"rows":[1]}""", Encoding.UTF8, "application/json");

        using HttpResponseMessage response = await http.SendAsync(request);
        JsonElement echo = await response.Content.ReadFromJsonAsync<JsonElement>();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("X-Echo").Should().Equal("yes");
        echo.GetProperty("method").GetString().Should().Be("POST");
        echo.GetProperty("url").GetString().Should().Be("/api/score/churn?explain=true");
        echo.GetProperty("headers").GetProperty("x-custom").GetString().Should().Be("kept");
        echo.GetProperty("headers").GetProperty("x-azure-functions-invocationid").GetString().Should().NotBeNullOrEmpty();
        echo.GetProperty("body").GetString().Should().Be("""{"rows":[1]}""");
    }

    [Fact]
    public async Task Admin_routes_take_only_the_master_key_and_methods_are_enforced()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, Functions);
        using var http = new HttpClient { BaseAddress = app.FrontDoor };

        using HttpResponseMessage withFunctionKey = await http.GetAsync(new Uri($"api/admin/ping?code={TestApp.FunctionKey}", UriKind.Relative));
        using HttpResponseMessage withMasterKey = await http.GetAsync(new Uri($"api/admin/ping?code={TestApp.MasterKey}", UriKind.Relative));
        using HttpResponseMessage wrongMethod = await http.GetAsync(new Uri($"api/score/churn?code={TestApp.FunctionKey}", UriKind.Relative));
        using HttpResponseMessage anonymous = await http.GetAsync(new Uri("api/Open", UriKind.Relative));
        using HttpResponseMessage unknown = await http.GetAsync(new Uri("api/nothing-here", UriKind.Relative));

        withFunctionKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        withMasterKey.StatusCode.Should().Be(HttpStatusCode.OK);
        wrongMethod.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        anonymous.StatusCode.Should().Be(HttpStatusCode.OK);
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Without_forwarding_the_request_arrives_as_data_req_and_outputs_res_is_the_answer()
    {
        var outputs = new System.Text.Json.Nodes.JsonObject
        {
            ["OutputHttp"] = new System.Text.Json.Nodes.JsonObject
            {
                ["res"] = new System.Text.Json.Nodes.JsonObject { ["statusCode"] = "201", ["body"] = "created", ["headers"] = new System.Text.Json.Nodes.JsonObject { ["X-Made"] = "by-envelope" } },
            },
        };
        var functions = new Dictionary<string, string>
        {
            ["OutputHttp"] = """{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"anonymous","route":"items/{id:int}"},{"type":"http","direction":"out","name":"res"}]}""",
        };
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, functions, forwarding: false, outputs: outputs);
        using var http = new HttpClient { BaseAddress = app.FrontDoor };

        using HttpResponseMessage response = await http.PostAsync(new Uri("api/items/42?x=1", UriKind.Relative), new StringContent("hello"));
        JsonElement envelope = app.Invocations("OutputHttp").Single();
        JsonElement req = envelope.GetProperty("Data").GetProperty("req");

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        (await response.Content.ReadAsStringAsync()).Should().Be("created");
        response.Headers.GetValues("X-Made").Should().Equal("by-envelope");
        req.GetProperty("Method").GetString().Should().Be("POST");
        req.GetProperty("Query").GetProperty("x").GetString().Should().Be("1");
        req.GetProperty("Params").GetProperty("id").GetString().Should().Be("42");
        req.GetProperty("Body").GetString().Should().Be("hello");
        req.GetProperty("Headers").ValueKind.Should().Be(JsonValueKind.Object);
        envelope.GetProperty("Metadata").GetProperty("sys").GetProperty("MethodName").GetString().Should().Be("OutputHttp");
    }

    [Fact]
    public async Task A_handler_that_dies_is_restarted()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, Functions);
        using var http = new HttpClient { BaseAddress = app.FrontDoor };

        app.Host.Handler.KillForTest();
        await TestApp.WaitUntilAsync(() => Task.FromResult(app.Host.Handler.Restarts == 1), "the handler to restart");
        using HttpResponseMessage response = await http.GetAsync(new Uri("api/Open", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
