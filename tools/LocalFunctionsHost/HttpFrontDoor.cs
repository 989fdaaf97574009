using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace LocalFunctionsHost;

/// <summary>
/// The HTTP front door of one app on 127.0.0.1: routes <c>/{routePrefix}/{route}</c> and methods from each
/// HTTP trigger's metadata, <c>authLevel</c> enforced with the keys from local settings, then — as the
/// Functions host does for workers with ASP.NET Core integration — an InvocationRequest over gRPC (the trigger
/// as an empty <c>RpcHttp</c>, route values as trigger metadata, and query and headers too unless the worker
/// announces <c>RpcHttpTriggerMetadataRemoved</c>) while the request
/// itself, streamed, goes to the worker's own Kestrel with <c>x-ms-invocation-id</c> and the worker writes the
/// answer. A worker that is down gets a 503 problem. <c>GET /admin/host/status</c> (master key) says whether
/// the worker is up. Input bindings (blobs, the durable client) are added as for other triggers, and
/// <c>/runtime/webhooks/durabletask/…</c> goes to the Durable management endpoints when the app has a task hub.
/// </summary>
internal sealed class HttpFrontDoor(AppDefinition app, FunctionKeys keys, IReadOnlyList<FunctionDefinition> functions, WorkerProcess worker, InputBindings inputs, long maxRequestBodyBytes, ILogger logger, bool verbose) : IAsyncDisposable
{
    /// <summary>
    /// The Functions host's request body limit when <c>FUNCTIONS_REQUEST_BODY_SIZE_LIMIT</c> is not set: 100 MB
    /// (104,857,600 bytes), as Azure Functions documents for HTTP triggers.
    /// </summary>
    public const long DefaultMaxRequestBodyBytes = 104_857_600;

    private const string InvocationIdHeader = "x-ms-invocation-id";

    /// <summary>
    /// The trigger's data for a worker that serves HTTP itself: an empty <c>RpcHttp</c>. The Functions host sends the
    /// same ("keep the grpc message minimal", <c>GrpcMessageConversionExtensions.ToRpcHttp</c> in azure-functions-host)
    /// whenever the worker announces <c>HttpUri</c>: method, URL, headers, query, route values, identities and body all
    /// reach the worker with the proxied request, and the worker reads them there, not from gRPC.
    /// </summary>
    private static readonly TypedData ProxiedTrigger = new() { Http = new RpcHttp() };

