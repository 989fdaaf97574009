using System.Net;
using System.Text.RegularExpressions;

namespace ModelOps.Promotion.Tests.EndToEnd;

/// <summary>The confirmation form as headless Chromium rendered it: where it posts and its hidden fields.</summary>
internal sealed record RenderedForm(Uri Action, string Token, string Decision);

/// <summary>
/// The approval page's form as a browser submits it (<c>application/x-www-form-urlencoded</c>, no key, no cookies),
/// for the refusal cases that post forged, reused or foreign tokens, and what the rendered page holds (its form, its
/// charts). <see cref="ApprovalTab"/> is the approver clicking in Chromium.
/// </summary>
internal static partial class ApprovalBrowser
{
    /// <summary>Where screenshots go: the test output's <c>TestResults</c> folder.</summary>
    public static string ArtifactFolder => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults")).FullName;

    /// <summary>The charts in <paramref name="dom"/> that draw something (an <c>svg</c> holding a path, line, polyline, polygon, rect or circle).</summary>
    public static int DrawnCharts(string dom) =>
        SvgPattern().Matches(dom).Count(m => ShapePattern().IsMatch(m.Groups[1].Value));

    /// <summary>The confirmation form in the rendered DOM.</summary>
    public static RenderedForm FormIn(string dom)
    {
        Match form = FormPattern().Match(dom);
        if (!form.Success) throw new InvalidOperationException("The page has no confirmation form.");
        return new RenderedForm(new Uri(WebUtility.HtmlDecode(form.Groups[1].Value)), Hidden(dom, "token"), Hidden(dom, "decision"));
    }

    /// <summary>Submits <paramref name="form"/> with <paramref name="comment"/>; <paramref name="signedIn"/> is who the platform says posts.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient browser, RenderedForm form, string comment, string? token = null, string? signedIn = null)
    {
        ArgumentNullException.ThrowIfNull(browser);
        ArgumentNullException.ThrowIfNull(form);
        using var request = new HttpRequestMessage(HttpMethod.Post, form.Action)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["token"] = token ?? form.Token,
                ["decision"] = form.Decision,
                ["comment"] = comment,
            }),
        };
        if (signedIn is not null) request.Headers.Add(Hosting.CallerPrincipal.NameHeader, signedIn);
        return await browser.SendAsync(request);
    }

    /// <summary>The form a link's page would render, read from the link itself (for links not opened in Chromium).</summary>
    public static RenderedForm FormOf(Uri link)
    {
        ArgumentNullException.ThrowIfNull(link);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(link.Query);
        return new RenderedForm(new Uri(link.GetLeftPart(UriPartial.Path)), query["token"].ToString(), query["decision"].ToString());
    }

    /// <summary>The refusal a page answered: its status and the reason it names; asserts it says nothing changed.</summary>
    public static async Task<(HttpStatusCode Status, string Reason)> RefusalAsync(Task<HttpResponseMessage> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        using HttpResponseMessage response = await call;
        string html = await response.Content.ReadAsStringAsync();
        html.Should().Contain("Nothing was changed.");
        return (response.StatusCode, ReasonPattern().Match(html).Groups[1].Value);
    }

    private static string Hidden(string dom, string name)
    {
        Match input = Regex.Match(dom, $"<input[^>]*name=\"{name}\"[^>]*>", RegexOptions.CultureInvariant);
        Match value = Regex.Match(input.Value, "value=\"([^\"]*)\"", RegexOptions.CultureInvariant);
        return value.Success ? WebUtility.HtmlDecode(value.Groups[1].Value) : throw new InvalidOperationException($"The form has no '{name}' field.");
    }

    [GeneratedRegex("<svg\\b[^>]*>(.*?)</svg>", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex SvgPattern();

    [GeneratedRegex("<(path|line|polyline|polygon|rect|circle)\\b", RegexOptions.CultureInvariant)]
    private static partial Regex ShapePattern();

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"", RegexOptions.CultureInvariant)]
    private static partial Regex FormPattern();

    [GeneratedRegex("data-reason=\"([A-Za-z]+)\"", RegexOptions.CultureInvariant)]
    private static partial Regex ReasonPattern();
}
