using ModelOps.Learning.Pipelines;
using ModelOps.Learning.Tests.Pipelines;

namespace ModelOps.Scoring.Tests.Explanations;

public sealed class ReasonCodeTests
{
    public static TheoryData<string> Estimators => new() { "glm", "gbdt" };

    [Theory]
    [MemberData(nameof(Estimators))]
    public async Task Explain_returns_the_top_reason_codes_Learning_computes_for_the_pipeline(string estimator)
    {
        (byte[] artifact, FittedPipeline pipeline) = estimator == "glm" ? (TestArtifacts.TelcoGlm, TestArtifacts.TelcoGlmPipeline) : (TestArtifacts.TelcoGbdt, TestArtifacts.TelcoGbdtPipeline);
        await using var harness = new ScoringHarness();
        await harness.RegisterAsync(artifact, "champion");

        ScoreResponse response = await harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 40, explain: 3));

        IReadOnlyList<RowExplanation> expected = PipelineExplainer.Explain(pipeline, TelcoData.Test.Slice(0, 40), 3);
        for (int r = 0; r < 40; r++)
        {
            response.Rows[r].Reasons.Should().HaveCount(3);
            response.Rows[r].Reasons!.Select(x => (x.Column, x.Contribution)).Should().Equal(expected[r].Reasons.Select(x => (x.Column, x.Contribution)));
        }
    }

    [Fact]
    public async Task Without_explain_rows_carry_no_reason_codes()
    {
        await using var harness = new ScoringHarness();
        await harness.RegisterAsync(TestArtifacts.TelcoGlm, "champion");

        ScoreResponse response = await harness.ScoreAsync(TestArtifacts.TelcoRowsJson(0, 5));

        response.Rows.Should().OnlyContain(r => r.Reasons == null);
    }
}
