using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace LocalFunctionsHost.TestApp;

/// <summary>HTTP triggers on the worker's ASP.NET Core integration: keys, routes, bodies, streaming.</summary>
public sealed class HttpFunctions
{
    /// <summary>Echoes what arrived (method, path, query, a custom header, body, route value) and records it.</summary>
    [Function("Echo")]
    public static async Task<IActionResult> Echo(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "score/{model}")] HttpRequest req,
        string model,
        FunctionContext context)
    {
        using var reader = new StreamReader(req.Body);
        string body = await reader.ReadToEndAsync(context.CancellationToken);
        var echo = new JsonObject
        {
            ["method"] = req.Method,
            ["path"] = req.Path.Value,
            ["query"] = req.QueryString.Value,
            ["custom"] = req.Headers["X-Custom"].ToString(),
            ["body"] = body,
            ["model"] = model,
            ["invocationId"] = context.InvocationId,
        };
        Recorder.Record("Echo", (JsonObject)echo.DeepClone());
        req.HttpContext.Response.Headers["X-Echo"] = "yes";
        return new ContentResult { Content = echo.ToJsonString(), ContentType = "application/json", StatusCode = 200 };
    }

    /// <summary>Only the master key opens it.</summary>
    [Function("Admin")]
    public static IActionResult Admin([HttpTrigger(AuthorizationLevel.Admin, "get", Route = "admin/ping")] HttpRequest req) =>
        new OkObjectResult("pong");

    /// <summary>Anonymous and empty: also what the benchmark measures.</summary>
    [Function("Open")]
    public static IActionResult Open([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest req) => new OkResult();

    /// <summary>Reads the whole body as a stream and answers its length and SHA-256.</summary>
    [Function("Upload")]
    public static async Task<IActionResult> Upload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "upload")] HttpRequest req,
        FunctionContext context)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[81920];
        long length = 0;
        int read;
        while ((read = await req.Body.ReadAsync(buffer, context.CancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }

        return new OkObjectResult(new { length, sha256 = Convert.ToHexString(hash.GetHashAndReset()) });
    }

    /// <summary>Streams numbered lines, one at a time, until done or the client goes away (then records that).</summary>
    [Function("Stream")]
    public static async Task Stream(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "stream/{count:int}")] HttpRequest req,
        int count)
    {
        HttpResponse response = req.HttpContext.Response;
        response.ContentType = "text/plain";
        try
        {
            for (int i = 0; i < count; i++)
            {
                await response.WriteAsync($"line {i}\n", req.HttpContext.RequestAborted);
                await response.Body.FlushAsync(req.HttpContext.RequestAborted);
                await Task.Delay(100, req.HttpContext.RequestAborted);
            }

            Recorder.Record("Stream", new JsonObject { ["completed"] = true });
        }
        catch (OperationCanceledException)
        {
            Recorder.Record("Stream", new JsonObject { ["aborted"] = true });
        }
    }
}
