using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ModelOps.Registry;
using ModelOps.Testing;

namespace ModelOps.Promotion.Tests.EndToEnd;

/// <summary>
/// Promotion as users meet it: both apps under the local Functions host on Azurite and maildev, a request over HTTP,
/// the approver's mail, the approval page in headless Chromium where the approver types a comment and clicks Approve,
/// the champion moved, and the Scoring app serving the new version. The host is stopped and started again between
/// every pair of steps, wherever the flow happens to be.
/// </summary>
[Collection(LocalServices.Name)]
public sealed class PromotionEndToEndTests(AzuriteFixture azurite, MaildevFixture maildev)
{
    private const string Model = "telco";
    private const string Comment = "Better AUROC on the held-out customers; checked the lift chart.";
    private const string StorageProvider = "AzureFunctionsJobHost__extensions__durableTask__storageProvider__";

    /// <summary>
    /// A host stopped while it holds a task hub message leaves that message hidden for its queue's visibility timeout
    /// (5 minutes by default, as Durable Functions on Azure Storage does); the test's Pipelines app shortens it with the
    /// app settings that override host.json, so a restart costs seconds, not minutes.
    /// </summary>
    private static readonly Dictionary<string, string> ShortVisibility = new()
    {
        [StorageProvider + "controlQueueVisibilityTimeout"] = "00:00:15",
        [StorageProvider + "workItemQueueVisibilityTimeout"] = "00:00:15",
    };

    [Fact]
    public async Task An_approved_promotion_survives_a_host_restart_between_every_step_moves_the_champion_once_and_scoring_serves_the_new_version()
    {
        await using PromotionStack stack = await PromotionStack.StartAsync(azurite, maildev, ShortVisibility);
        (int champion, int challenger) = await stack.SeedAsync(Model, PromotionModels.Telco);
        string row = PromotionModels.TelcoRowJson();
        (await stack.ServedVersionAsync(Model, row)).Should().Be(champion);

        // Requested over HTTP; the host goes down with the orchestration just started.
        using (HttpResponseMessage accepted = await stack.RequestPromotionAsync(Model, challenger))
        {
            accepted.StatusCode.Should().Be(HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());
        }

        await stack.RestartAsync();

        // The gates passed; down again while the approvers are being asked.
        JsonElement asking = await stack.WaitForStageAsync(Model, challenger, "AwaitingApproval");
        asking.GetProperty("runtimeStatus").GetString().Should().Be("Running");
        await stack.RestartAsync();

        // The mail arrives; down again.
        Uri approve = await stack.LinkAsync(stack.Approvers[0], Model, "Approve");
        approve.Port.Should().Be(stack.Host.AddressOf(1).Port, "the link leads to the Pipelines app's approval page");
        await stack.RestartAsync();

        // Chromium opens the link: the report with its charts and the confirmation form. Opening decides nothing.
        await using ApprovalTab tab = await ApprovalTab.StartAsync();
        (int opened, string dom, string screenshot) = await tab.OpenAsync(approve, "promotion-approval-page.png");
        opened.Should().Be(200);
        new FileInfo(screenshot).Length.Should().BeGreaterThan(0);
        (await File.ReadAllBytesAsync(screenshot)).Take(8).Should().Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, "the screenshot is a PNG");
        ApprovalBrowser.DrawnCharts(dom).Should().BeGreaterThanOrEqualTo(3, "ROC curves, lift and calibration are drawn as SVG");
        dom.Should().Contain($"version {challenger} of {Model}").And.NotContain("<script");
        ApprovalBrowser.FormIn(dom).Decision.Should().Be("approve");
        (await stack.StatusAsync(Model, challenger)).GetProperty("stage").GetString().Should().Be("AwaitingApproval");
        (await stack.Registry.GetAliasAsync(Model, ModelRegistry.ChampionAlias, CancellationToken.None)).Version.Should().Be(champion);

        // Down again while the page is open in the tab; the approver then types a comment and clicks Approve.
        await stack.RestartAsync();
        SubmittedPage decided = await tab.SubmitAsync(Comment);
        decided.Status.Should().Be(200, decided.Dom);
        decided.Dom.Should().Contain("data-decision=\"approved\"").And.Contain(Comment);

        // Down again with the decision on its way to the orchestration.
        await stack.RestartAsync();

        // The champion moves; down again before the requester is told.
        await WaitForChampionAsync(stack, challenger);
        await stack.RestartAsync();

        JsonElement promoted = await stack.WaitForStageAsync(Model, challenger, "Promoted");
        promoted.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).Should().Contain(r => r!.Contains($"to {challenger}", StringComparison.Ordinal));
        (await stack.WaitForMailAsync(stack.Requester, Model, "Promotion was approved and promoted")).GetProperty("text").GetString().Should().Contain(Comment);
        (await ServedAfterPollAsync(stack, row, challenger)).Should().Be(challenger, "the Scoring app swaps to the new champion on its own");

        JsonElement[] moves = (await stack.AuditAsync(Model)).Where(e => e.GetProperty("action").GetString() == "alias").ToArray();
        moves.Should().HaveCount(2, "the first champion and exactly one promotion, across seven host sessions");
        moves[^1].GetProperty("principal").GetString().Should().Be(stack.Approvers[0]);
        moves[^1].GetProperty("reason").GetString().Should().Contain(stack.Requester).And.Contain(stack.Approvers[0]).And.Contain(Comment);
        stack.Sessions.Should().Be(7);
    }

    /// <summary>Waits until the registry's champion is <paramref name="version"/> (bounded by the stack's patience).</summary>
    private static async Task WaitForChampionAsync(PromotionStack stack, int version)
    {
        var stopwatch = Stopwatch.StartNew();
        while ((await stack.Registry.GetAliasAsync(Model, ModelRegistry.ChampionAlias, CancellationToken.None)).Version != version)
        {
            if (stopwatch.Elapsed > PromotionStack.Patience)
            {
                throw new TimeoutException($"The champion did not move to version {version} within {PromotionStack.Patience}. Host output: {stack.Host.Output}");
            }

            await Task.Delay(250);
        }
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
