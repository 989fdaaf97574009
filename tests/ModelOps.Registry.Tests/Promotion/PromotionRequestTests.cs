using ModelOps.Registry.Promotion;

namespace ModelOps.Registry.Tests.Promotion;

public sealed class PromotionRequestTests
{
    [Fact]
    public void The_id_depends_on_model_and_version_only()
    {
        var first = new PromotionRequest("churn", 4, "champion", "dana@example.org", PromotionReason.Drift);
        var second = new PromotionRequest("churn", 4, "challenger", "eli@example.org", PromotionReason.Manual, AllowBreakingSchema: true);

        first.Id.Should().Be(second.Id).And.MatchRegex("^promote-[0-9a-f]{32}$");
        first.Id.Should().NotBe(PromotionRequest.IdFor("churn", 5)).And.NotBe(PromotionRequest.IdFor("churn4", 4));
    }

    [Fact]
    public void Problems_name_each_invalid_field()
    {
        new PromotionRequest("", 0, " ", "", (PromotionReason)9).Problems().Should().HaveCount(5)
            .And.Contain(p => p.Contains("'candidateVersion'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_stages_follow_the_flow_and_refuse_skipping_approval()
    {
        var at = DateTimeOffset.UnixEpoch;
        PromotionProgress progress = PromotionProgress.Start(new PromotionRequest("churn", 4, "champion", "dana@example.org", PromotionReason.Accuracy), at)
            .MoveTo(PromotionStage.Gating, at)
            .MoveTo(PromotionStage.AwaitingApproval, at)
            .MoveTo(PromotionStage.Approved, at)
            .MoveTo(PromotionStage.Promoted, at);

        progress.IsFinal.Should().BeTrue();
        Action skip = () => PromotionProgress.Start(new PromotionRequest("churn", 4, "champion", "dana@example.org", PromotionReason.Accuracy), at)
            .MoveTo(PromotionStage.Gating, at).MoveTo(PromotionStage.Promoted, at);
        skip.Should().Throw<InvalidPromotionTransitionException>().WithMessage("*from Gating to Promoted*");
    }

    [Fact]
    public void Failed_gates_end_the_request_with_the_reasons()
    {
        var at = DateTimeOffset.UnixEpoch;
        PromotionProgress ended = PromotionProgress.Start(new PromotionRequest("churn", 4, "champion", "dana@example.org", PromotionReason.Drift), at)
            .MoveTo(PromotionStage.Gating, at)
            .MoveTo(PromotionStage.GatesFailed, at, ["fairness: disparate-impact ratio 0.3 for 'sex' is below 0.8."]);

        ended.IsFinal.Should().BeTrue();
        ended.Reasons.Should().ContainSingle().Which.Should().StartWith("fairness:");
    }

    [Theory]
    [InlineData("dana@example.org", TokenRefusal.SelfApproval)]
    [InlineData("DANA@example.org", TokenRefusal.SelfApproval)]
    [InlineData("mallory@example.org", TokenRefusal.NotAnApprover)]
    [InlineData("eli@example.org", null)]
    public void Four_eyes_refuses_the_requester_and_anyone_off_the_list(string approver, TokenRefusal? expected)
    {
        FourEyes.Check("dana@example.org", approver, ["dana@example.org", "eli@example.org"]).Should().Be(expected);
    }

    [Fact]
    public void The_model_card_carries_the_approver_list_through_json()
    {
        var card = new ModelCard(IntendedUse: "churn", Approvers: ["eli@example.org"]);

        string json = System.Text.Json.JsonSerializer.Serialize(card, RegistryJsonContext.Default.ModelCard);
        ModelCard back = System.Text.Json.JsonSerializer.Deserialize(json, RegistryJsonContext.Default.ModelCard)!;

        back.Approvers.Should().Equal("eli@example.org");
        System.Text.Json.JsonSerializer.Deserialize("{\"intendedUse\":\"x\"}", RegistryJsonContext.Default.ModelCard)!.Approvers.Should().BeNull();
    }
}
