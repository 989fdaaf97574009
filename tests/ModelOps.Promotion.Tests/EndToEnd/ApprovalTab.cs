using ModelOps.Reports.Tests;
using PuppeteerSharp;

namespace ModelOps.Promotion.Tests.EndToEnd;

/// <summary>What the approver's browser showed after a submit: the HTTP status of the answer and its DOM.</summary>
internal sealed record SubmittedPage(int Status, string Dom);

/// <summary>
/// An approver's tab in Debian's headless Chromium, driven over the DevTools protocol (PuppeteerSharp, never a
/// downloaded browser): it opens the link from the mail, keeps a screenshot of the report as a test artifact, and
/// later types the comment and clicks the decision button, as a person does, reading the page the post answered.
/// The tab stays open between the two, so the click posts the form the page rendered, whatever happened to the host
/// in the meantime.
/// </summary>
internal sealed class ApprovalTab : IAsyncDisposable
{
    private readonly IBrowser _browser;
    private readonly IPage _page;
    private readonly string _profile;

    private ApprovalTab(IBrowser browser, IPage page, string profile) => (_browser, _page, _profile) = (browser, page, profile);

    /// <summary>Starts Chromium with a new profile and no network services, and opens one tab of 1200×2400.</summary>
    public static async Task<ApprovalTab> StartAsync()
    {
        string profile = Directory.CreateTempSubdirectory("chromium-profile-").FullName;
        IBrowser browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = HeadlessChromium.Executable,
            Headless = true,
            UserDataDir = profile,
            Timeout = 180_000,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        try
        {
            IPage page = await browser.NewPageAsync();
            page.DefaultTimeout = 180_000;
            page.DefaultNavigationTimeout = 180_000;
            await page.SetViewportAsync(new ViewPortOptions { Width = 1200, Height = 2400 });
            return new ApprovalTab(browser, page, profile);
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens <paramref name="link"/>; answers the DOM it rendered and the path of a PNG of the page.</summary>
    public async Task<(int Status, string Dom, string Screenshot)> OpenAsync(Uri link, string screenshotName)
    {
        ArgumentNullException.ThrowIfNull(link);
        string png = Path.Combine(ApprovalBrowser.ArtifactFolder, screenshotName);
        File.Delete(png);
        IResponse response = await _page.GoToAsync(link.AbsoluteUri, WaitUntilNavigation.Load);
        string dom = await _page.GetContentAsync();
        await _page.ScreenshotAsync(png, new ScreenshotOptions { FullPage = true });
        return ((int)response.Status, dom, png);
    }

    /// <summary>Types <paramref name="comment"/> into the comment box and clicks the form's button; answers the page the post led to.</summary>
    public async Task<SubmittedPage> SubmitAsync(string comment)
    {
        await _page.TypeAsync("textarea[name=comment]", comment);
        Task<IResponse> navigation = _page.WaitForNavigationAsync(new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load] });
        await _page.ClickAsync("form[method=post] button[type=submit]");
        IResponse response = await navigation;
        return new SubmittedPage((int)response.Status, await _page.GetContentAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await _page.DisposeAsync();
        await _browser.CloseAsync();
        await _browser.DisposeAsync();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still hold a lock file for a moment; the temp folder is cleaned with the machine.
        }
    }
}
