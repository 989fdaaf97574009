using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ModelOps.Registry;
using ModelOps.Testing;

namespace ModelOps.Promotion.Tests.EndToEnd;

/// <summary>
/// Promotion as users meet it: both apps under the local Functions host on Azurite and maildev, a request over HTTP,
/// the approver's mail, the approval page in headless Chromium, the decision posted through its form, the champion
/// moved, and the Scoring app serving the new version. The host is stopped and started again between the steps, once
/// while the orchestration waits for the decision.
/// </summary>
[Collection(LocalServices.Name)]
public sealed class PromotionEndToEndTests(AzuriteFixture azurite, MaildevFixture maildev)
{
    private const string Model = "telco";
    private const string Comment = "Better AUROC on the held-out customers; checked the lift chart.";

    [Fact]
    public async Task An_approved_promotion_survives_host_restarts_moves_the_champion_once_and_scoring_serves_the_new_version()
    {
        await using PromotionStack stack = await PromotionStack.StartAsync(azurite, maildev);
        (int champion, int challenger) = await stack.SeedAsync(Model, PromotionModels.Telco);
        string row = PromotionModels.TelcoRowJson();
        (await stack.ServedVersionAsync(Model, row)).Should().Be(champion);

        // Request over HTTP. The host is restarted only where no message is in flight (waiting for the decision, and
        // after the end): a host stopped while it holds a task hub message leaves that message to its queue's
        // visibility timeout (5 minutes), as Durable Functions on Azure Storage does.
        using (HttpResponseMessage accepted = await stack.RequestPromotionAsync(Model, challenger))
        {
            accepted.StatusCode.Should().Be(HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());
        }

        JsonElement waiting = await stack.WaitForStageAsync(Model, challenger, "AwaitingApproval");
        waiting.GetProperty("runtimeStatus").GetString().Should().Be("Running");

        // The mail arrives; the host goes down again while the orchestration waits for the decision.
        Uri approve = await stack.LinkAsync(stack.Approvers[0], Model, "Approve");
        approve.Port.Should().Be(stack.Host.AddressOf(1).Port, "the link leads to the Pipelines app's approval page");
        await stack.WaitUntilSettledAsync(Model, challenger);
        await stack.RestartAsync();
        (await stack.StatusAsync(Model, challenger)).GetProperty("stage").GetString().Should().Be("AwaitingApproval");

        // Chromium opens the link: the report with its charts and the confirmation form. Opening decides nothing.
        (string dom, string screenshot) = await ApprovalBrowser.OpenAsync(approve, "promotion-approval-page.png");
        new FileInfo(screenshot).Length.Should().BeGreaterThan(0);
        (await File.ReadAllBytesAsync(screenshot)).Take(8).Should().Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, "the screenshot is a PNG");
        ApprovalBrowser.DrawnCharts(dom).Should().BeGreaterThanOrEqualTo(3, "ROC curves, lift and calibration are drawn as SVG");
        dom.Should().Contain($"version {challenger} of {Model}").And.NotContain("<script");
        (await stack.StatusAsync(Model, challenger)).GetProperty("stage").GetString().Should().Be("AwaitingApproval");
        (await stack.Registry.GetAliasAsync(Model, ModelRegistry.ChampionAlias, CancellationToken.None)).Version.Should().Be(champion);

        // The approver submits the rendered form with a comment. The host goes down again once the flow has ended.
        RenderedForm form = ApprovalBrowser.FormIn(dom);
        form.Decision.Should().Be("approve");
        using (HttpResponseMessage decided = await ApprovalBrowser.SubmitAsync(stack.Browser, form, Comment))
        {
            decided.StatusCode.Should().Be(HttpStatusCode.OK, await decided.Content.ReadAsStringAsync());
        }

        await stack.WaitForStageAsync(Model, challenger, "Promoted");
        (await stack.WaitForMailAsync(stack.Requester, Model, "Promotion was approved and promoted")).GetProperty("text").GetString().Should().Contain(Comment);
        await stack.RestartAsync();
        JsonElement promoted = await stack.WaitForStageAsync(Model, challenger, "Promoted");
        promoted.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).Should().Contain(r => r!.Contains($"to {challenger}", StringComparison.Ordinal));

        (await stack.Registry.GetAliasAsync(Model, ModelRegistry.ChampionAlias, CancellationToken.None)).Version.Should().Be(challenger);
        (await ServedAfterPollAsync(stack, row, challenger)).Should().Be(challenger, "the Scoring app swaps to the new champion on its own");

        JsonElement[] moves = (await stack.AuditAsync(Model)).Where(e => e.GetProperty("action").GetString() == "alias").ToArray();
        moves.Should().HaveCount(2, "the first champion and exactly one promotion, across three host sessions");
        moves[^1].GetProperty("principal").GetString().Should().Be(stack.Approvers[0]);
        moves[^1].GetProperty("reason").GetString().Should().Contain(stack.Requester).And.Contain(stack.Approvers[0]).And.Contain(Comment);
        stack.Sessions.Should().Be(3);
    }

    /// <summary>Scores until the answer comes from <paramref name="expected"/> (the cache polls its alias) or patience runs out; answers the last version seen.</summary>
    private static async Task<int> ServedAfterPollAsync(PromotionStack stack, string row, int expected)
    {
        var stopwatch = Stopwatch.StartNew();
        int served;
        do
        {
            served = await stack.ServedVersionAsync(Model, row);
            if (served == expected) break;
            await Task.Delay(500);
        }
        while (stopwatch.Elapsed < PromotionStack.Patience);

        return served;
    }
}
