using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost;

/// <summary>
/// The HTTP front door of one app on 127.0.0.1: routes <c>/{routePrefix}/{route}</c> and methods from
/// each HTTP trigger's function.json, enforces <c>authLevel</c> with the keys from local settings
/// (<c>x-functions-key</c> header or <c>code</c> query), then forwards the raw request to the handler
/// (<c>enableForwardingHttpRequest</c> for HTTP-in/HTTP-out functions) or sends the <c>Data.req</c>
/// envelope and maps <c>Outputs.res</c> back.
/// </summary>
internal sealed class HttpFrontDoor(AppDefinition app, LocalSettings settings, FunctionInvoker invoker, ILogger logger, bool verbose) : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host",
    };

    private readonly List<(FunctionDefinition Function, BindingDefinition Trigger, RouteTemplate Route, string[]? Methods)> _routes = app.Functions
        .Where(f => string.Equals(f.Trigger.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase))
        .Select(f => (f, f.Trigger, RouteTemplate.Parse(f.Trigger.GetString("route") ?? f.Name), Methods(f.Trigger)))
        .ToList();

    private WebApplication? _web;

    public int Port { get; private set; }

    public IEnumerable<string> RouteDescriptions => _routes.Select(r =>
        $"{string.Join(',', r.Methods ?? ["*"]).ToUpperInvariant()} /{Prefix}{r.Route.Text.Trim('/')} ({r.Function.Name}, {AuthLevel(r.Trigger)})");

    private string Prefix => app.RoutePrefix.Length == 0 ? string.Empty : app.RoutePrefix + "/";

    private static string[]? Methods(BindingDefinition trigger) =>
        trigger.Raw.TryGetProperty("methods", out JsonElement methods) && methods.ValueKind == JsonValueKind.Array && methods.GetArrayLength() > 0
            ? methods.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToArray()
            : null;

    private static string AuthLevel(BindingDefinition trigger) => (trigger.GetString("authLevel") ?? "function").ToLowerInvariant();

    public async Task StartAsync(int port, CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        _web = builder.Build();
        _web.Run(HandleAsync);
        await _web.StartAsync(cancellationToken);
        Port = new Uri(_web.Urls.First()).Port;
    }

    private async Task HandleAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "/";
        string prefix = "/" + app.RoutePrefix;
        if (app.RoutePrefix.Length > 0 && !(path.Equals(prefix, StringComparison.OrdinalIgnoreCase) || path.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase)))
        {
            await ProblemAsync(context, 404, "Not found", $"No function answers {path}.");
            return;
        }

        string routePath = app.RoutePrefix.Length > 0 ? path[prefix.Length..] : path;
        bool methodMismatch = false;
        foreach ((FunctionDefinition function, BindingDefinition trigger, RouteTemplate route, string[]? methods) in _routes)
        {
            Dictionary<string, string>? values = route.Match(routePath);
            if (values is null)
            {
                continue;
            }

            if (methods is not null && !methods.Contains(context.Request.Method.ToUpperInvariant()))
            {
                methodMismatch = true;
                continue;
            }

            if (!Authorized(context.Request, AuthLevel(trigger)))
            {
                await ProblemAsync(context, 401, "Unauthorized", "This function needs a key: send it in the x-functions-key header or the code query parameter.");
                Log.HttpRequest(logger, context.Request.Method, path, function.Name, 401);
                return;
            }

            if (app.EnableForwardingHttpRequest && function.IsHttpInAndOut)
            {
                await ForwardAsync(context);
            }
            else
            {
                await InvokeWithEnvelopeAsync(context, function, trigger, values);
            }

            if (verbose)
            {
                Log.HttpRequest(logger, context.Request.Method, path, function.Name, context.Response.StatusCode);
            }

            return;
        }

        if (methodMismatch)
        {
            await ProblemAsync(context, 405, "Method not allowed", $"{context.Request.Method} is not allowed on {path}.");
        }
        else
        {
            await ProblemAsync(context, 404, "Not found", $"No function answers {path}.");
        }
    }

    private bool Authorized(HttpRequest request, string level)
    {
        if (level == "anonymous")
        {
            return true;
        }

        string? key = request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        if (FixedEquals(key, settings.MasterKey))
        {
            return true;
        }

        return level == "function" && settings.FunctionKeys.Values.Any(k => FixedEquals(key, k));
    }

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private async Task ForwardAsync(HttpContext context)
    {
        HttpRequest incoming = context.Request;
        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), incoming.Path + incoming.QueryString);
        if (incoming.ContentLength > 0 || incoming.Headers.ContainsKey("Transfer-Encoding"))
        {
            request.Content = new StreamContent(incoming.Body);
        }

        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in incoming.Headers)
        {
            if (HopByHop.Contains(header.Key))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string>)header.Value!))
            {
                request.Content?.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string>)header.Value!);
            }
        }

        FunctionInvoker.AddHostHeaders(request.Headers, Guid.NewGuid());
        try
        {
            using HttpResponseMessage response = await invoker.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (KeyValuePair<string, IEnumerable<string>> header in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHop.Contains(header.Key))
                {
                    context.Response.Headers[header.Key] = header.Value.ToArray();
                }
            }

            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            await ProblemAsync(context, 502, "Handler unavailable", "The function app's handler did not answer: " + e.Message);
        }
    }

    private async Task InvokeWithEnvelopeAsync(HttpContext context, FunctionDefinition function, BindingDefinition trigger, Dictionary<string, string> routeValues)
    {
        HttpRequest incoming = context.Request;
        using var buffer = new MemoryStream();
        await incoming.Body.CopyToAsync(buffer, context.RequestAborted);
        string? mediaType = incoming.ContentType?.Split(';')[0].Trim();
        bool binary = mediaType is "application/octet-stream" || mediaType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true;
        var query = new JsonObject();
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> q in incoming.Query)
        {
            query[q.Key] = q.Value.ToString();
        }

        var headers = new JsonObject();
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> h in incoming.Headers)
        {
            headers[h.Key] = new JsonArray(h.Value.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }

        var parameters = new JsonObject();
        foreach (KeyValuePair<string, string> value in routeValues)
        {
            parameters[value.Key] = value.Value;
        }

        var req = new JsonObject
        {
            ["Url"] = $"{incoming.Scheme}://{incoming.Host}{incoming.Path}{incoming.QueryString}",
            ["Method"] = incoming.Method,
            ["Query"] = query,
            ["Headers"] = headers,
            ["Params"] = parameters,
            ["Identities"] = new JsonArray(),
            ["Body"] = binary ? Convert.ToBase64String(buffer.ToArray()) : Encoding.UTF8.GetString(buffer.ToArray()),
        };
        var envelope = new Envelope().AddObject(trigger.Name, req);
        foreach (KeyValuePair<string, string> value in routeValues)
        {
            envelope.AddMetadata(value.Key, value.Value);
        }

        envelope.AddMetadata("Query", query.DeepClone()).AddMetadata("Headers", headers.DeepClone());
        try
        {
            InvocationResult result = await invoker.InvokeAsync(function, envelope, "This function was programmatically called via the host APIs.", routeValues, context.RequestAborted);
            BindingDefinition? http = function.Outputs.FirstOrDefault(b => string.Equals(b.Type, "http", StringComparison.OrdinalIgnoreCase));
            JsonElement? res = http is null ? null
                : http.Name == "$return" ? result.ReturnValue
                : result.Outputs.TryGetValue(http.Name, out JsonElement r) ? r : null;
            await WriteHttpOutputAsync(context, res);
        }
        catch (InvocationFailedException e)
        {
            await ProblemAsync(context, 500, "Function failed", e.Message);
        }
    }

    private static async Task WriteHttpOutputAsync(HttpContext context, JsonElement? res)
    {
        if (res is not { ValueKind: JsonValueKind.Object } output)
        {
            context.Response.StatusCode = 204;
            return;
        }

        int status = 200;
        if (TryGet(output, "statusCode", out JsonElement code) || TryGet(output, "status", out code))
        {
            status = code.ValueKind == JsonValueKind.Number ? code.GetInt32() : int.Parse(code.GetString()!, CultureInfo.InvariantCulture);
        }

        context.Response.StatusCode = status;
        if (TryGet(output, "headers", out JsonElement headers) && headers.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty header in headers.EnumerateObject())
            {
                context.Response.Headers[header.Name] = header.Value.ValueKind == JsonValueKind.String ? header.Value.GetString() : header.Value.GetRawText();
            }
        }

        if (TryGet(output, "body", out JsonElement body) && body.ValueKind != JsonValueKind.Null)
        {
            string text = body.ValueKind == JsonValueKind.String ? body.GetString()! : body.GetRawText();
            if (body.ValueKind != JsonValueKind.String && !context.Response.Headers.ContainsKey("Content-Type"))
            {
                context.Response.ContentType = "application/json";
            }

            await context.Response.WriteAsync(text, context.RequestAborted);
        }
    }

    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static async Task ProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        var problem = new JsonObject { ["type"] = "about:blank", ["title"] = title, ["status"] = status, ["detail"] = detail };
        await context.Response.WriteAsync(problem.ToJsonString(), context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        if (_web is not null)
        {
            await _web.StopAsync();
            await _web.DisposeAsync();
        }
    }
}
