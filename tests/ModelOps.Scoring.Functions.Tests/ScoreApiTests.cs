using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using ModelOps.Scoring.Engines;
using ModelOps.Scoring.Tests;
using ModelOps.Scoring.Validation;

namespace ModelOps.Scoring.Functions.Tests;

/// <summary><c>POST …/score</c>, <c>GET …/schema</c> and <c>GET /api/openapi.json</c> through the local host on Azurite.</summary>
[Collection(ScoringCollection.Name)]
public sealed class ScoreApiTests(ScoringStack stack)
{
    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task Telco_GLM_scores_over_http_equal_the_engine_scoring_the_same_rows_directly()
    {
        await stack.RegisterAsync("glm", TestArtifacts.TelcoGlm, alias: "champion");
        string body = TestArtifacts.TelcoRowsJson(0, 40, explain: 3);

        using HttpResponseMessage response = await ScoringStack.ScoreAsync(stack.Scoring, "glm", body, requestId: "req-glm-1");

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync() + stack.Host.Output);
        response.Headers.GetValues("x-request-id").Should().Equal("req-glm-1");
        response.Headers.TransferEncodingChunked.Should().NotBe(true, "the scores are written with their length");
        response.Content.Headers.ContentLength.Should().Be((await response.Content.ReadAsByteArrayAsync()).Length);
        JsonElement answer = await JsonOf(response);
        answer.GetProperty("requestId").GetString().Should().Be("req-glm-1");
        using var direct = new LoadedModel("glm", 1, new EngineSelector().Load(TestArtifacts.TelcoGlm, preferOnnxRuntime: false, CancellationToken.None), TestArtifacts.TelcoGlm.Length);
        IReadOnlyList<RowOutputs> expected = direct.Score(
            RowValidator.Validate(ScoreBodyReader.Read(Encoding.UTF8.GetBytes(body), new RequestLimits()).Rows, direct.Schema, keyField: null), CancellationToken.None);
        JsonElement[] rows = answer.GetProperty("rows").EnumerateArray().ToArray();
        rows.Should().HaveCount(40);
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r].GetProperty("row").GetInt32().Should().Be(r);
            rows[r].GetProperty("version").GetInt32().Should().Be(1);
            rows[r].GetProperty("alias").GetString().Should().Be("champion");
            rows[r].GetProperty("engine").GetString().Should().Be("ModelOps");
            rows[r].GetProperty("label").GetString().Should().Be(expected[r].Label);
            foreach ((string label, double p) in expected[r].Probabilities!)
            {
                rows[r].GetProperty("probabilities").GetProperty(label).GetDouble().Should().Be(p, "row {0}, class {1}", r, label);
            }

            rows[r].GetProperty("reasons").GetArrayLength().Should().Be(3);
            rows[r].TryGetProperty("value", out _).Should().BeFalse("a classifier's row has no value, and absent fields are left out");
        }
    }

    [Fact]
    public async Task A_model_only_onnx_runtime_runs_registers_through_the_registry_api_and_scores_as_onnx_runtime_does()
    {
        // PyTorch's Softplus over a fixed [10, 20] input: our engine does not claim Softplus, so only the cross-checked validator takes it.
        using var form = new MultipartFormDataContent
        {
            { new StringContent("""{"reason":"pytorch export","alias":"champion","metrics":{"auroc":0.8}}""", Encoding.UTF8, "application/json"), "metadata" },
            { new ByteArrayContent(TestArtifacts.Softplus), "artifact", "model.onnx" },
        };
        using HttpResponseMessage registered = await stack.Pipelines.PostAsync(new Uri("/api/models/softplus/versions", UriKind.Relative), form);
        registered.StatusCode.Should().Be(HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        float[][] rows = Enumerable.Range(0, 13).Select(r => Enumerable.Range(0, 20).Select(c => (float)Math.Round(Math.Cos((r * 20) + c) * 4, 2)).ToArray()).ToArray();

        using HttpResponseMessage response = await ScoringStack.ScoreAsync(stack.Scoring, "softplus", TestArtifacts.SoftplusBody(rows));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        JsonElement[] scored = (await JsonOf(response)).GetProperty("rows").EnumerateArray().ToArray();
        scored.Should().OnlyContain(r => r.GetProperty("engine").GetString() == "OnnxRuntime");
        float[][] expected = TestArtifacts.SoftplusByOnnxRuntime(rows);
        for (int r = 0; r < rows.Length; r++)
        {
            scored[r].GetProperty("outputs").GetProperty("1").EnumerateArray().Select(e => e.GetDouble()).Should().Equal(expected[r].Select(f => (double)f), "row {0}", r);
        }
    }

    [Fact]
    public async Task The_schema_names_the_served_version_and_every_feature()
    {
        await stack.RegisterAsync("schema-glm", TestArtifacts.TelcoGlm, alias: "champion");

        JsonElement schema = await stack.Scoring.GetFromJsonAsync<JsonElement>("/api/models/schema-glm/schema");

        schema.GetProperty("version").GetInt32().Should().Be(1);
        schema.GetProperty("alias").GetString().Should().Be("champion");
        schema.GetProperty("engine").GetString().Should().Be("ModelOps");
        schema.GetProperty("schema").GetProperty("layout").GetString().Should().Be("ColumnPerFeature");
        schema.GetProperty("schema").GetProperty("features").EnumerateArray().Select(f => f.GetProperty("name").GetString())
            .Should().BeEquivalentTo(TestArtifacts.TelcoGlmPipeline.Inputs.Select(i => i.Name));
    }

    [Fact]
    public async Task The_openapi_document_parses_and_names_every_scoring_path()
    {
        using HttpResponseMessage response = await stack.Scoring.GetAsync(new Uri("/api/openapi.json", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        string text = await response.Content.ReadAsStringAsync();
        ReadResult read = OpenApiDocument.Parse(text, "json");
        read.Diagnostic!.Errors.Should().BeEmpty();
        read.Document!.Paths.Keys.Should().Contain(["/models/{model}/score", "/models/{model}/schema", "/openapi.json"]);
        using JsonDocument document = JsonDocument.Parse(text);
        JsonElement root = document.RootElement;
        root.GetProperty("openapi").GetString().Should().StartWith("3.");
        root.GetProperty("paths").EnumerateObject().Select(p => p.Name).Should().Contain(["/models/{model}/score", "/models/{model}/schema", "/openapi.json"]);
        root.GetProperty("paths").GetProperty("/models/{model}/score").GetProperty("post").GetProperty("responses").EnumerateObject().Select(r => r.Name)
            .Should().Contain(["200", "400", "404", "413", "503"]);
        foreach (string reference in References(root))
        {
            // Every $ref resolves inside the document.
            string[] parts = reference.TrimStart('#', '/').Split('/');
            JsonElement target = root;
            foreach (string part in parts)
            {
                target.TryGetProperty(part, out target).Should().BeTrue("{0} must resolve", reference);
            }
        }
    }

    [Fact]
    public async Task Client_mistakes_about_what_to_serve_are_4xx_problems_naming_them()
    {
        await stack.RegisterAsync("mistakes", TestArtifacts.TelcoGlm, alias: "champion");
        string body = TestArtifacts.TelcoRowsJson(0, 1);

        using HttpResponseMessage unknownModel = await ScoringStack.ScoreAsync(stack.Scoring, "nobody", body);
        using HttpResponseMessage unknownVersion = await ScoringStack.ScoreAsync(stack.Scoring, "mistakes", body, "?version=9");
        using HttpResponseMessage unknownAlias = await ScoringStack.ScoreAsync(stack.Scoring, "mistakes", body, "?alias=challenger");
        using HttpResponseMessage both = await ScoringStack.ScoreAsync(stack.Scoring, "mistakes", body, "?alias=champion&version=1");
        using HttpResponseMessage badVersion = await ScoringStack.ScoreAsync(stack.Scoring, "mistakes", body, "?version=one");
        using HttpResponseMessage badId = await ScoringStack.ScoreAsync(stack.Scoring, "mistakes", body, requestId: new string('x', 200));
        using HttpResponseMessage tooMany = await ScoringStack.ScoreAsync(stack.Scoring, "mistakes", "{\"rows\":[" + string.Join(',', Enumerable.Repeat(body[(body.IndexOf('[', StringComparison.Ordinal) + 1)..body.LastIndexOf(']')], 1001)) + "]}");
        using HttpResponseMessage noKey = await stack.Host.CreateClient(0, withKey: false).PostAsync(new Uri("/api/models/mistakes/score", UriKind.Relative), new StringContent(body));

        unknownModel.StatusCode.Should().Be(HttpStatusCode.NotFound);
        unknownVersion.StatusCode.Should().Be(HttpStatusCode.NotFound);
        unknownAlias.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await JsonOf(unknownAlias)).GetProperty("detail").GetString().Should().Contain("challenger");
        both.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await JsonOf(both)).GetProperty("errors")[0].GetProperty("field").GetString().Should().Be("alias");
        (await JsonOf(badVersion)).GetProperty("errors")[0].GetProperty("field").GetString().Should().Be("version");
        (await JsonOf(badId)).GetProperty("errors")[0].GetProperty("field").GetString().Should().Be("x-request-id");
        badId.Headers.Contains("x-request-id").Should().BeFalse("an id that was refused is not echoed");
        noKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        tooMany.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        JsonElement tooManyProblem = await JsonOf(tooMany);
        tooManyProblem.GetProperty("title").GetString().Should().Be("Too many rows");
        tooManyProblem.GetProperty("limit").GetInt32().Should().Be(1000);
        tooManyProblem.GetProperty("detail").GetString().Should().Contain("1000 rows").And.NotContain("malformed");
    }

    [Fact]
    public async Task A_refused_row_is_a_400_listing_row_field_and_problem_and_echoes_the_request_id()
    {
        await stack.RegisterAsync("refused", TestArtifacts.TelcoGlm, alias: "champion");
        string body = TestArtifacts.TelcoRowsJson(0, 3).Replace("\"tenure\":", "\"tenure\":\"long\",\"ignored\":", StringComparison.Ordinal);

        using HttpResponseMessage response = await ScoringStack.ScoreAsync(stack.Scoring, "refused", body, requestId: "req-refused");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        response.Headers.GetValues("x-request-id").Should().Equal("req-refused");
        JsonElement[] errors = (await JsonOf(response)).GetProperty("errors").EnumerateArray().ToArray();
        errors.Should().Contain(e => e.GetProperty("row").GetInt32() == 2 && e.GetProperty("field").GetString() == "tenure");
        errors.Should().Contain(e => e.GetProperty("field").GetString() == "ignored");
    }

    private static IEnumerable<string> References(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (property.Name == "$ref")
                {
                    yield return property.Value.GetString()!;
                }

                foreach (string inner in References(property.Value))
                {
                    yield return inner;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (string inner in element.EnumerateArray().SelectMany(References))
            {
                yield return inner;
            }
        }
    }
}
