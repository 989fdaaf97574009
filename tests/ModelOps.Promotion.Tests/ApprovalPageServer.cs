using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelOps.Pipelines.Promotion;
using ModelOps.Registry.Promotion;

namespace ModelOps.Promotion.Tests;

/// <summary>
/// The approval page on a real Kestrel on loopback, routed as the function routes it (<c>/api/approvals/{requestId}</c>,
/// GET and POST), so tests post forms over HTTP the way a browser does.
/// </summary>
internal sealed class ApprovalPageServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApprovalPageServer(WebApplication app, HttpClient client) => (_app, Client) = (app, client);

    public HttpClient Client { get; }

    public static async Task<ApprovalPageServer> StartAsync(ApprovalPage page, IDecisionSignal signal)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        app.MapMethods("/api/approvals/{requestId}", ["GET", "POST"], async (HttpContext http, string requestId) =>
        {
            CancellationToken ct = http.RequestAborted;
            string? signedIn = http.Request.Headers[Hosting.CallerPrincipal.NameHeader].ToString() is { Length: > 0 } name ? name : null;
            PageAnswer answer = HttpMethods.IsPost(http.Request.Method)
                ? await page.DecideAsync(requestId, http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : FormCollection.Empty, signedIn, signal, ct)
                : await page.OpenAsync(requestId, http.Request.Query, signedIn, ct);
            return Results.Content(answer.Html, "text/html; charset=utf-8", statusCode: answer.StatusCode);
        });
        await app.StartAsync();
        string address = app.Urls.First();
        return new ApprovalPageServer(app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) });
    }

    /// <summary>The same path and query as <paramref name="link"/> (from an e-mail), on this server.</summary>
    public Uri Local(Uri link) => new(Client.BaseAddress!, link.PathAndQuery);

    /// <summary>Posts the confirmation form for <paramref name="link"/> with <paramref name="comment"/>.</summary>
    /// <summary>Posts the confirmation form for <paramref name="link"/>; <paramref name="signedIn"/> is who the platform says posts.</summary>
    public async Task<HttpResponseMessage> PostAsync(Uri link, string comment, string? token = null, string? signedIn = null)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(link.Query);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Client.BaseAddress!, link.AbsolutePath))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["token"] = token ?? query["token"].ToString(),
                ["decision"] = query["decision"].ToString(),
                ["comment"] = comment,
            }),
        };
        if (signedIn is not null) request.Headers.Add(Hosting.CallerPrincipal.NameHeader, signedIn);
        return await Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
