using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOps.Hosting;
using ModelOps.Hosting.Registry;
using ModelOps.Registry;
using Moq;

namespace ModelOps.Functions.Tests;

/// <summary>The worker middleware that turns exceptions into RFC 7807 problems, run without a host.</summary>
public sealed class ProblemMiddlewareTests
{
    // Where the worker's ASP.NET Core integration keeps the invocation's HttpContext (FunctionContext.GetHttpContext reads it).
    private const string HttpContextItem = "HttpRequestContext";

    private static readonly ProblemMiddleware Middleware = new([new RegistryProblemMapping()], NullLogger<ProblemMiddleware>.Instance);

    private static FunctionContext Context(HttpContext? http)
    {
        var items = new Dictionary<object, object>();
        if (http is not null)
        {
            items[HttpContextItem] = http;
        }

        var definition = new Mock<FunctionDefinition>();
        definition.SetupGet(d => d.Name).Returns("registry-register");
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.Items).Returns(items);
        context.SetupGet(c => c.FunctionDefinition).Returns(definition.Object);
        context.SetupGet(c => c.CancellationToken).Returns(CancellationToken.None);
        return context.Object;
    }

    private static async Task<(int Status, string? ContentType, JsonElement Body)> InvokeAsync(Exception exception)
    {
        var http = new DefaultHttpContext();
        http.Response.Body = new MemoryStream();

        await Middleware.Invoke(Context(http), _ => throw exception);

        http.Response.Body.Position = 0;
        using JsonDocument body = await JsonDocument.ParseAsync(http.Response.Body);
        return (http.Response.StatusCode, http.Response.ContentType, body.RootElement.Clone());
    }

    [Fact]
    public async Task Registry_request_errors_are_400_problems_naming_the_field()
    {
        (int status, string? contentType, JsonElement body) = await InvokeAsync(new InvalidRegistryRequestException("reason", "is required."));

        status.Should().Be(400);
        contentType.Should().StartWith("application/problem+json");
        body.GetProperty("title").GetString().Should().Be("Invalid request");
        body.GetProperty("status").GetInt32().Should().Be(400);
        body.GetProperty("field").GetString().Should().Be("reason");
    }

    [Theory]
    [InlineData(typeof(RegistryNotFoundException), 404)]
    [InlineData(typeof(RegistryPreconditionFailedException), 412)]
    public async Task Registry_exceptions_keep_their_status(Type type, int expected)
    {
        var exception = (Exception)Activator.CreateInstance(type, "it")!;

        (int status, _, JsonElement body) = await InvokeAsync(exception);

        status.Should().Be(expected);
        body.GetProperty("detail").GetString().Should().Contain("it");
    }

    [Fact]
    public async Task Invalid_models_list_every_reason()
    {
        (int status, _, JsonElement body) = await InvokeAsync(new InvalidModelException(["does not load", "no outputs"]));

        status.Should().Be(422);
        body.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).Should().Equal("does not load", "no outputs");
    }

    [Fact]
    public async Task Malformed_json_is_a_400_naming_line_and_byte()
    {
        JsonException parse = Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse("{\n  \"version\": 2,\n  \"reason\": oops\n}"));

        (int status, _, JsonElement body) = await InvokeAsync(parse);

        status.Should().Be(400);
        body.GetProperty("title").GetString().Should().Be("Malformed JSON");
        body.GetProperty("line").GetInt64().Should().Be(3);
        body.GetProperty("byte").GetInt64().Should().Be(13);
        body.GetProperty("detail").GetString().Should().Contain("line 3, byte 13");
    }

    [Fact]
    public async Task A_missing_precondition_is_a_428_naming_the_header()
    {
        (int status, _, JsonElement body) = await InvokeAsync(new PreconditionRequiredException("If-Match", "is required."));

        status.Should().Be(428);
        body.GetProperty("header").GetString().Should().Be("If-Match");
    }

    [Fact]
    public async Task Unexpected_exceptions_are_500_problems_that_reveal_nothing()
    {
        (int status, _, JsonElement body) = await InvokeAsync(new InvalidOperationException("connection string AccountKey=secret"));

        status.Should().Be(500);
        body.GetRawText().Should().NotContain("secret").And.NotContain("InvalidOperationException");
    }

    [Fact]
    public void A_request_the_client_aborted_is_499_not_500()
    {
        using var aborted = new CancellationTokenSource();
        aborted.Cancel();

        ProblemDetails problem = Middleware.Map(new OperationCanceledException(aborted.Token), aborted.Token);

        problem.Status.Should().Be(499);
    }

    [Fact]
    public async Task Failures_of_non_http_triggers_are_rethrown_for_the_host_to_retry()
    {
        Func<Task> invoke = () => Middleware.Invoke(Context(null), _ => throw new RegistryNotFoundException("queue message"));

        await invoke.Should().ThrowAsync<RegistryNotFoundException>();
    }

    [Fact]
    public void The_key_name_comes_from_the_hosts_key_id_claim()
    {
        var user = new ClaimsIdentity();
        var key = new ClaimsIdentity([new Claim(CallerPrincipal.KeyIdClaim, "default")], "WebJobsAuthLevel");

        CallerPrincipal.KeyName([user, key]).Should().Be("default");
        CallerPrincipal.KeyName([user]).Should().BeNull();
    }

    [Theory]
    [InlineData("""[{"authenticationType":{"value":"WebJobsAuthLevel"},"claims":[{"type":"http://schemas.microsoft.com/2017/07/functions/claims/authlevel","value":"Function"},{"type":"http://schemas.microsoft.com/2017/07/functions/claims/keyid","value":"default"}]}]""", "default")]
    [InlineData("""[{"AuthenticationType":"WebJobsAuthLevel","Claims":[{"Type":"http://schemas.microsoft.com/2017/07/functions/claims/keyid","Value":{"value":"ci"}}]}]""", "ci")]
    [InlineData("""[{"claims":[{"type":"name","value":"x"}]}]""", null)]
    [InlineData("not json", null)]
    [InlineData(null, null)]
    public void The_key_name_is_read_from_the_invocations_identities(string? json, string? expected) =>
        CallerPrincipal.KeyName(json).Should().Be(expected);
}
