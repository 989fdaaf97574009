using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelOps.Scoring.Tests;
using Xunit.Abstractions;

namespace ModelOps.Scoring.Functions.Tests;

/// <summary>Routing set through the registry API (<c>PUT …/routing</c>) and served by the Scoring app: split, stickiness, shadow, kill switch.</summary>
[Collection(ScoringCollection.Name)]
public sealed class RoutingTests(ScoringStack stack, ITestOutputHelper output)
{
    private const int Keys = 10_000;

    [Fact]
    public async Task A_90_10_split_over_10000_keys_lands_within_2_points_and_a_key_always_gets_the_same_alias()
    {
        const string model = "split";
        await stack.RegisterAsync(model, TestArtifacts.TelcoGlm, alias: "champion");
        await stack.MoveAsync(model, "challenger", await stack.RegisterAsync(model, TestArtifacts.TelcoGbdt));
        using HttpResponseMessage routed = await stack.PutRoutingAsync(model, new
        {
            weights = new[] { new { alias = "champion", weight = 90 }, new { alias = "challenger", weight = 10 } },
            keyField = "customer_id",
        });
        routed.StatusCode.Should().Be(HttpStatusCode.OK, await routed.Content.ReadAsStringAsync());

        Dictionary<string, string> first = await AssignAsync(model, reverse: false);
        Dictionary<string, string> again = await AssignAsync(model, reverse: true);

        first.Should().HaveCount(Keys);
        double challenger = first.Values.Count(a => a == "challenger") / (double)Keys;
        output.WriteLine($"challenger share over {Keys} keys: {challenger:P2}");
        challenger.Should().BeInRange(0.08, 0.12);
        first.Values.Should().OnlyContain(a => a == "champion" || a == "challenger");
        again.Should().Equal(first, "the same key lands on the same alias however it is batched");
    }

