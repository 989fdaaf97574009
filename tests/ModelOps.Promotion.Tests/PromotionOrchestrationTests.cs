using Microsoft.DurableTask.Client;
using ModelOps.Pipelines.Promotion;
using ModelOps.Registry;
using ModelOps.Registry.Promotion;
using ModelOps.Testing;

namespace ModelOps.Promotion.Tests;

/// <summary>
/// The promotion orchestration end to end on an in-process Durable Task host, with the app's own activities over real
/// Azurite (registry, tokens, records, labelled rows) and real maildev: approve, reject, expiry, a failed gate, and a
/// duplicate request refused.
/// </summary>
[Collection(LocalServices.Name)]
public sealed class PromotionOrchestrationTests(AzuriteFixture azurite, MaildevFixture maildev)
{
    [Fact]
    public async Task An_approved_request_moves_the_champion_and_the_audit_names_requester_approver_and_comment()
    {
        await using PromotionHarness harness = await PromotionHarness.StartAsync(azurite, maildev);
        await harness.SeedAsync(PromotionModels.Churn);
        PromotionRequest request = harness.Request();

        string id = await harness.Starter.StartAsync(harness.Client, request, CancellationToken.None);
        (await harness.WaitForStageAsync(id, PromotionStage.AwaitingApproval, PromotionHarness.Patience)).ReadCustomStatusAs<string>().Should().Be("AwaitingApproval");
        Uri approve = await harness.LinkAsync(harness.Approvers[0], ApprovalDecision.Approve);
        await harness.LinkAsync(harness.Approvers[1], ApprovalDecision.Approve);

        // Opening the link (what a mail scanner does) shows the report and decides nothing.
        PageAnswer opened = await harness.Page.OpenAsync(approve);
        opened.StatusCode.Should().Be(200);
        opened.Html.Should().Contain("<form method=\"post\"").And.Contain("<svg");
        (await harness.Client.GetInstanceAsync(id, getInputsAndOutputs: true))!.ReadCustomStatusAs<string>().Should().Be("AwaitingApproval");
        (await harness.Registry.GetAliasAsync(PromotionHarness.Model, "champion", CancellationToken.None)).Version.Should().Be(1);

        PageAnswer decided = await harness.Page.PostAsync(approve, "Better AUROC on last month's outcomes.", new DurableDecisionSignal(harness.Client));
        decided.StatusCode.Should().Be(200, decided.Html);

        PromotionOutcome outcome = await harness.OutcomeAsync(id, PromotionHarness.Patience);
        outcome.Stage.Should().Be(PromotionStage.Promoted);
        outcome.Move.Should().BeEquivalentTo(new { FromVersion = 1, ToVersion = 2, Alias = "champion" });
        (await harness.Client.GetInstanceAsync(id, getInputsAndOutputs: true))!.ReadCustomStatusAs<string>().Should().Be("Promoted");
        (await harness.Registry.GetAliasAsync(PromotionHarness.Model, "champion", CancellationToken.None)).Version.Should().Be(2);
        AuditEntry[] moves = (await harness.Registry.ReadAuditAsync(PromotionHarness.Model, CancellationToken.None)).Where(e => e.Action == "alias").ToArray();
        moves.Should().HaveCount(2, "the first champion and this promotion");
        moves[^1].Principal.Should().Be(harness.Approvers[0]);
        moves[^1].Reason.Should().Contain(harness.Requester).And.Contain(harness.Approvers[0]).And.Contain("Better AUROC on last month's outcomes.");
        (moves[^1].Before, moves[^1].After).Should().Be(("champion -> 1", "champion -> 2"));
        (await harness.Registry.VerifyAuditAsync(PromotionHarness.Model, CancellationToken.None)).Intact.Should().BeTrue();
        (await harness.WaitForMailAsync(harness.Requester)).GetProperty("subject").GetString().Should().StartWith("Promotion was approved and promoted");
    }

