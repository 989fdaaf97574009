using System.Text.RegularExpressions;
using ModelOps.Registry.Promotion;
using ModelOps.Testing;

namespace ModelOps.Reports.Tests;

public sealed partial class ModelReportPageTests
{
    private static readonly ApprovalForm Form = new(new Uri("http://127.0.0.1:7071/api/approvals/promote-1"), ApprovalDecision.Approve, "tok_en-value", "eli@example.org", new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Headless_chromium_renders_the_report_with_non_empty_charts_and_saves_a_screenshot()
    {
        string folder = Path.Combine(RepositoryLayout.Root, "TestResults", "reports");
        Directory.CreateDirectory(folder);
        string page = Path.Combine(folder, "model-report.html");
        await File.WriteAllTextAsync(page, ModelReportPage.Render(ReportSamples.Full(), Form));

        string dom = await HeadlessChromium.DumpDomAsync(page);
        string png = Path.Combine(folder, "model-report.png");
        await HeadlessChromium.ScreenshotAsync(page, png);

        foreach (string chart in new[] { "roc", "lift", "calibration" })
        {
            string svg = SvgById(dom, chart);
            PolylinePoints().Matches(svg).Should().HaveCount(2, $"the {chart} chart draws challenger and champion");
            PolylinePoints().Matches(svg).Should().OnlyContain(m => m.Groups[1].Value.Split(' ', StringSplitOptions.None).Length >= 5);
        }

        SvgById(dom, "features").Should().Contain("<rect").And.Contain("tenure");
        dom.Should().Contain("id=\"metrics\"").And.Contain("id=\"fairness\"").And.Contain("id=\"drift\"").And.Contain("id=\"gates\"");
        dom.Should().Contain("<form method=\"post\"");
        new FileInfo(png).Length.Should().BeGreaterThan(20_000, "a rendered page with charts is not a blank image");
    }

    [Fact]
    public void The_page_is_self_contained_and_has_no_scripts()
    {
        string html = ModelReportPage.Render(ReportSamples.Full(), Form);

        html.Should().NotContainAny("<script", "<link", "@import", "url(", " src=", "@font-face");
        HrefOrAction().Matches(html).Select(m => m.Groups[1].Value).Should().OnlyContain(v => v == Form.Action.AbsoluteUri);
    }

    [Fact]
    public void Every_text_is_html_encoded()
    {
        const string evil = "<script>alert(\"x\")</script>";

        string html = ModelReportPage.Render(ReportSamples.Full(model: "m<b>&", note: evil), Form with { Approver = evil, Token = "\"><x" });

        html.Should().NotContain("<script").And.NotContain("m<b>&").And.NotContain("\"><x");
        html.Should().Contain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;").And.Contain("m&lt;b&gt;&amp;");
    }

    [Fact]
    public void The_confirmation_form_posts_the_token_and_requires_a_comment()
    {
        string html = ModelReportPage.Render(ReportSamples.Full(), Form with { Decision = ApprovalDecision.Reject });

        html.Should().Contain($"<form method=\"post\" action=\"{Form.Action.AbsoluteUri}\">")
            .And.Contain("<input type=\"hidden\" name=\"token\" value=\"tok_en-value\">")
            .And.Contain("<input type=\"hidden\" name=\"decision\" value=\"reject\">")
            .And.MatchRegex("<textarea [^>]*name=\"comment\" required");
        ModelReportPage.Render(ReportSamples.Full()).Should().NotContain("<form");
    }

    [Fact]
    public void Refusals_have_distinct_pages_and_4xx_statuses_and_say_nothing_changed()
    {
        TokenRefusal[] all = Enum.GetValues<TokenRefusal>();

        string[] titles = all.Select(r => Title().Match(RefusalPage.Render(r)).Groups[1].Value).ToArray();

        titles.Should().OnlyHaveUniqueItems();
        all.Select(RefusalPage.StatusCode).Should().OnlyContain(s => s >= 400 && s < 500);
        RefusalPage.StatusCode(TokenRefusal.Expired).Should().Be(410);
        all.Should().OnlyContain(r => RefusalPage.Render(r, null).Contains("Nothing was changed.", StringComparison.Ordinal));
        RefusalPage.Render(TokenRefusal.AlreadyUsed, new RecordedDecision("r", ApprovalDecision.Reject, "eli@example.org", "<b>no</b>", DateTimeOffset.UnixEpoch))
            .Should().Contain("rejected").And.Contain("&lt;b&gt;no&lt;/b&gt;");
    }

    [Fact]
    public void A_report_from_registry_metrics_says_the_curves_are_not_stored()
    {
        var version = new Registry.ModelVersion("churn", 2, "ab", 1, "onnx", new Dictionary<string, long>(), Registry.ModelSchema.Empty,
            new Dictionary<string, double> { ["auroc"] = 0.84 }, Registry.Lineage.Empty, [], Registry.VersionStatus.Registered, "dana", DateTimeOffset.UnixEpoch);

        string html = ModelReportPage.Render(ModelReport.FromRegistry(version, version with { Version = 1, Metrics = new Dictionary<string, double> { ["auroc"] = 0.8 } }, DateTimeOffset.UnixEpoch));

        html.Should().Contain("<td>auroc</td><td>0.8400</td><td>0.8000</td><td>0.0400</td>").And.Contain("No evaluation curves are stored");
    }

    private static string SvgById(string dom, string id)
    {
        int start = dom.IndexOf($"id=\"chart-{id}\"", StringComparison.Ordinal);
        start.Should().BePositive($"the DOM holds the {id} chart");
        int end = dom.IndexOf("</svg>", start, StringComparison.Ordinal);
        return dom[start..end];
    }

    [GeneratedRegex("<polyline[^>]*points=\"([^\"]+)\"")]
    private static partial Regex PolylinePoints();

    [GeneratedRegex("(?:href|action)=\"([^\"]*)\"")]
    private static partial Regex HrefOrAction();

    [GeneratedRegex("<h1>([^<]+)</h1>")]
    private static partial Regex Title();
}
