using System.Text.Json;
using ModelOps.Scoring.Validation;

namespace ModelOps.Scoring.Tests;

public sealed class ServiceSchemaTests
{
    [Fact]
    public async Task The_schema_names_features_types_allowed_values_and_who_serves_it_and_serializes_as_wire_JSON()
    {
        await using var harness = new ScoringHarness();
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");

        ServedSchema served = await harness.Service.GetSchemaAsync(ScoringHarness.Model, null, null, CancellationToken.None);
        string json = JsonSerializer.Serialize(served.Schema, ScoringJsonContext.Default.FeatureSchema);

        (served.Version, served.Alias, served.Engine).Should().Be((1, "champion", "ModelOps"));
        served.Schema.Features.Should().HaveCount(19);
        served.Schema.Features.Single(f => f.Name == "Contract").Categories.Should().Equal("Month-to-month", "One year", "Two year");
        json.Should().Contain("\"layout\":\"ColumnPerFeature\"").And.Contain("\"name\":\"tenure\",\"type\":\"numeric\",\"min\":0,\"max\":120");
    }

    [Fact]
    public async Task A_response_serializes_with_the_source_generated_context()
    {
        await using var harness = new ScoringHarness();
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");

        ScoreResponse response = await harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 2, explain: 2));
        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(response, ScoringJsonContext.Default.ScoreResponse));

        JsonElement row = json.RootElement.GetProperty("rows")[1];
        row.GetProperty("version").GetInt32().Should().Be(1);
        row.GetProperty("engine").GetString().Should().Be("ModelOps");
        row.GetProperty("probabilities").GetProperty("Yes").GetDouble().Should().Be(response.Rows[1].Probabilities!["Yes"]);
        row.GetProperty("reasons").GetArrayLength().Should().Be(2);
        row.TryGetProperty("outputs", out _).Should().BeFalse();
    }
}
