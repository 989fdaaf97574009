using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ModelOps.Functions.Tests;

/// <summary>
/// How the registry API answers people and scripts (issue 16 item 5): where malformed JSON breaks, 404 for the audit of
/// a model that does not exist, the caller recorded in the audit, and alias moves that must be conditional and give a reason.
/// </summary>
public sealed partial class RegistryApiTests
{
    private const string FirstCut = """{"reason":"first cut","metrics":{"auroc":0.8}}""";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Malformed_json_is_a_400_problem_naming_line_and_byte()
    {
        using HttpResponseMessage response = await PutAliasAsync("champion", Json("{\n  \"version\": 1,\n  \"reason\": launch\n}"), ("If-None-Match", "*"));

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

    /// <summary>
    /// What a call with the <c>default</c> function key and no signed-in principal is recorded as: the key's name when the
    /// host tells the worker which key it was, else <c>key:unnamed</c> (the host passes no key identity to a worker on the
    /// ASP.NET Core integration, in Azure as here); never <c>anonymous</c>.
    /// </summary>
    private static readonly string[] KeyedPrincipals = ["key:default", "key:unnamed"];

    [Fact]
    public async Task A_keyed_call_without_a_signed_in_principal_is_audited_as_the_key_never_as_anonymous()
    {
        (await RegisterAsync("churn", Linear(), FirstCut, principal: null)).StatusCode.Should().Be(HttpStatusCode.Created, _app.Output);

        JsonElement audit = await _http.GetFromJsonAsync<JsonElement>("/api/models/churn/audit");

        audit.GetArrayLength().Should().Be(1);
        audit[0].GetProperty("principal").GetString().Should().BeOneOf(KeyedPrincipals);
    }

    [Fact]
    public async Task An_alias_move_without_if_match_is_a_428_problem_and_moves_nothing()
    {
        (await RegisterAsync("churn", Linear(), FirstCut)).StatusCode.Should().Be(HttpStatusCode.Created, _app.Output);

        using HttpResponseMessage response = await PutAliasAsync("champion", Json("""{"version":1,"reason":"launch"}"""), precondition: null);

        response.StatusCode.Should().Be((HttpStatusCode)428);
        (await ProblemOf(response)).GetProperty("header").GetString().Should().Be("If-Match");
        (await _http.GetAsync(new Uri("/api/models/churn/aliases/champion", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_alias_move_without_a_reason_is_a_400_naming_reason()
    {
        (await RegisterAsync("churn", Linear(), FirstCut)).StatusCode.Should().Be(HttpStatusCode.Created, _app.Output);

        using HttpResponseMessage response = await PutAliasAsync("champion", Json("""{"version":1}"""), ("If-None-Match", "*"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ProblemOf(response)).GetProperty("field").GetString().Should().Be("reason");
    }

    [Fact]
    public async Task Creating_an_alias_that_exists_is_a_412_and_keeps_it()
    {
        (await RegisterAsync("churn", Linear(), FirstCut)).StatusCode.Should().Be(HttpStatusCode.Created, _app.Output);
        (await MoveAsync("champion", 1, "launch", null, "bob")).StatusCode.Should().Be(HttpStatusCode.OK);

        using HttpResponseMessage again = await MoveAsync("champion", 1, "again", null, "bob");

        again.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
        JsonElement audit = await _http.GetFromJsonAsync<JsonElement>("/api/models/churn/audit");
        audit.EnumerateArray().Count(e => e.GetProperty("action").GetString() == "alias").Should().Be(1);
    }

    [Fact]
    public async Task Registering_identical_bytes_again_answers_200_with_the_existing_version()
    {
        (await RegisterAsync("churn", Linear(0.3f), FirstCut)).StatusCode.Should().Be(HttpStatusCode.Created, _app.Output);

        using HttpResponseMessage again = await RegisterAsync("churn", Linear(0.3f), FirstCut);

        again.StatusCode.Should().Be(HttpStatusCode.OK);
        again.Content.Headers.ContentLocation!.ToString().Should().Be("/api/models/churn/versions/1");
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32().Should().Be(1);
        (await _http.GetFromJsonAsync<JsonElement>("/api/models/churn")).GetProperty("versions").GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task An_unknown_metadata_field_is_a_400_naming_it()
    {
        using HttpResponseMessage response = await RegisterAsync("churn", Linear(), """{"reason":"first cut","metricz":{"auroc":0.8}}""");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ProblemOf(response)).GetProperty("field").GetString().Should().Be("metricz");
    }

    [Fact]
    public async Task Champion_moves_to_a_version_without_metrics_only_when_forced()
    {
        (await RegisterAsync("churn", Linear(), """{"reason":"no metrics"}""")).StatusCode.Should().Be(HttpStatusCode.Created, _app.Output);

        using HttpResponseMessage refused = await PutAliasAsync("champion", Json("""{"version":1,"reason":"launch"}"""), ("If-None-Match", "*"));
        using HttpResponseMessage forced = await PutAliasAsync("champion", Json("""{"version":1,"reason":"launch","force":true}"""), ("If-None-Match", "*"));

        refused.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await ProblemOf(refused)).GetProperty("detail").GetString().Should().Contain("held-out metrics");
        forced.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