    [Fact]
    public async Task An_approval_whose_alias_moved_meanwhile_ends_not_promoted_and_tells_the_requester_why()
    {
        await using PromotionHarness harness = await PromotionHarness.StartAsync(azurite, maildev);
        await harness.SeedAsync(PromotionModels.Churn);
        string id = await harness.Starter.StartAsync(harness.Client, harness.Request(), CancellationToken.None);
        Uri approve = await harness.LinkAsync(harness.Approvers[0], ApprovalDecision.Approve);

        // Someone points the champion back at a version by hand while the approvers look: the gates' comparison is stale.
        int hotfix = (await harness.Registry.RegisterAsync(
            new RegistrationRequest(PromotionHarness.Model, Metrics: PromotionModels.Churn.ChampionMetrics, Alias: "champion", Reason: "hotfix"),
            PromotionModels.ChurnHotfix, "ops", CancellationToken.None)).Version;
        (await harness.Page.PostAsync(approve, "Fine by me.", new DurableDecisionSignal(harness.Client))).StatusCode.Should().Be(200);

        PromotionOutcome outcome = await harness.OutcomeAsync(id, PromotionHarness.Patience);
        outcome.Stage.Should().Be(PromotionStage.NotPromoted);
        outcome.Move.Should().BeNull();
        outcome.Reasons.Should().ContainSingle().Which.Should().Contain("was not moved").And.Contain("request the promotion again");
        (await harness.Registry.GetAliasAsync(PromotionHarness.Model, "champion", CancellationToken.None)).Version.Should().Be(hotfix);
        string text = (await harness.WaitForMailAsync(harness.Requester)).GetProperty("text").GetString()!;
        text.Should().Contain("was approved but not promoted").And.Contain("was not moved");
    }

    [Fact]
    public async Task A_rejected_request_leaves_the_champion_and_tells_the_requester()
    {
        await using PromotionHarness harness = await PromotionHarness.StartAsync(azurite, maildev);
        await harness.SeedAsync(PromotionModels.Churn);

        string id = await harness.Starter.StartAsync(harness.Client, harness.Request(), CancellationToken.None);
        Uri reject = await harness.LinkAsync(harness.Approvers[1], ApprovalDecision.Reject);
        (await harness.Page.PostAsync(reject, "Not before the quarter closes.", new DurableDecisionSignal(harness.Client))).StatusCode.Should().Be(200);

        PromotionOutcome outcome = await harness.OutcomeAsync(id, PromotionHarness.Patience);
        outcome.Stage.Should().Be(PromotionStage.Rejected);
        outcome.Decision!.Approver.Should().Be(harness.Approvers[1]);
        outcome.Reasons.Should().ContainSingle().Which.Should().Contain("Not before the quarter closes.");
        (await harness.Registry.GetAliasAsync(PromotionHarness.Model, "champion", CancellationToken.None)).Version.Should().Be(1);
        (await harness.Registry.ReadAuditAsync(PromotionHarness.Model, CancellationToken.None)).Count(e => e.Action == "alias").Should().Be(1);
        string text = (await harness.WaitForMailAsync(harness.Requester)).GetProperty("text").GetString()!;
        text.Should().Contain("was rejected").And.Contain("Not before the quarter closes.");

        // The other approver's link now answers that the request was decided, and changes nothing.
        Uri other = await harness.LinkAsync(harness.Approvers[0], ApprovalDecision.Approve);
        PageAnswer late = await harness.Page.PostAsync(other, "Approve anyway", new DurableDecisionSignal(harness.Client));
        late.StatusCode.Should().Be(409);
        late.Html.Should().Contain("RequestDecided").And.Contain("Nothing was changed.");
    }

