using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelOps.Registry;
using ModelOps.Testing;

namespace ModelOps.Promotion.Tests.EndToEnd;

/// <summary>
/// The approval page under the local Functions host refusing what it must: self-approval, an approver not on the
/// list, a tampered token, a reused token and an expired one each get a refusal page with a 4xx and change nothing;
/// concurrent Approve posts racing Reject posts make exactly one decision, one alias move and one audit entry; a
/// request withdrawn over HTTP ends cancelled and shows in the model's list. One host session with a short deadline
/// serves every case (three models: one decided, one left to expire, one cancelled).
/// </summary>
[Collection(LocalServices.Name)]
public sealed class ApprovalRefusalEndToEndTests(AzuriteFixture azurite, MaildevFixture maildev)
{
    private const string Decided = "retention";
    private const string Lapsing = "winback";
    private const string Withdrawn = "upsell";

    /// <summary>Long enough for the decided model's steps on a loaded machine; the lapsing model waits it out.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Refused_links_change_nothing_racing_decisions_make_exactly_one_and_a_cancelled_request_ends_cancelled()
    {
        await using PromotionStack stack = await PromotionStack.StartAsync(azurite, maildev, new Dictionary<string, string>
        {
            ["Promotion__ApprovalDeadline"] = Deadline.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            // The test plays App Service Authentication: the posts below name who is signed in.
            ["Callers__TrustPlatformIdentity"] = "true",
        });
        (int lapsingChampion, int lapsingChallenger) = await stack.SeedAsync(Lapsing, PromotionModels.Telco);
        (int champion, int challenger) = await stack.SeedAsync(Decided, PromotionModels.Telco);
        (int withdrawnChampion, int withdrawnChallenger) = await stack.SeedAsync(Withdrawn, PromotionModels.Telco);
        (await stack.RequestPromotionAsync(Lapsing, lapsingChallenger)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await stack.RequestPromotionAsync(Decided, challenger)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await stack.RequestPromotionAsync(Withdrawn, withdrawnChallenger)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        RenderedForm approve = ApprovalBrowser.FormOf(await stack.LinkAsync(stack.Approvers[0], Decided, "Approve"));
        RenderedForm reject = ApprovalBrowser.FormOf(await stack.LinkAsync(stack.Approvers[1], Decided, "Reject"));
        int auditBefore = (await stack.AuditAsync(Decided)).Length;
        string token = approve.Token;
        string tampered = (token[0] == 'A' ? 'B' : 'A') + token[1..];

        // Refusals: each a page with a 4xx that says nothing changed.
        (await ApprovalBrowser.RefusalAsync(ApprovalBrowser.SubmitAsync(stack.Browser, approve, "Mine, and fine.", signedIn: stack.Requester)))
            .Should().Be((HttpStatusCode.Forbidden, "SelfApproval"));
        (await ApprovalBrowser.RefusalAsync(ApprovalBrowser.SubmitAsync(stack.Browser, approve, "Looks fine to me.", signedIn: "mallory@example.org")))
            .Should().Be((HttpStatusCode.Forbidden, "NotAnApprover"));
        (await ApprovalBrowser.RefusalAsync(ApprovalBrowser.SubmitAsync(stack.Browser, approve, "Tampered.", token: tampered)))
            .Should().Be((HttpStatusCode.NotFound, "Forged"));
        (await ApprovalBrowser.RefusalAsync(stack.Browser.GetAsync(new Uri($"{approve.Action}?token={tampered}&decision=approve"))))
            .Should().Be((HttpStatusCode.NotFound, "Forged"));
        await NothingChangedAsync(stack, Decided, challenger, champion, auditBefore);

        // Ten Approve posts racing three Reject posts: one decision.
        HttpResponseMessage[] answers = await Task.WhenAll(Enumerable.Range(0, 13).Select(i => i < 10
            ? ApprovalBrowser.SubmitAsync(stack.Browser, approve, $"approve {i}")
            : ApprovalBrowser.SubmitAsync(stack.Browser, reject, $"reject {i}")));
        HttpStatusCode[] statuses = answers.Select(a => a.StatusCode).ToArray();
        string[] pages = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));
        foreach (HttpResponseMessage answer in answers) answer.Dispose();
        statuses.Count(s => s == HttpStatusCode.OK).Should().Be(1, string.Join(", ", statuses));
        statuses.Where(s => s != HttpStatusCode.OK).Should().OnlyContain(s => s == HttpStatusCode.Conflict, "the others see the decided state");
        pages.Where((_, i) => statuses[i] == HttpStatusCode.Conflict).Should().OnlyContain(p => p.Contains("Nothing was changed.", StringComparison.Ordinal));
        bool approved = Array.IndexOf(statuses, HttpStatusCode.OK) < 10;

        JsonElement outcome = await stack.WaitForStageAsync(Decided, challenger, approved ? "Promoted" : "Rejected");
        outcome.GetProperty("runtimeStatus").GetString().Should().Be("Completed");
        JsonElement[] audit = await stack.AuditAsync(Decided);
        audit.Length.Should().Be(auditBefore + (approved ? 1 : 0), "one decision makes at most one audit entry");
        audit.Count(e => e.GetProperty("action").GetString() == "alias").Should().Be(approved ? 2 : 1);
        (await stack.Registry.GetAliasAsync(Decided, ModelRegistry.ChampionAlias, CancellationToken.None)).Version.Should().Be(approved ? challenger : champion);

