using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using ModelOps.Pipelines.Promotion;
using ModelOps.Registry.Promotion;

namespace ModelOps.Promotion.Tests;

/// <summary>Opens and posts the approval page the way a browser would from an e-mail link: GET with the link's query, POST with the form's fields.</summary>
internal static class PageCalls
{
    public static string RequestIdOf(Uri link) => Uri.UnescapeDataString(link.AbsolutePath.Split('/')[^1]);

    public static string TokenOf(Uri link) => QueryHelpers.ParseQuery(link.Query)["token"].ToString();

    public static Task<PageAnswer> OpenAsync(this ApprovalPage page, Uri link) =>
        page.OpenAsync(RequestIdOf(link), new QueryCollection(QueryHelpers.ParseQuery(link.Query)), null, CancellationToken.None);

    public static Task<PageAnswer> PostAsync(this ApprovalPage page, Uri link, string comment, IDecisionSignal signal, string? token = null, string? requestId = null)
    {
        Dictionary<string, StringValues> query = QueryHelpers.ParseQuery(link.Query);
        var form = new FormCollection(new Dictionary<string, StringValues>
        {
            ["token"] = token ?? query["token"].ToString(),
            ["decision"] = query["decision"].ToString(),
            ["comment"] = comment,
        });
        return page.DecideAsync(requestId ?? RequestIdOf(link), form, null, signal, CancellationToken.None);
    }
}