    [Fact]
    public async Task A_request_nobody_decides_expires_at_the_deadline_is_escalated_and_its_links_stop_working()
    {
        await using PromotionHarness harness = await PromotionHarness.StartAsync(azurite, maildev, new Dictionary<string, string?>
        {
            ["Promotion:ApprovalDeadline"] = "00:00:04",
            ["Promotion:EscalateTo:0"] = "ops-" + Guid.NewGuid().ToString("N")[..8] + "@example.org",
        });
        await harness.SeedAsync(PromotionModels.Churn);
        string escalation = harness.Service<PromotionFlowOptions>().EscalateTo[0];

        string id = await harness.Starter.StartAsync(harness.Client, harness.Request(), CancellationToken.None);
        Uri approve = await harness.LinkAsync(harness.Approvers[0], ApprovalDecision.Approve);

        PromotionOutcome outcome = await harness.OutcomeAsync(id, PromotionHarness.Patience);
        outcome.Stage.Should().Be(PromotionStage.Expired);
        outcome.Reasons.Should().ContainSingle().Which.Should().StartWith("nobody decided by");
        (await harness.WaitForMailAsync(escalation)).GetProperty("subject").GetString().Should().StartWith("Undecided promotion");
        (await harness.WaitForMailAsync(harness.Requester)).GetProperty("subject").GetString().Should().StartWith("Promotion expired undecided");

        PageAnswer late = await harness.Page.PostAsync(approve, "Sorry, I was away.", new DurableDecisionSignal(harness.Client));
        late.StatusCode.Should().Be(410);
        (await harness.Registry.GetAliasAsync(PromotionHarness.Model, "champion", CancellationToken.None)).Version.Should().Be(1);
    }

    [Fact]
    public async Task A_challenger_that_fails_the_fairness_gate_on_adult_never_reaches_an_approver()
    {
        await using PromotionHarness harness = await PromotionHarness.StartAsync(azurite, maildev, new Dictionary<string, string?>
        {
            ["Promotion:SensitiveColumn"] = "sex",
        });
        await harness.SeedAsync(PromotionModels.Adult);

        string id = await harness.Starter.StartAsync(harness.Client, harness.Request(), CancellationToken.None);
        PromotionOutcome outcome = await harness.OutcomeAsync(id, PromotionHarness.Patience);

        outcome.Stage.Should().Be(PromotionStage.GatesFailed);
        outcome.Reasons.Should().Contain(r => r.StartsWith("fairness: disparate-impact ratio", StringComparison.Ordinal) && r.Contains("'sex'", StringComparison.Ordinal));
        (await harness.WaitForMailAsync(harness.Requester)).GetProperty("text").GetString().Should().Contain("was stopped by the gates").And.Contain("disparate-impact");
        foreach (string approver in harness.Approvers)
        {
            (await harness.MailToAsync(approver)).Should().BeEmpty("no approver is asked about a request the gates stopped");
        }

        (await harness.Registry.GetAliasAsync(PromotionHarness.Model, "champion", CancellationToken.None)).Version.Should().Be(1);
    }

    [Fact]
    public async Task A_telco_challenger_using_a_feature_the_jurisdiction_forbids_never_reaches_an_approver()
    {
        await using PromotionHarness harness = await PromotionHarness.StartAsync(azurite, maildev, new Dictionary<string, string?>
        {
            ["Promotion:Jurisdiction"] = "EU",
            ["Promotion:ForbiddenFeatures"] = "gender",
        });
        await harness.SeedAsync(PromotionModels.Telco);

        string id = await harness.Starter.StartAsync(harness.Client, harness.Request(), CancellationToken.None);
        PromotionOutcome outcome = await harness.OutcomeAsync(id, PromotionHarness.Patience);

        outcome.Stage.Should().Be(PromotionStage.GatesFailed);
        outcome.Reasons.Should().Equal("forbidden-features: input 'gender' is forbidden in jurisdiction 'EU'.");
        (await harness.WaitForMailAsync(harness.Requester)).GetProperty("text").GetString().Should().Contain("was stopped by the gates").And.Contain("'gender'");
        foreach (string approver in harness.Approvers)
        {
            (await harness.MailToAsync(approver)).Should().BeEmpty();
        }
    }