    [Fact]
    public async Task Shadow_results_are_in_the_payload_logs_and_never_in_responses()
    {
        const string model = "shadowed";
        await stack.RegisterAsync(model, TestArtifacts.TelcoGlm, alias: "champion");
        await stack.MoveAsync(model, "shadow", await stack.RegisterAsync(model, TestArtifacts.TelcoGbdt));
        (await stack.PutRoutingAsync(model, new { weights = new[] { new { alias = "champion", weight = 1 } }, shadowAlias = "shadow" }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        string[] ids = Enumerable.Range(0, 20).Select(i => "shadow-req-" + i).ToArray();

        var answers = new List<JsonElement>();
        foreach (string id in ids)
        {
            using HttpResponseMessage response = await ScoringStack.ScoreAsync(stack.Scoring, model, TestArtifacts.TelcoRowsJson(20, 3), requestId: id);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            answers.Add(await response.Content.ReadFromJsonAsync<JsonElement>());
        }

        answers.SelectMany(a => a.GetProperty("rows").EnumerateArray()).Should().OnlyContain(r => r.GetProperty("alias").GetString() == "champion" && r.GetProperty("version").GetInt32() == 1);
        IReadOnlyList<JsonElement> records = await WaitForAsync(async () => await stack.PayloadRecordsAsync(model),
            r => ids.All(id => r.Any(x => Is(x, id, shadow: true))), TimeSpan.FromSeconds(60));
        foreach (string id in ids)
        {
            records.Where(r => Is(r, id, shadow: true)).Should().HaveCount(3).And.OnlyContain(r => r.GetProperty("alias").GetString() == "shadow" && r.GetProperty("version").GetInt32() == 2);
            records.Where(r => Is(r, id, shadow: false)).Should().HaveCount(3).And.OnlyContain(r => r.GetProperty("alias").GetString() == "champion");
        }
    }

    [Fact]
    public async Task The_kill_switch_answers_503_with_retry_after_or_serves_the_fallback_alias()
    {
        const string model = "killed";
        await stack.RegisterAsync(model, TestArtifacts.TelcoGlm, alias: "champion");
        await stack.MoveAsync(model, "safe", await stack.RegisterAsync(model, TestArtifacts.TelcoGbdt));
        using HttpResponseMessage off = await stack.PutRoutingAsync(model, new { weights = new[] { new { alias = "champion", weight = 1 } }, enabled = false, retryAfterSeconds = 42 });
        string etag = off.Headers.ETag!.ToString();

        using HttpResponseMessage refused = await ScoringStack.ScoreAsync(stack.Scoring, model, TestArtifacts.TelcoRowsJson(0, 1));

        refused.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        refused.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(42));
        (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Be("Scoring switched off");

        using HttpResponseMessage stale = await stack.PutRoutingAsync(model, new { weights = new[] { new { alias = "champion", weight = 1 } } }, ifMatch: "W/\"stale\"");
        stale.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
        using HttpResponseMessage fallback = await stack.PutRoutingAsync(model, new { weights = new[] { new { alias = "champion", weight = 1 } }, enabled = false, fallbackAlias = "safe" }, etag);
        fallback.StatusCode.Should().Be(HttpStatusCode.OK);

        // The app re-reads routing every poll interval.
        JsonElement served = await WaitForAsync(
            async () => await (await ScoringStack.ScoreAsync(stack.Scoring, model, TestArtifacts.TelcoRowsJson(0, 1))).Content.ReadFromJsonAsync<JsonElement>(),
            a => a.TryGetProperty("rows", out _), TimeSpan.FromSeconds(60));
        served.GetProperty("rows")[0].GetProperty("alias").GetString().Should().Be("safe");
    }

    [Fact]
    public async Task Every_routing_change_is_in_the_sealed_audit_log_naming_who_changed_what()
    {
        const string model = "audited";
        await stack.RegisterAsync(model, TestArtifacts.TelcoGlm, alias: "champion");
        await stack.MoveAsync(model, "challenger", await stack.RegisterAsync(model, TestArtifacts.TelcoGbdt));
        using HttpResponseMessage created = await stack.PutRoutingAsync(model, new { weights = new[] { new { alias = "champion", weight = 1 } }, reason = "start" });
        using HttpResponseMessage changed = await stack.PutRoutingAsync(model, new
        {
            weights = new[] { new { alias = "champion", weight = 90 }, new { alias = "challenger", weight = 10 } },
            keyField = "customer_id",
            reason = "try the challenger on a tenth",
        }, created.Headers.ETag!.ToString());
        changed.StatusCode.Should().Be(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());

        JsonElement[] routingEntries = (await stack.Pipelines.GetFromJsonAsync<JsonElement[]>($"/api/models/{model}/audit"))!
            .Where(e => e.GetProperty("action").GetString() == "routing").ToArray();
        JsonElement verification = (await stack.Pipelines.GetFromJsonAsync<JsonElement>($"/api/models/{model}/audit/verify"))!;

        routingEntries.Should().HaveCount(2);
        routingEntries[0].GetProperty("before").GetString().Should().BeEmpty();
        routingEntries[0].GetProperty("after").GetString().Should().Be("champion 1; enabled");
        routingEntries[1].GetProperty("before").GetString().Should().Be("champion 1; enabled");
        routingEntries[1].GetProperty("after").GetString().Should().Be("champion 90, challenger 10; key customer_id; enabled");
        routingEntries[1].GetProperty("reason").GetString().Should().Be("try the challenger on a tenth");
        routingEntries.Should().OnlyContain(e => e.GetProperty("principal").GetString()!.StartsWith("key:", StringComparison.Ordinal));
        verification.GetProperty("intact").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task A_routing_naming_an_alias_the_model_lacks_is_refused_naming_the_field()
    {
        const string model = "misrouted";
        await stack.RegisterAsync(model, TestArtifacts.TelcoGlm, alias: "champion");

        using HttpResponseMessage response = await stack.PutRoutingAsync(model, new { weights = new[] { new { alias = "champion", weight = 9 }, new { alias = "nobody", weight = 1 } } });
        using HttpResponseMessage unconditional = await stack.Pipelines.PutAsJsonAsync("/api/models/misrouted/routing", new { weights = new[] { new { alias = "champion", weight = 1 } } });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString().Should().Be("weights.alias");
        unconditional.StatusCode.Should().Be((HttpStatusCode)428);
    }

    private static bool Is(JsonElement record, string requestId, bool shadow) =>
        record.GetProperty("requestId").GetString() == requestId && (record.TryGetProperty("shadow", out JsonElement s) && s.GetBoolean()) == shadow;

    /// <summary>
    /// Scores every key once and returns the alias each key was served by. The second pass sends the keys in reverse,
    /// in other batch sizes and with other rows' features, so only the key can make the assignment repeat.
    /// </summary>
    private async Task<Dictionary<string, string>> AssignAsync(string model, bool reverse)
    {
        string[] telco = Enumerable.Range(0, 1409).Select(r => RowOf(TestArtifacts.TelcoRowsJson(r, 1))).ToArray();
        int[] keys = Enumerable.Range(0, Keys).ToArray();
        if (reverse)
        {
            Array.Reverse(keys);
        }

        int batch = reverse ? 400 : 500;
        var assigned = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (int[] chunk in keys.Chunk(batch))
        {
            string body = "{\"rows\":[" + string.Join(',', chunk.Select(k => "{\"customer_id\":\"key-" + k + "\"," + telco[(reverse ? (k * 7) + 3 : k) % telco.Length][1..])) + "]}";
            using HttpResponseMessage response = await ScoringStack.ScoreAsync(stack.Scoring, model, body);
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            foreach (JsonElement row in (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows").EnumerateArray())
            {
                assigned[row.GetProperty("key").GetString()!] = row.GetProperty("alias").GetString()!;
            }
        }

        return assigned;
    }

    /// <summary>The one row object of a <c>{"rows":[{…}],"explain":0}</c> body.</summary>
    private static string RowOf(string body) => body[(body.IndexOf('[', StringComparison.Ordinal) + 1)..body.LastIndexOf(']')];

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            T value = await read();
            if (done(value) || waited.Elapsed > timeout)
            {
                return value;
            }

            await Task.Delay(250);
        }
    }
}
