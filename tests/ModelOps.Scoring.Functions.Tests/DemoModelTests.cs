using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;

namespace ModelOps.Scoring.Functions.Tests;

/// <summary>The README's scoring example, against a model trained the way <c>modelops up</c> trains its demo champion.</summary>
[Collection(ScoringCollection.Name)]
public sealed class DemoModelTests(ScoringStack stack)
{
    /// <summary>The body of the README's curl example (keep the two in step).</summary>
    private const string ReadmeBody =
        """{"senior_citizen":0,"tenure_months":5,"contract":"Month-to-month","internet_service":"Fiber optic","tech_support":"No","payment_method":"Electronic check","paperless_billing":"Yes","monthly_charges":89.5,"total_charges":447.5}""";

    [Fact]
    public async Task The_readme_row_scores_on_a_champion_trained_as_the_demo_is()
    {
        using var csv = new StringWriter();
        SyntheticChurn.WriteCsv(csv, SyntheticChurn.Generate(2000, 42));
        Dataset data = CsvDatasetReader.Read(new StringReader(csv.ToString()), new CsvOptions { Kinds = new Dictionary<string, ColumnKind> { ["churn"] = ColumnKind.Categorical } });
        (PipelineSpec spec, _) = SpecInference.FromData(data, "churn", "Yes", EstimatorType.Glm, name: "churn");
        await stack.RegisterAsync("churn", PipelineOnnxExporter.Export(PipelineTrainer.Fit(spec, data).Pipeline), alias: "champion");

        using HttpResponseMessage response = await ScoringStack.ScoreAsync(stack.Scoring, "churn", ReadmeBody);
        using HttpResponseMessage explained = await ScoringStack.ScoreAsync(stack.Scoring, "churn", "{\"rows\":[" + ReadmeBody + "],\"explain\":3}");

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        JsonElement row = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows")[0];
        row.GetProperty("label").GetString().Should().BeOneOf("Yes", "No");
        row.GetProperty("probabilities").GetProperty("Yes").GetDouble().Should().BeInRange(0, 1);
        (await explained.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows")[0].GetProperty("reasons").GetArrayLength().Should().Be(3);
    }
}