    [Fact]
    public async Task A_cancelled_request_ends_cancelled_its_links_answer_decided_and_a_second_cancel_is_refused()
    {
        await using PromotionHarness harness = await PromotionHarness.StartAsync(azurite, maildev);
        await harness.SeedAsync(PromotionModels.Churn);
        string id = await harness.Starter.StartAsync(harness.Client, harness.Request(), CancellationToken.None);
        Uri approve = await harness.LinkAsync(harness.Approvers[0], ApprovalDecision.Approve);

        PromotionStatus cancelled = await harness.Starter.CancelAsync(harness.Client, PromotionHarness.Model, 2, harness.Requester, "Wrong training window.", CancellationToken.None);
        PromotionOutcome outcome = await harness.OutcomeAsync(id, PromotionHarness.Patience);
        Func<Task> again = () => harness.Starter.CancelAsync(harness.Client, PromotionHarness.Model, 2, harness.Requester, "Twice.", CancellationToken.None);
        Func<Task> unknown = () => harness.Starter.CancelAsync(harness.Client, PromotionHarness.Model, 9, harness.Requester, "Never asked.", CancellationToken.None);
        Func<Task> silent = () => harness.Starter.CancelAsync(harness.Client, PromotionHarness.Model, 2, harness.Requester, " ", CancellationToken.None);

        cancelled.RequestId.Should().Be(id);
        outcome.Stage.Should().Be(PromotionStage.Cancelled);
        outcome.Reasons.Should().Equal($"cancelled by {harness.Requester}: Wrong training window.");
        (await harness.WaitForMailAsync(harness.Requester)).GetProperty("subject").GetString().Should().StartWith("Promotion was cancelled");
        PageAnswer late = await harness.Page.PostAsync(approve, "Approve anyway", new DurableDecisionSignal(harness.Client));
        late.StatusCode.Should().Be(409);
        late.Html.Should().Contain("RequestDecided").And.Contain("cancelled");
        await again.Should().ThrowAsync<PromotionNotOpenException>();
        await unknown.Should().ThrowAsync<RegistryNotFoundException>();
        await silent.Should().ThrowAsync<InvalidPromotionRequestException>();
        (await harness.Registry.GetAliasAsync(PromotionHarness.Model, "champion", CancellationToken.None)).Version.Should().Be(1);
        (await PromotionStarter.ListAsync(harness.Client, PromotionHarness.Model, CancellationToken.None)).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { RequestId = id, Model = PromotionHarness.Model, Version = 2, Stage = "Cancelled", RuntimeStatus = "Completed" });
        (await PromotionStarter.ListAsync(harness.Client, "another-model", CancellationToken.None)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_second_request_for_the_same_version_is_refused_while_the_first_is_open()
    {
        await using PromotionHarness harness = await PromotionHarness.StartAsync(azurite, maildev);
        await harness.SeedAsync(PromotionModels.Churn);
        PromotionRequest request = harness.Request();

        string id = await harness.Starter.StartAsync(harness.Client, request, CancellationToken.None);
        await harness.WaitForStageAsync(id, PromotionStage.AwaitingApproval, PromotionHarness.Patience);
        Func<Task> again = () => harness.Starter.StartAsync(harness.Client, request with { Note = "asked twice" }, CancellationToken.None);

        id.Should().Be(request.Id);
        (await again.Should().ThrowAsync<PromotionAlreadyOpenException>()).Which.RequestId.Should().Be(request.Id);
        await harness.Client.TerminateInstanceAsync(id);
    }

    [Fact]
    public async Task A_request_for_a_version_that_does_not_exist_is_refused_before_it_starts()
    {
        await using PromotionHarness harness = await PromotionHarness.StartAsync(azurite, maildev);
        await harness.SeedAsync(PromotionModels.Churn);

        Func<Task> start = () => harness.Starter.StartAsync(harness.Client, harness.Request() with { CandidateVersion = 9 }, CancellationToken.None);

        await start.Should().ThrowAsync<RegistryNotFoundException>();
        (await harness.Client.GetInstanceAsync(PromotionRequest.IdFor(PromotionHarness.Model, 9))).Should().BeNull();
    }
}
