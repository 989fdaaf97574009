using ModelOps.Learning.Pipelines;
using ModelOps.Registry.Promotion;

namespace ModelOps.Registry.Tests.Promotion;

public sealed class PromotionGatesTests
{
    private static readonly PromotionRequest Request = new("churn", 3, "champion", "dana@example.org", PromotionReason.Drift);

    [Fact]
    public void A_clearly_better_compatible_fair_challenger_passes_every_gate()
    {
        GateReport report = Gates().Evaluate(Evidence(Scores(challengerNoise: 0.3, championNoise: 1.5)));

        report.Passed.Should().BeTrue(string.Join(" ", report.FailureReasons));
        report.Comparison!.Difference.Should().BeGreaterThan(0);
        report.Comparison.PValue.Should().BeLessThan(0.05);
        report.Results.Select(r => r.Gate).Should().Equal(GateNames.Metrics, GateNames.Fairness, GateNames.Schema, GateNames.ForbiddenFeatures, GateNames.Artifact);
    }

    [Fact]
    public void A_challenger_no_better_than_the_champion_fails_the_metrics_gate_with_delong()
    {
        GateReport report = Gates().Evaluate(Evidence(Scores(challengerNoise: 1.0, championNoise: 1.0)));

        report.Results.Single(r => r.Gate == GateNames.Metrics).Passed.Should().BeFalse();
        report.FailureReasons.Should().Contain(r => r.Contains("not significant by DeLong's test", StringComparison.Ordinal));
    }

    [Fact]
    public void The_minimum_gain_is_enforced_even_when_significant()
    {
        GateReport report = Gates(new PromotionGateOptions { MinimumAurocGain = 0.5 }).Evaluate(Evidence(Scores(0.3, 1.5)));

        report.FailureReasons.Should().Contain(r => r.StartsWith("metrics: AUROC gain", StringComparison.Ordinal) && r.Contains("below the required 0.5000", StringComparison.Ordinal));
    }

    [Fact]
    public void Removed_retyped_and_narrowed_inputs_break_the_schema_unless_the_request_allows_it()
    {
        var championSpec = SpecWith(new InputSpec { Name = "contract", Type = InputType.Categorical, Values = ["monthly", "yearly"] }, new InputSpec { Name = "tenure", Type = InputType.Numeric, Min = 0 }, new InputSpec { Name = "region", Type = InputType.Categorical });
        var challengerSpec = SpecWith(new InputSpec { Name = "contract", Type = InputType.Categorical, Values = ["monthly"] }, new InputSpec { Name = "tenure", Type = InputType.Numeric, Min = 1 });
        var champion = new CandidateFacts(2, new ModelSchema([new TensorSpec("contract", "string", [-1, 1]), new TensorSpec("tenure", "float", [-1, 1]), new TensorSpec("region", "string", [-1, 1])], []), championSpec);
        var challenger = new CandidateFacts(3, new ModelSchema([new TensorSpec("contract", "string", [-1, 1]), new TensorSpec("tenure", "double", [-1, 1])], []), challengerSpec);

        GateReport refused = Gates().Evaluate(Evidence(Scores(0.3, 1.5)) with { Champion = champion, Challenger = challenger });
        GateReport allowed = Gates().Evaluate(Evidence(Scores(0.3, 1.5)) with { Champion = champion, Challenger = challenger, Request = Request with { AllowBreakingSchema = true } });

        GateResult schema = refused.Results.Single(r => r.Gate == GateNames.Schema);
        schema.Passed.Should().BeFalse();
        schema.Reasons.Should().Contain("input 'region' was removed.")
            .And.Contain("input 'tenure' changed type from float to double.")
            .And.Contain("input 'contract' no longer accepts yearly.")
            .And.Contain("input 'tenure' minimum rose to 1.");
        allowed.Results.Single(r => r.Gate == GateNames.Schema).Passed.Should().BeTrue();
    }

    [Fact]
    public void A_feature_forbidden_in_the_jurisdiction_fails_its_gate()
    {
        PipelineSpec spec = SpecWith(new InputSpec { Name = "gender", Type = InputType.Categorical }, new InputSpec { Name = "tenure", Type = InputType.Numeric }) with
        {
            Policies = new PolicySpec { Jurisdiction = "EU", ForbiddenFeatures = new Dictionary<string, IReadOnlyList<string>> { ["EU"] = ["gender"], ["US"] = [] } },
        };

        GateReport report = Gates().Evaluate(Evidence(Scores(0.3, 1.5)) with { Challenger = new CandidateFacts(3, ModelSchema.Empty, spec) });

        report.FailureReasons.Should().Equal("forbidden-features: input 'gender' is forbidden in jurisdiction 'EU'.");
    }

