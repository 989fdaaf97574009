using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using ModelOps.Hosting;

namespace ModelOps.Pipelines.Promotion;

/// <summary>
/// The approval page's functions: <c>authLevel: anonymous</c>, because approvers follow links from e-mail; the
/// single-use token in the link is the protection (and, where the platform signs approvers in, who is signed in).
/// Pages are HTML, never cached.
/// </summary>
public sealed class ApprovalPageFunctions(ApprovalPage page, CallerIdentity callers)
{
    [Function("approval-page")]
    public async Task<IActionResult> Page(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "approvals/{requestId}")] HttpRequest req,
        [DurableClient] DurableTaskClient client, string requestId, FunctionContext context)
    {
        CancellationToken ct = context.CancellationToken;
        string? signedIn = callers.SignedIn(req);
        PageAnswer answer = HttpMethods.IsPost(req.Method)
            ? await page.DecideAsync(requestId, req.HasFormContentType ? await req.ReadFormAsync(ct) : FormCollection.Empty, signedIn, new DurableDecisionSignal(client), ct)
            : await page.OpenAsync(requestId, req.Query, signedIn, ct);
        req.HttpContext.Response.Headers.CacheControl = "no-store";
        req.HttpContext.Response.Headers["Referrer-Policy"] = "no-referrer";
        return new ContentResult { StatusCode = answer.StatusCode, ContentType = "text/html; charset=utf-8", Content = answer.Html };
    }
}
