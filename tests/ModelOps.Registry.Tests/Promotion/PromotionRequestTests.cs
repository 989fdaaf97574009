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

public sealed class PromotionJsonTests
{
    [Fact]
    public void Requests_progress_and_gate_reports_round_trip_through_the_source_generated_context()
    {
        var request = new PromotionRequest("churn", 4, "champion", "dana@example.org", PromotionReason.Accuracy, AllowBreakingSchema: true, Note: "retrained");
        var progress = PromotionProgress.Start(request, DateTimeOffset.UnixEpoch).MoveTo(PromotionStage.Gating, DateTimeOffset.UnixEpoch);
        var gates = new GateReport([new GateResult(GateNames.Metrics, false, ["gain too small."])], null, 0.8, null);

        string json = System.Text.Json.JsonSerializer.Serialize(request, PromotionJsonContext.Default.PromotionRequest);
        PromotionRequest back = System.Text.Json.JsonSerializer.Deserialize(json, PromotionJsonContext.Default.PromotionRequest)!;
        PromotionProgress progressBack = System.Text.Json.JsonSerializer.Deserialize(System.Text.Json.JsonSerializer.Serialize(progress, PromotionJsonContext.Default.PromotionProgress), PromotionJsonContext.Default.PromotionProgress)!;
        GateReport gatesBack = System.Text.Json.JsonSerializer.Deserialize(System.Text.Json.JsonSerializer.Serialize(gates, PromotionJsonContext.Default.GateReport), PromotionJsonContext.Default.GateReport)!;

        json.Should().Contain("\"reason\":\"Accuracy\"");
        back.Should().Be(request);
        back.Id.Should().Be(request.Id);
        progressBack.Stage.Should().Be(PromotionStage.Gating);
        gatesBack.FailureReasons.Should().Equal("metrics: gain too small.");
    }
}

public sealed class ApprovalLinkTests
{
    [Theory]
    [InlineData("https://pipelines.example.org/api/", true)]
    [InlineData("http://127.0.0.1:7071/api", true)]
    [InlineData("pipelines.example.org/api", false)]
    [InlineData("ftp://example.org/", false)]
    [InlineData("https://example.org/api?x=1", false)]
    [InlineData("", false)]
    public void The_base_url_must_be_absolute_http_without_a_query(string url, bool valid)
    {
        new ApprovalLinkOptions { BaseUrl = url }.Problems().Should().HaveCount(valid ? 0 : 1);
    }

    [Fact]
    public void Links_escape_the_token_and_name_the_decision()
    {
        Uri link = ApprovalLinks.For(new Uri("https://pipelines.example.org/api/"), "promote-ab", "a+b/c", ApprovalDecision.Reject);

        link.AbsoluteUri.Should().Be("https://pipelines.example.org/api/approvals/promote-ab?token=a%2Bb%2Fc&decision=reject");
    }
}
