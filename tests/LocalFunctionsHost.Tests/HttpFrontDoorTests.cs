using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ModelOps.Testing;

namespace LocalFunctionsHost.Tests;

/// <summary>The front door through the worker protocol: keys, routes, methods, bodies, streaming, aborts.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class HttpFrontDoorTests(AzuriteFixture azurite)
{
    private static readonly string[] HttpFunctions = ["Echo", "Admin", "Open", "Upload", "Stream"];

    [Fact]
    public async Task Request_without_a_key_or_with_a_wrong_one_gets_a_401_problem_and_never_reaches_the_function()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, HttpFunctions);
        using var http = new HttpClient { BaseAddress = app.FrontDoor };

        using HttpResponseMessage noKey = await http.PostAsync(new Uri("api/score/churn", UriKind.Relative), new StringContent("{}"));
        using HttpResponseMessage wrongKey = await http.PostAsync(new Uri("api/score/churn?code=nope", UriKind.Relative), new StringContent("{}"));
        JsonElement noKeyProblem = await noKey.Content.ReadFromJsonAsync<JsonElement>();
        JsonElement wrongKeyProblem = await wrongKey.Content.ReadFromJsonAsync<JsonElement>();

        noKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        noKey.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        wrongKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        noKeyProblem.GetProperty("detail").GetString().Should().Contain("needs a key");
        wrongKeyProblem.GetProperty("detail").GetString().Should().Contain("not valid");
        app.Records("Echo").Should().BeEmpty();
    }

    [Fact]
    public async Task Keyed_request_reaches_the_function_with_its_path_query_headers_body_and_route_value()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, HttpFunctions);
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
        echo.GetProperty("path").GetString().Should().Be("/api/score/churn");
        echo.GetProperty("query").GetString().Should().Be("?explain=true");
        echo.GetProperty("custom").GetString().Should().Be("kept");
        echo.GetProperty("body").GetString().Should().Be("""{"rows":[1]}""");
        echo.GetProperty("model").GetString().Should().Be("churn");
        Guid.TryParse(echo.GetProperty("invocationId").GetString(), out _).Should().BeTrue();
        app.Records("Echo").Should().ContainSingle();
    }

    [Fact]
    public async Task Admin_routes_take_only_the_master_key_and_methods_and_routes_are_enforced()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, HttpFunctions);
        using var http = new HttpClient { BaseAddress = app.FrontDoor };

        using HttpResponseMessage withFunctionKey = await http.GetAsync(new Uri($"api/admin/ping?code={TestApp.FunctionKey}", UriKind.Relative));
        using HttpResponseMessage withMasterKey = await http.GetAsync(new Uri($"api/admin/ping?code={TestApp.MasterKey}", UriKind.Relative));
        using HttpResponseMessage wrongMethod = await http.GetAsync(new Uri($"api/score/churn?code={TestApp.FunctionKey}", UriKind.Relative));
        using HttpResponseMessage anonymous = await http.GetAsync(new Uri("api/Open", UriKind.Relative));
        using HttpResponseMessage unknown = await http.GetAsync(new Uri("api/nothing-here", UriKind.Relative));
        using HttpResponseMessage outsidePrefix = await http.GetAsync(new Uri("Open", UriKind.Relative));
        JsonElement functionKeyProblem = await withFunctionKey.Content.ReadFromJsonAsync<JsonElement>();

        withFunctionKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        functionKeyProblem.GetProperty("detail").GetString().Should().Contain("master key");
        withMasterKey.StatusCode.Should().Be(HttpStatusCode.OK);
        wrongMethod.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        anonymous.StatusCode.Should().Be(HttpStatusCode.OK);
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        outsidePrefix.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_10_MB_request_body_streams_to_the_function_intact()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, HttpFunctions);
        using var http = new HttpClient { BaseAddress = app.FrontDoor, Timeout = TimeSpan.FromMinutes(2) };
        byte[] body = new byte[10 * 1024 * 1024];
        new Random(10).NextBytes(body);

        using HttpResponseMessage response = await http.PostAsync(new Uri("api/upload", UriKind.Relative), new ByteArrayContent(body));
        JsonElement received = await response.Content.ReadFromJsonAsync<JsonElement>();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        received.GetProperty("length").GetInt64().Should().Be(body.Length);
        received.GetProperty("sha256").GetString().Should().Be(Convert.ToHexString(SHA256.HashData(body)));
    }

    [Fact]
    public async Task A_declared_body_over_the_apps_limit_gets_a_413_problem_before_it_is_read_or_reaches_the_function()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, HttpFunctions, new Dictionary<string, string>
        {
            ["FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"] = "1048576",
        });

        // Raw HTTP: the client declares 2 GB but sends only a few bytes, so only an answer given before the body is read can come back.
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, app.FrontDoor.Port);
        await using System.Net.Sockets.NetworkStream stream = client.GetStream();
        byte[] head = Encoding.ASCII.GetBytes("POST /api/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2147483648\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(head);
        await stream.WriteAsync(new byte[4096]);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        string answer = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(1));

        answer.Should().StartWith("HTTP/1.1 413");
        answer.Should().Contain("application/problem+json").And.Contain("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT");
        app.Records("Upload").Should().BeEmpty();
    }

    [Fact]
    public async Task A_streamed_response_arrives_before_it_ends_and_a_client_abort_reaches_the_function()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, HttpFunctions);
        using var http = new HttpClient { BaseAddress = app.FrontDoor };

        using (HttpResponseMessage response = await http.GetAsync(new Uri("api/stream/600", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            string? first = await reader.ReadLineAsync();
            first.Should().Be("line 0", "the first line comes through while the function is still writing (60 s in all)");
        }

        await TestApp.WaitUntilAsync(() => Task.FromResult(app.Records("Stream").Count == 1), "the function to see the abort");
        app.Records("Stream").Single().TryGetProperty("aborted", out _).Should().BeTrue();
    }

    [Fact]
    public async Task A_worker_that_dies_is_restarted_and_meanwhile_requests_get_a_503_problem_not_a_hang()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, HttpFunctions);
        using var http = new HttpClient { BaseAddress = app.FrontDoor, Timeout = TimeSpan.FromSeconds(30) };

        app.Host.Worker.KillForTest();
        await TestApp.WaitUntilAsync(() => Task.FromResult(app.Host.Worker.Current is null), "the host to notice the worker is gone");
        using HttpResponseMessage whileDown = await http.GetAsync(new Uri("api/Open", UriKind.Relative));
        using HttpResponseMessage statusWhileDown = await http.GetAsync(new Uri($"admin/host/status?code={TestApp.MasterKey}", UriKind.Relative));
        await TestApp.WaitUntilAsync(() => Task.FromResult(app.Host.Worker.Restarts == 1 && app.Host.Worker.Current is not null), "the worker to restart");
        using HttpResponseMessage afterRestart = await http.GetAsync(new Uri("api/Open", UriKind.Relative));
        using HttpResponseMessage statusAfter = await http.GetAsync(new Uri($"admin/host/status?code={TestApp.MasterKey}", UriKind.Relative));

        whileDown.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        whileDown.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        statusWhileDown.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        afterRestart.StatusCode.Should().Be(HttpStatusCode.OK);
        statusAfter.StatusCode.Should().Be(HttpStatusCode.OK);
        (await statusAfter.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString().Should().Be("Running");
    }

    [Fact]
    public async Task Requests_racing_a_worker_restart_each_get_an_answer_and_the_ones_after_succeed()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, HttpFunctions);
        using var http = new HttpClient { BaseAddress = app.FrontDoor, Timeout = TimeSpan.FromSeconds(30) };

        Task<HttpStatusCode>[] racing = Enumerable.Range(0, 40).Select(async i =>
        {
            await Task.Delay(i * 5);
            using HttpResponseMessage r = await http.GetAsync(new Uri("api/Open", UriKind.Relative));
            return r.StatusCode;
        }).ToArray();
        await Task.Delay(60);
        app.Host.Worker.KillForTest();
        HttpStatusCode[] answers = await Task.WhenAll(racing);
        await TestApp.WaitUntilAsync(() => Task.FromResult(app.Host.Worker.Restarts == 1 && app.Host.Worker.Current is not null), "the worker to restart");
        using HttpResponseMessage after = await http.GetAsync(new Uri("api/Open", UriKind.Relative));

        answers.Should().OnlyContain(s => s == HttpStatusCode.OK || s == HttpStatusCode.ServiceUnavailable);
        after.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_status_endpoint_takes_only_the_master_key()
    {
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, HttpFunctions);
        using var http = new HttpClient { BaseAddress = app.FrontDoor };

        using HttpResponseMessage withFunctionKey = await http.GetAsync(new Uri($"admin/host/status?code={TestApp.FunctionKey}", UriKind.Relative));
        using HttpResponseMessage withMasterKey = await http.GetAsync(new Uri($"admin/host/status?code={TestApp.MasterKey}", UriKind.Relative));
        JsonElement status = await withMasterKey.Content.ReadFromJsonAsync<JsonElement>();

        withFunctionKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        withMasterKey.StatusCode.Should().Be(HttpStatusCode.OK);
        status.GetProperty("functions").EnumerateArray().Select(f => f.GetString()).Should().BeEquivalentTo(HttpFunctions);
    }
}
