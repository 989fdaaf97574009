using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using ModelOps.Registry.Promotion;
using ModelOps.Testing;

namespace ModelOps.Mail.Tests;

public sealed partial class SmtpApprovalMailerTests(MaildevFixture maildev) : IClassFixture<MaildevFixture>
{
    private static readonly PromotionRequest Request = new("churn", 5, "champion", "dana@example.org", PromotionReason.Drift, Note: "PSI 0.31 on tenure <since May>");

    [Fact]
    public async Task The_email_arrives_with_both_parts_and_links_that_carry_the_approvers_token()
    {
        var tokens = new ApprovalTokens(new InMemoryApprovalTokenStore(), RandomNumberGenerator.Create(), new ManualTimeProvider(), new ApprovalTokenOptions());
        IssuedApprovalToken issued = await tokens.IssueAsync(Request, "eli@example.org", ["eli@example.org"], CancellationToken.None);
        var baseUrl = new Uri("http://127.0.0.1:7071/api/");
        var logger = new RecordingLogger<SmtpApprovalMailer>();
        var mailer = new SmtpApprovalMailer(Options.Create(Smtp()), logger);
        ApprovalMail mail = Mail(issued, baseUrl);

        await mailer.SendAsync(mail, CancellationToken.None);

        JsonElement message = await maildev.WaitForMessageToAsync("eli@example.org", TimeSpan.FromSeconds(60));
        message.GetProperty("subject").GetString().Should().Be("Approve promotion: churn version 5 to 'champion'");
        string html = message.GetProperty("html").GetString()!;
        string text = message.GetProperty("text").GetString()!;
        html.Should().Contain("AUROC").And.Contain("0.8512").And.Contain("0.8231").And.Contain("fairness: passed").And.Contain("PSI 0.31 on tenure &lt;since May&gt;");
        text.Should().Contain("Why: the champion's inputs drifted").And.Contain("metrics: passed");

        string[] htmlLinks = HrefPattern().Matches(html).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).ToArray();
        htmlLinks.Should().Equal(mail.ApproveLink.AbsoluteUri, mail.RejectLink.AbsoluteUri);
        text.Should().Contain("Approve: " + mail.ApproveLink.AbsoluteUri).And.Contain("Reject:  " + mail.RejectLink.AbsoluteUri);
        foreach (string link in htmlLinks)
        {
            var uri = new Uri(link);
            uri.AbsolutePath.Should().Be($"/api/approvals/{Request.Id}");
            string token = Uri.UnescapeDataString(TokenPattern().Match(uri.Query).Groups[1].Value);
            ApprovalTokens.HashOf(token).Should().Be(issued.Record.TokenHash, "the link's token is the one whose hash was stored");
            (await tokens.CheckAsync(Request, token, null, ["eli@example.org"], CancellationToken.None)).Accepted.Should().BeTrue();
        }

        logger.Lines.Should().NotBeEmpty();
        logger.Lines.Should().NotContain(l => l.Contains(issued.Token, StringComparison.Ordinal) || l.Contains("token=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_send_throws_and_logs_no_token()
    {
        var logger = new RecordingLogger<SmtpApprovalMailer>();
        var mailer = new SmtpApprovalMailer(Options.Create(Smtp(LoopbackPorts.GetFree())), logger);
        var tokens = new ApprovalTokens(new InMemoryApprovalTokenStore(), RandomNumberGenerator.Create(), new ManualTimeProvider(), new ApprovalTokenOptions());
        IssuedApprovalToken issued = await tokens.IssueAsync(Request, "eli@example.org", ["eli@example.org"], CancellationToken.None);

        Func<Task> send = () => mailer.SendAsync(Mail(issued, new Uri("http://127.0.0.1:7071/api/")), CancellationToken.None);

        await send.Should().ThrowAsync<Exception>();
        logger.Lines.Should().ContainSingle(l => l.StartsWith("1402 ", StringComparison.Ordinal));
        logger.Lines.Should().NotContain(l => l.Contains(issued.Token, StringComparison.Ordinal));
    }

    [Fact]
    public void Invalid_settings_are_refused_naming_each_setting()
    {
        Action create = () => _ = new SmtpApprovalMailer(Options.Create(new SmtpOptions { Host = "", Port = 0, From = "not an address", UserName = "u" }), new RecordingLogger<SmtpApprovalMailer>());

        create.Should().Throw<OptionsValidationException>().Which.Failures.Should()
            .Contain("Smtp:Host is required.").And.Contain("Smtp:Port must be between 1 and 65535.")
            .And.Contain("Smtp:From must be an e-mail address.").And.Contain("Smtp:UserName and Smtp:Password are given together or not at all.");
    }

    private SmtpOptions Smtp(int? port = null) => new() { Host = "127.0.0.1", Port = port ?? maildev.SmtpPort, From = "ModelOps <modelops@example.org>", TlsMode = SmtpTlsMode.None };

    private static ApprovalMail Mail(IssuedApprovalToken issued, Uri baseUrl) => new(
        Request,
        "eli@example.org",
        4,
        [new MetricComparison("AUROC", 0.8512, 0.8231), new MetricComparison("log-loss", 0.41, 0.44)],
        [new GateResult(GateNames.Metrics, true, ["AUROC 0.8512 against 0.8231."]), new GateResult(GateNames.Fairness, true, ["disparate impact 0.91."])],
        ApprovalLinks.For(baseUrl, Request.Id, issued.Token, ApprovalDecision.Approve),
        ApprovalLinks.For(baseUrl, Request.Id, issued.Token, ApprovalDecision.Reject),
        issued.Record.ExpiresAt);

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex HrefPattern();

    [GeneratedRegex("token=([^&]+)")]
    private static partial Regex TokenPattern();
}
