using System.Net;
using Microsoft.DurableTask.Client;
using ModelOps.Pipelines.Promotion;
using ModelOps.Registry;
using ModelOps.Registry.Promotion;
using ModelOps.Testing;

namespace ModelOps.Promotion.Tests;

/// <summary>
/// The approval page over real HTTP (Kestrel on loopback) with the real token store on Azurite and the orchestration
/// running on the in-process host: exactly one decision under concurrent posts, and every refusal changes nothing.
/// </summary>
[Collection(LocalServices.Name)]
public sealed class ApprovalPageTests(AzuriteFixture azurite, MaildevFixture maildev)
{
    [Fact]
    public async Task Ten_concurrent_approvals_racing_rejections_make_exactly_one_decision_and_one_alias_move()
    {
        await using PromotionHarness harness = await PromotionHarness.StartAsync(azurite, maildev);
        await harness.SeedAsync(PromotionModels.Churn);
        string id = await harness.Starter.StartAsync(harness.Client, harness.Request(), CancellationToken.None);
        Uri approve = await harness.LinkAsync(harness.Approvers[0], ApprovalDecision.Approve);
        Uri reject = await harness.LinkAsync(harness.Approvers[1], ApprovalDecision.Reject);
        await using ApprovalPageServer server = await ApprovalPageServer.StartAsync(harness.Page, new DurableDecisionSignal(harness.Client));

        HttpResponseMessage[] answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            i % 4 == 3 ? server.PostAsync(reject, $"reject {i}") : server.PostAsync(approve, $"approve {i}")));

        answers.Count(a => a.StatusCode == HttpStatusCode.OK).Should().Be(1);
        answers.Where(a => a.StatusCode != HttpStatusCode.OK).Should().OnlyContain(a => a.StatusCode == HttpStatusCode.Conflict);
        RecordedDecision decision = (await harness.Service<IApprovalTokenStore>().GetDecisionAsync(id, CancellationToken.None))!;
        PromotionOutcome outcome = await harness.OutcomeAsync(id, PromotionHarness.Patience);
        outcome.Decision.Should().BeEquivalentTo(decision);
        int moves = (await harness.Registry.ReadAuditAsync(PromotionHarness.Model, CancellationToken.None)).Count(e => e.Action == "alias");
        (outcome.Stage, moves).Should().Be(decision.Decision == ApprovalDecision.Approve ? (PromotionStage.Promoted, 2) : (PromotionStage.Rejected, 1));
        foreach (HttpResponseMessage answer in answers) answer.Dispose();
    }

    [Fact]
    public async Task Forged_foreign_reused_and_unlisted_tokens_are_refused_with_a_page_and_change_nothing()
    {
        await using PromotionHarness harness = await PromotionHarness.StartAsync(azurite, maildev);
        await harness.SeedAsync(PromotionModels.Churn);
        string id = await harness.Starter.StartAsync(harness.Client, harness.Request(), CancellationToken.None);
        Uri approve = await harness.LinkAsync(harness.Approvers[0], ApprovalDecision.Approve);
        Uri other = await harness.LinkAsync(harness.Approvers[1], ApprovalDecision.Approve);
        await using ApprovalPageServer server = await ApprovalPageServer.StartAsync(harness.Page, new DurableDecisionSignal(harness.Client));
        string token = PageCalls.TokenOf(approve);
        string tampered = (token[0] == 'A' ? 'B' : 'A') + token[1..];

        // GET never decides, however often it is fetched.
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage page = await server.Client.GetAsync(server.Local(approve));
            page.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        (await Refusal(server.PostAsync(approve, "tampered", tampered))).Should().Be((HttpStatusCode.NotFound, "Forged"));
        (await Refusal(server.Client.GetAsync(new Uri(server.Local(approve).AbsoluteUri.Replace(token, tampered, StringComparison.Ordinal))))).Should().Be((HttpStatusCode.NotFound, "Forged"));
        Uri foreign = new(server.Local(approve).AbsoluteUri.Replace(id, PromotionRequest.IdFor(PromotionHarness.Model, 1), StringComparison.Ordinal));
        (await Refusal(server.Client.GetAsync(foreign))).Should().Be((HttpStatusCode.NotFound, "Forged"), "a token works only for the request it was issued for");
        using (HttpResponseMessage noComment = await server.PostAsync(approve, "   "))
        {
            noComment.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        }

        // Signed in as someone else (the requester, a stranger, or the other approver), a link is not theirs to use.
        (await Refusal(server.PostAsync(other, "I approve", signedIn: harness.Requester))).Should().Be((HttpStatusCode.Forbidden, "SelfApproval"));
        (await Refusal(server.PostAsync(other, "I approve", signedIn: "mallory@example.org"))).Should().Be((HttpStatusCode.Forbidden, "NotAnApprover"));
        (await Refusal(server.PostAsync(approve, "I approve", signedIn: harness.Approvers[1]))).Should().Be((HttpStatusCode.Forbidden, "WrongApprover"));

        (await harness.Service<IApprovalTokenStore>().GetDecisionAsync(id, CancellationToken.None)).Should().BeNull("no refusal records anything");
        (await harness.Client.GetInstanceAsync(id, getInputsAndOutputs: true))!.ReadCustomStatusAs<string>().Should().Be("AwaitingApproval");

        using (HttpResponseMessage first = await server.PostAsync(approve, "Looks right."))
        {
            first.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        (await Refusal(server.PostAsync(approve, "again"))).Should().Be((HttpStatusCode.Conflict, "AlreadyUsed"));
        (await harness.OutcomeAsync(id, PromotionHarness.Patience)).Stage.Should().Be(PromotionStage.Promoted);
        (await harness.Registry.ReadAuditAsync(PromotionHarness.Model, CancellationToken.None)).Count(e => e.Action == "alias").Should().Be(2);
    }

    [Fact]
    public async Task The_requester_is_never_asked_even_when_listed_as_an_approver()
    {
        await using PromotionHarness harness = await PromotionHarness.StartAsync(azurite, maildev);
        await harness.SeedAsync(PromotionModels.Churn, approvers: [harness.Requester, harness.Approvers[0]]);

        string id = await harness.Starter.StartAsync(harness.Client, harness.Request(), CancellationToken.None);
        await harness.LinkAsync(harness.Approvers[0], ApprovalDecision.Approve);
        await harness.WaitForStageAsync(id, PromotionStage.AwaitingApproval, PromotionHarness.Patience);

        (await harness.MailToAsync(harness.Requester)).Should().BeEmpty("four-eyes: nobody approves their own request");
        await harness.Client.TerminateInstanceAsync(id);
    }

    private static async Task<(HttpStatusCode, string)> Refusal(Task<HttpResponseMessage> call)
    {
        using HttpResponseMessage response = await call;
        string html = await response.Content.ReadAsStringAsync();
        html.Should().Contain("Nothing was changed.");
        string reason = System.Text.RegularExpressions.Regex.Match(html, "data-reason=\"([A-Za-z]+)\"").Groups[1].Value;
        return (response.StatusCode, reason);
    }
}
