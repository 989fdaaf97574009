using System.Diagnostics;
using System.Net.Http.Headers;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost;

/// <summary>A failed invocation: the handler answered non-2xx, an unparseable body, or not at all.</summary>
internal sealed class InvocationFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Posts an envelope to <c>POST /{FunctionName}</c> on the handler with the host's headers, reads the
/// answer, logs its <c>Logs</c>, and writes its output bindings. A timeout of <c>functionTimeout</c> + 1 minute applies.
/// </summary>
internal sealed class FunctionInvoker
{
    public const string HostVersion = "4.1040.0";
    private readonly HttpClient _http;
    private readonly OutputBindings _outputs;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly bool _verbose;

    public FunctionInvoker(Uri handler, AppDefinition app, OutputBindings outputs, ILogger logger, TimeProvider clock, bool verbose)
    {
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = handler, Timeout = app.FunctionTimeout + TimeSpan.FromMinutes(1) };
        _outputs = outputs;
        _logger = logger;
        _clock = clock;
        _verbose = verbose;
    }

    public HttpClient Http => _http;

    public static void AddHostHeaders(HttpRequestHeaders headers, Guid invocationId)
    {
        headers.TryAddWithoutValidation("X-Azure-Functions-InvocationId", invocationId.ToString());
        headers.TryAddWithoutValidation("X-Azure-Functions-HostVersion", HostVersion);
        headers.TryAddWithoutValidation("User-Agent", "Azure-Functions-Host/" + HostVersion);
    }

    /// <summary>Invokes the function; throws <see cref="InvocationFailedException"/> when the invocation failed.</summary>
    public async Task<InvocationResult> InvokeAsync(FunctionDefinition function, Envelope envelope, string reason, IReadOnlyDictionary<string, string>? triggerValues, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        if (_verbose)
        {
            Log.Executing(_logger, function.Name, reason, id);
        }

        var stopwatch = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/" + function.Name)
        {
            Content = new ByteArrayContent(envelope.ToUtf8(function.Name, _clock.GetUtcNow())),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        AddHostHeaders(request.Headers, id);
        InvocationResult result;
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken);
            byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvocationFailedException($"the handler answered {(int)response.StatusCode}");
            }

            result = InvocationResult.Parse(body);
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.Failed(_logger, function.Name, id, e.Message);
            throw new InvocationFailedException($"{function.Name} failed: {e.Message}", e);
        }
        catch (InvocationFailedException e)
        {
            Log.Failed(_logger, function.Name, id, e.Message);
            throw;
        }

        foreach (string line in result.Logs)
        {
            Log.HandlerLog(_logger, function.Name, line);
        }

        await _outputs.WriteAsync(function, result, triggerValues, cancellationToken);
        if (_verbose)
        {
            Log.Executed(_logger, function.Name, id, stopwatch.ElapsedMilliseconds);
        }

        return result;
    }

    internal static string Version => typeof(FunctionInvoker).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? HostVersion;
}