        // The winning link, used again, is refused.
        RenderedForm winner = approved ? approve : reject;
        (await ApprovalBrowser.RefusalAsync(ApprovalBrowser.SubmitAsync(stack.Browser, winner, "Once more.")))
            .Should().Be((HttpStatusCode.Conflict, "AlreadyUsed"));
        (await stack.AuditAsync(Decided)).Length.Should().Be(audit.Length);

        // The third request is withdrawn over HTTP once its approvers were asked; a second cancel is refused.
        RenderedForm withdrawnLink = ApprovalBrowser.FormOf(await stack.LinkAsync(stack.Approvers[0], Withdrawn, "Approve"));
        using (HttpResponseMessage cancel = await stack.Pipelines.PostAsJsonAsync($"/api/models/{Withdrawn}/promotions/{withdrawnChallenger}/cancel", new { reason = "Wrong training window.", by = stack.Requester }))
        {
            cancel.StatusCode.Should().Be(HttpStatusCode.Accepted, await cancel.Content.ReadAsStringAsync());
        }

        JsonElement cancelled = await stack.WaitForStageAsync(Withdrawn, withdrawnChallenger, "Cancelled");
        cancelled.GetProperty("reasons")[0].GetString().Should().Be($"cancelled by {stack.Requester}: Wrong training window.");
        using (HttpResponseMessage twice = await stack.Pipelines.PostAsJsonAsync($"/api/models/{Withdrawn}/promotions/{withdrawnChallenger}/cancel", new { reason = "Again." }))
        {
            twice.StatusCode.Should().Be(HttpStatusCode.Conflict);
        }

        // The same through the CLI: list shows the request, a cancel of the ended request fails naming why.
        string[] pipelines = ["--url", stack.Host.AddressOf(1).AbsoluteUri, "--key", stack.Host.FunctionKey];
        (int listExit, string listOutput, string listError) = await ModelOpsCli.RunAsync(["promote", "list", Withdrawn, .. pipelines]);
        (int cancelExit, _, string cancelError) = await ModelOpsCli.RunAsync(["promote", "cancel", Withdrawn, withdrawnChallenger.ToString(System.Globalization.CultureInfo.InvariantCulture), "--reason", "Again.", .. pipelines]);
        (int noReason, _, string noReasonError) = await ModelOpsCli.RunAsync(["promote", "cancel", Withdrawn, "2", .. pipelines]);
        listExit.Should().Be(0, listError);
        listOutput.Should().StartWith($"{withdrawnChallenger}\tCancelled\t");
        cancelExit.Should().Be(1);
        cancelError.Should().Contain("no longer open");
        noReason.Should().Be(2);
        noReasonError.Should().Contain("--reason");

        (await ApprovalBrowser.RefusalAsync(ApprovalBrowser.SubmitAsync(stack.Browser, withdrawnLink, "Too late.")))
            .Should().Be((HttpStatusCode.Conflict, "RequestDecided"));
        JsonElement[] listed = (await stack.Pipelines.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/models/{Withdrawn}/promotions", UriKind.Relative)))!;
        listed.Should().ContainSingle().Which.GetProperty("stage").GetString().Should().Be("Cancelled");
        (await stack.Registry.GetAliasAsync(Withdrawn, ModelRegistry.ChampionAlias, CancellationToken.None)).Version.Should().Be(withdrawnChampion);

        // The other model's request lapses at the deadline; its link then says so, and nothing moves.
        RenderedForm late = ApprovalBrowser.FormOf(await stack.LinkAsync(stack.Approvers[0], Lapsing, "Approve"));
        JsonElement expired = await stack.WaitForStageAsync(Lapsing, lapsingChallenger, "Expired");
        expired.GetProperty("reasons")[0].GetString().Should().StartWith("nobody decided by");
        int lapsingAudit = (await stack.AuditAsync(Lapsing)).Length;
        (await ApprovalBrowser.RefusalAsync(ApprovalBrowser.SubmitAsync(stack.Browser, late, "Sorry, I was away.")))
            .Should().Be((HttpStatusCode.Gone, "Expired"));
        (await stack.Registry.GetAliasAsync(Lapsing, ModelRegistry.ChampionAlias, CancellationToken.None)).Version.Should().Be(lapsingChampion);
        (await stack.AuditAsync(Lapsing)).Length.Should().Be(lapsingAudit);
        (await stack.WaitForMailAsync(stack.Requester, Lapsing, "Promotion expired undecided")).GetProperty("subject").GetString().Should().Contain(Lapsing);
        stack.Sessions.Should().Be(1);
    }

    private static async Task NothingChangedAsync(PromotionStack stack, string model, int version, int champion, int auditEntries)
    {
        (await stack.StatusAsync(model, version)).GetProperty("stage").GetString().Should().Be("AwaitingApproval");
        (await stack.Registry.GetAliasAsync(model, ModelRegistry.ChampionAlias, CancellationToken.None)).Version.Should().Be(champion);
        (await stack.AuditAsync(model)).Length.Should().Be(auditEntries);
    }
}