    private readonly List<(FunctionDefinition Function, BindingDefinition Trigger, RouteTemplate Route, string[]? Methods)> _routes = functions
        .Where(f => string.Equals(f.Trigger.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase))
        .Select(f => (f, f.Trigger, RouteTemplate.Parse(f.Trigger.GetString("route") ?? f.Name), Methods(f.Trigger)))
        .ToList();

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ActivityHeadersPropagator = null,
    });

    private WebApplication? _web;
    private IHttpForwarder? _forwarder;

    public int Port { get; private set; }

    /// <summary>The Durable management endpoints, once the app's task hub runs.</summary>
    public Durable.DurableWebhooks? DurableWebhooks { get; set; }

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
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = maxRequestBodyBytes);
        builder.Services.AddHttpForwarder();
        _web = builder.Build();
        _forwarder = _web.Services.GetRequiredService<IHttpForwarder>();
        _web.Run(HandleAsync);
        await _web.StartAsync(cancellationToken);
        Port = new Uri(_web.Urls.First()).Port;
    }

    private async Task HandleAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "/";
        if (path.Equals("/admin/host/status", StringComparison.OrdinalIgnoreCase))
        {
            await StatusAsync(context);
            return;
        }

        if (Durable.DurableWebhooks.Handles(context.Request.Path))
        {
            await (DurableWebhooks is { } webhooks
                ? webhooks.HandleAsync(context)
                : Problems.WriteAsync(context, 404, "Not found", "This app has no Durable task hub (no orchestrator, activity or durable client functions)."));
            return;
        }

        string prefix = "/" + app.RoutePrefix;
        if (app.RoutePrefix.Length > 0 && !(path.Equals(prefix, StringComparison.OrdinalIgnoreCase) || path.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase)))
        {
            await Problems.WriteAsync(context, 404, "Not found", $"No function answers {path}.");
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

            KeyCheck check = keys.Check(context.Request, AuthLevel(trigger));
            if (!check.Allowed)
            {
                await Problems.WriteAsync(context, 401, "Unauthorized", check.Problem!);
                Log.HttpRequest(logger, context.Request.Method, path, function.Name, 401);
                return;
            }

            if (context.Request.ContentLength > maxRequestBodyBytes)
            {
                // As the Functions host does: a declared body over the limit is refused before any of it is read.
                await Problems.WriteAsync(context, 413, "Request body too large", $"The request body of {context.Request.ContentLength} bytes is over this app's limit of {maxRequestBodyBytes} bytes (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT).");
                Log.HttpRequest(logger, context.Request.Method, path, function.Name, 413);
                return;
            }

            await InvokeAsync(context, function, trigger, values);
            if (verbose)
            {
                Log.HttpRequest(logger, context.Request.Method, path, function.Name, context.Response.StatusCode);
            }

            return;
        }

        if (methodMismatch)
        {
            await Problems.WriteAsync(context, 405, "Method not allowed", $"{context.Request.Method} is not allowed on {path}.");
        }
        else
        {
            await Problems.WriteAsync(context, 404, "Not found", $"No function answers {path}.");
        }
    }

    private async Task StatusAsync(HttpContext context)
    {
        KeyCheck check = keys.Check(context.Request, "admin");
        if (!check.Allowed)
        {
            await Problems.WriteAsync(context, 401, "Unauthorized", check.Problem!);
            return;
        }

        bool running = worker.Current is not null;
        var status = new JsonObject
        {
            ["state"] = running ? "Running" : "Starting",
            ["app"] = app.Name,
            ["functions"] = new JsonArray(functions.Select(f => (JsonNode?)JsonValue.Create(f.Name)).ToArray()),
            ["workerRestarts"] = worker.Restarts,
        };
        context.Response.StatusCode = running ? 200 : 503;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(status.ToJsonString(), context.RequestAborted);
    }

    private async Task InvokeAsync(HttpContext context, FunctionDefinition function, BindingDefinition trigger, Dictionary<string, string> routeValues)
    {
        if (worker.Current is not { } channel)
        {
            context.Response.Headers.RetryAfter = "1";
            await Problems.WriteAsync(context, 503, "Function app unavailable", "The function app's worker is not running; it is being restarted.");
            return;
        }

        if (channel.HttpUri is not { } workerUri)
        {
            await Problems.WriteAsync(context, 501, "HTTP not supported", "The worker does not serve HTTP itself; this host runs HTTP functions only with the worker's ASP.NET Core integration (ConfigureFunctionsWebApplication).");
            return;
        }

        InvocationRequest request = FunctionInvoker.NewRequest(function);
        request.InputData.Add(new ParameterBinding { Name = trigger.Name, Data = ProxiedTrigger });
        foreach ((string name, string value) in routeValues)
        {
            request.TriggerMetadata[name] = new TypedData { String = value };
        }

        if (!channel.HttpTriggerMetadataRemoved)
        {
            // Only for a worker that still binds them from trigger metadata; the isolated worker announces it does not.
            request.TriggerMetadata["Query"] = new TypedData { Json = JsonSerializer.Serialize(context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()), HostJsonContext.Default.DictionaryStringString) };
            request.TriggerMetadata["Headers"] = new TypedData { Json = JsonSerializer.Serialize(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString()), HostJsonContext.Default.DictionaryStringString) };
        }

        try
        {
            await inputs.AddAsync(function, request, routeValues, context.RequestAborted);
        }
        catch (InvalidDataException e)
        {
            // A durable client when the task hub did not start (storage unreachable): the app's fault, not the caller's.
            context.Response.Headers.RetryAfter = "10";
            await Problems.WriteAsync(context, 503, "Function unavailable", e.Message);
            return;
        }

        using var invocation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        invocation.CancelAfter(app.FunctionTimeout);
        long started = Stopwatch.GetTimestamp();
        Log.Executing(logger, function.Name, "This function was programmatically called via the host APIs.", request.InvocationId);
        Task<InvocationResponse> response = channel.InvokeAsync(request, invocation.Token);
        context.Items[InvocationIdHeader] = request.InvocationId;
        ForwarderError error = await _forwarder!.SendAsync(
            context,
            workerUri.ToString(),
            _client,
            new ForwarderRequestConfig { ActivityTimeout = app.FunctionTimeout },
            InvocationTransformer.Instance);

        if (error != ForwarderError.None)
        {
            await invocation.CancelAsync();
            Log.ForwardFailed(logger, context.Request.Method, context.Request.Path.Value ?? "/", function.Name, error.ToString());
            if (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                context.Response.Clear();
                context.Response.Headers.RetryAfter = "1";
                await Problems.WriteAsync(context, 503, "Function app unavailable", "The function app's worker did not answer; it may be restarting.");
            }
        }

        await ObserveAsync(function, request.InvocationId, response, started);
    }

    private async Task ObserveAsync(FunctionDefinition function, string invocationId, Task<InvocationResponse> response, long started)
    {
        try
        {
            InvocationResponse result = await response;
            if (result.Result?.Status == StatusResult.Types.Status.Success)
            {
                Log.Executed(logger, function.Name, invocationId, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            else
            {
                Log.Failed(logger, function.Name, invocationId, result.Result?.Exception?.Message ?? "the worker reported a failure");
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WorkerUnavailableException)
        {
            Log.Failed(logger, function.Name, invocationId, e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_web is not null)
        {
            await _web.StopAsync(TimeSpan.FromSeconds(2));
            await _web.DisposeAsync();
        }

        _client.Dispose();
    }

    /// <summary>Adds the invocation id the worker pairs the request with.</summary>
    private sealed class InvocationTransformer : HttpTransformer
    {
        public static readonly InvocationTransformer Instance = new();

        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.Headers.TryAddWithoutValidation(InvocationIdHeader, (string)httpContext.Items[InvocationIdHeader]!);
        }
    }
}

/// <summary>RFC 7807 problems from the host itself.</summary>
internal static class Problems
{
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        var problem = new JsonObject { ["type"] = "about:blank", ["title"] = title, ["status"] = status, ["detail"] = detail };
        await context.Response.WriteAsync(problem.ToJsonString(), context.RequestAborted);
    }
}
