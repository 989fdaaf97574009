using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Registry.Promotion;
using ModelOps.Testing;
using Xunit.Abstractions;

namespace ModelOps.Registry.Tests.Promotion;

/// <summary>A challenger trained on UCI Adult with <c>sex</c> as a feature is refused by the fairness gate.</summary>
public sealed class AdultFairnessGateTests(ITestOutputHelper output)
{
    private static string Folder => Path.Combine(RepositoryLayout.SharedData, "datasets", "adult");

    [Fact]
    public void A_challenger_using_sex_on_adult_is_refused_for_fairness()
    {
        Dataset train = CsvDatasetReader.Read(Path.Combine(Folder, "adult_train.csv")).Slice(0, 10_000);
        Dataset test = CsvDatasetReader.Read(Path.Combine(Folder, "adult_test.csv")).Slice(0, 5_000);
        FittedPipeline challenger = PipelineTrainer.Fit(Spec(withSex: true), train).Pipeline;
        FittedPipeline champion = PipelineTrainer.Fit(Spec(withSex: false), train).Pipeline;
        (Dataset rows, bool[] outcomes) = TrainingReport.Labelled(challenger, test);
        string[] sex = rows["sex"].Texts!.Select(s => s ?? "(missing)").ToArray();
        var evidence = new GateEvidence(
            new PromotionRequest("adult-income", 2, "champion", "dana@example.org", PromotionReason.Manual),
            new CandidateFacts(2, ModelSchema.Empty, Spec(withSex: true)),
            new CandidateFacts(1, ModelSchema.Empty, Spec(withSex: false)),
            new LabelledScores(challenger.Predict(rows), champion.Predict(rows), outcomes, sex),
            []);

        GateReport report = new PromotionGates(new PromotionGateOptions { SensitiveColumn = "sex", RequireSignificantGain = false, MinimumAurocGain = -1 }).Evaluate(evidence);

        output.WriteLine($"challenger AUROC {report.ChallengerAuroc:F4}, champion AUROC {report.Comparison!.AurocB:F4}, disparate impact {report.Fairness!.DisparateImpact:F4}, equal-opportunity difference {report.Fairness.EqualOpportunityDifference:F4}");
        report.Passed.Should().BeFalse();
        report.Results.Single(r => r.Gate == GateNames.Fairness).Passed.Should().BeFalse();
        report.Fairness!.DisparateImpact.Should().BeLessThan(0.8);
        report.FailureReasons.Should().Contain(r => r.StartsWith("fairness: disparate-impact ratio", StringComparison.Ordinal) && r.Contains("'sex'", StringComparison.Ordinal));
        report.Results.Where(r => r.Gate != GateNames.Fairness).Should().OnlyContain(r => r.Passed, "only fairness stands in the way");
    }

    private static PipelineSpec Spec(bool withSex) => PipelineSpecJson.Parse(AdultIncomeSpec.Json(withSex));
}
