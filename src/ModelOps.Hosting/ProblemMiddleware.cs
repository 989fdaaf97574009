using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace ModelOps.Hosting;

/// <summary>
/// The one place where exceptions become HTTP answers: every failure of an HTTP function is an RFC 7807
/// problem. Client mistakes map to 4xx with the reason (and the field or position); anything unexpected
/// is a 500 that reveals nothing internal. Failures of other triggers are rethrown, so the host records
/// them and retries or poisons the message as it is configured to.
/// </summary>
public sealed partial class ProblemMiddleware(IEnumerable<IProblemMapping> mappings, ILogger<ProblemMiddleware> logger) : IFunctionsWorkerMiddleware
{
    /// <summary>The media type of every error answer.</summary>
    public const string ProblemMediaType = "application/problem+json";

    private readonly IProblemMapping[] _mappings = mappings.ToArray();

    /// <inheritdoc />
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context);
        }
        catch (Exception exception) when (context.GetHttpContext() is { Response.HasStarted: false })
        {
            HttpContext http = context.GetHttpContext()!;
            ProblemDetails problem = Map(exception, http.RequestAborted);
            if (problem.Status >= StatusCodes.Status500InternalServerError)
            {
                LogUnhandled(logger, exception, context.FunctionDefinition.Name, http.Request.Method);
            }

            await WriteAsync(http.Response, problem, context.CancellationToken);
        }
    }

    /// <summary>The problem an exception becomes (mappings first, then the framework's own failures).</summary>
    public ProblemDetails Map(Exception exception, CancellationToken requestAborted)
    {
        ArgumentNullException.ThrowIfNull(exception);
        foreach (IProblemMapping mapping in _mappings)
        {
            if (mapping.TryMap(exception) is { } mapped)
            {
                return mapped;
            }
        }

        return exception switch
        {
            JsonException json => MalformedJson(json),
            PreconditionRequiredException e => WithExtension(Problem(StatusCodes.Status428PreconditionRequired, "Precondition required", e.Message), "header", e.Header),
            BadHttpRequestException bad => Problem(bad.StatusCode, "Bad request", bad.Message),
            OperationCanceledException when requestAborted.IsCancellationRequested =>
                Problem(499, "Client closed request", "The request was cancelled by the client."),
            _ => Problem(StatusCodes.Status500InternalServerError, "Internal error", "An unexpected error occurred; it has been logged."),
        };
    }

    /// <summary>Builds a problem with the given status, title and detail.</summary>
    public static ProblemDetails Problem(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };

    /// <summary>Adds one extension member to <paramref name="problem"/> (a field name, a header, the reasons).</summary>
    public static ProblemDetails WithExtension(ProblemDetails problem, string name, object value)
    {
        ArgumentNullException.ThrowIfNull(problem);
        problem.Extensions[name] = value;
        return problem;
    }

    /// <summary>
    /// A body that is not the JSON expected, naming where: <c>line</c> and <c>byte</c> (both counted from 1)
    /// and the JSON <c>path</c> when the reader knows them.
    /// </summary>
    public static ProblemDetails MalformedJson(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ProblemDetails problem = Problem(StatusCodes.Status400BadRequest, "Malformed JSON", "The body is not valid JSON " + JsonPosition.Describe(exception) + ".");
        if (exception.LineNumber is { } line)
        {
            problem.Extensions["line"] = line + 1;
        }

        if (exception.BytePositionInLine is { } position)
        {
            problem.Extensions["byte"] = position + 1;
        }

        if (!string.IsNullOrEmpty(exception.Path))
        {
            problem.Extensions["path"] = exception.Path;
        }

        return problem;
    }

    /// <summary>The problem extension whose whole seconds also go out as the <c>Retry-After</c> header (a 503 says when to come back).</summary>
    public const string RetryAfterExtension = "retryAfter";

    /// <summary>
    /// Writes <paramref name="problem"/> as the response, with its status and <c>application/problem+json</c>
    /// (and <c>Retry-After</c> when the problem carries <see cref="RetryAfterExtension"/>).
    /// </summary>
    public static Task WriteAsync(HttpResponse response, ProblemDetails problem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(problem);
        response.Clear();
        response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        if (problem.Extensions.TryGetValue(RetryAfterExtension, out object? seconds) && seconds is int retryAfter)
        {
            response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        }

        return response.WriteAsJsonAsync(problem, ProblemJsonContext.Default.ProblemDetails, ProblemMediaType, cancellationToken);
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Unhandled exception in function {Function} ({Method})")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string function, string method);
}

/// <summary>Where in a JSON text a reader stopped, in words.</summary>
public static class JsonPosition
{
    /// <summary>"at line L, byte B (path P)", counted from 1; "at an unknown position" when the reader did not say.</summary>
    public static string Describe(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception.LineNumber is not { } line)
        {
            return "at an unknown position";
        }

        string where = string.Create(CultureInfo.InvariantCulture, $"at line {line + 1}, byte {(exception.BytePositionInLine ?? 0) + 1}");
        return string.IsNullOrEmpty(exception.Path) || exception.Path == "$" ? where : $"{where} (path {exception.Path})";
    }
}

// The values problem extensions carry: field names, reasons, positions, and lists already in JSON (scoring's errors).
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ProblemJsonContext : JsonSerializerContext;