    [Fact]
    public void Without_a_spec_the_configured_jurisdiction_is_held_against_the_registered_input_names()
    {
        var schema = new ModelSchema([new TensorSpec("Gender", "string", [-1, 1]), new TensorSpec("tenure", "float", [-1, 1])], []);
        var options = new PromotionGateOptions { SensitiveColumn = "group", Jurisdiction = "EU", ForbiddenFeatures = " gender , age " };
        GateEvidence evidence = Evidence(Scores(0.3, 1.5)) with { Challenger = new CandidateFacts(3, schema, null), Champion = new CandidateFacts(2, schema, null) };

        GateReport forbidden = Gates(options).Evaluate(evidence);
        GateReport elsewhere = Gates(new PromotionGateOptions { SensitiveColumn = "group" }).Evaluate(evidence);

        forbidden.FailureReasons.Should().Equal("forbidden-features: input 'gender' is forbidden in jurisdiction 'EU'.");
        elsewhere.Results.Single(r => r.Gate == GateNames.ForbiddenFeatures).Passed.Should().BeTrue();
    }

    [Fact]
    public void Forbidden_features_without_a_jurisdiction_are_refused_at_start()
    {
        new PromotionGateOptions { ForbiddenFeatures = "gender" }.Problems().Should().ContainSingle().Which.Should().StartWith("Promotion:Jurisdiction");
    }

    [Fact]
    public void Artifact_problems_fail_the_artifact_gate_with_each_reason()
    {
        GateReport report = Gates().Evaluate(Evidence(Scores(0.3, 1.5)) with { ArtifactProblems = ["it does not load.", "it does not score."] });

        report.FailureReasons.Should().Equal("artifact: it does not load.", "artifact: it does not score.");
    }

    [Fact]
    public void A_challenger_that_favours_one_group_fails_the_fairness_gate()
    {
        LabelledScores fair = Scores(0.3, 1.5);
        double[] skewed = fair.Challenger.Select((p, i) => fair.SensitiveGroups![i] == "b" ? p * 0.3 : p).ToArray();

        GateReport report = Gates().Evaluate(Evidence(fair with { Challenger = skewed }));

        report.Results.Single(r => r.Gate == GateNames.Fairness).Passed.Should().BeFalse();
        report.Fairness!.DisparateImpact.Should().BeLessThan(0.8);
    }

    [Fact]
    public void Without_a_champion_only_the_challenger_is_judged()
    {
        GateReport report = Gates().Evaluate(Evidence(Scores(0.3, 1.5) with { Champion = null }) with { Champion = null });

        report.Passed.Should().BeTrue();
        report.Comparison.Should().BeNull();
    }

    [Fact]
    public void Invalid_options_name_the_setting()
    {
        Action act = () => _ = new PromotionGates(new PromotionGateOptions { SignificanceLevel = 0 });

        act.Should().Throw<ArgumentException>().WithMessage("*Promotion:SignificanceLevel*");
    }

    private static PromotionGates Gates(PromotionGateOptions? options = null) => new(options ?? new PromotionGateOptions { SensitiveColumn = "group" });

    private static GateEvidence Evidence(LabelledScores scores) => new(
        Request,
        new CandidateFacts(3, ModelSchema.Empty, null),
        new CandidateFacts(2, ModelSchema.Empty, null),
        scores,
        []);

    private static PipelineSpec SpecWith(params InputSpec[] inputs) => new() { Target = new TargetSpec { Column = "y" }, Inputs = inputs };

    /// <summary>Two groups with the same outcome rate; scores are logistic in a shared signal plus model-specific noise.</summary>
    private static LabelledScores Scores(double challengerNoise, double championNoise)
    {
        var random = new Random(42);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        const int rows = 2000;
        var outcomes = new bool[rows];
        var challenger = new double[rows];
        var champion = new double[rows];
        var groups = new string[rows];
        for (int i = 0; i < rows; i++)
        {
            outcomes[i] = random.NextDouble() < 0.4;
            groups[i] = i % 2 == 0 ? "a" : "b";
            double signal = (outcomes[i] ? 1.2 : -1.2) + Gaussian();
            challenger[i] = 1 / (1 + Math.Exp(-(signal + (challengerNoise * Gaussian()))));
            champion[i] = 1 / (1 + Math.Exp(-(signal + (championNoise * Gaussian()))));
        }

        return new LabelledScores(challenger, champion, outcomes, groups);
    }
}
