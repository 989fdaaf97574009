using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace ModelOps.Hosting;

/// <summary>
/// The one place where exceptions become HTTP answers: every failure is an RFC 7807 problem. Client
/// mistakes map to 4xx with the reason; anything unexpected is a 500 that reveals nothing internal.
/// </summary>
public sealed partial class ProblemExceptionHandler(
    IProblemDetailsService problems,
    IEnumerable<IProblemMapping> mappings,
    ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem = Map(exception, httpContext);
        if (problem.Status >= StatusCodes.Status500InternalServerError)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private ProblemDetails Map(Exception exception, HttpContext context)
    {
        foreach (IProblemMapping mapping in mappings)
        {
            if (mapping.TryMap(exception) is { } mapped)
            {
                return mapped;
            }
        }

        return exception switch
        {
            BadHttpRequestException bad => Problem(bad.StatusCode, "Bad request", bad.Message),
            JsonException json => Problem(StatusCodes.Status400BadRequest, "Malformed JSON", json.Message),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested =>
                Problem(499, "Client closed request", "The request was cancelled by the client."),
            _ => Problem(StatusCodes.Status500InternalServerError, "Internal error", "An unexpected error occurred; it has been logged."),
        };
    }

    /// <summary>Builds a problem with the given status, title and detail.</summary>
    public static ProblemDetails Problem(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };

    [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}

/// <summary>
/// Maps one family of domain exceptions to a problem. Registered by the rooms that own the exceptions,
/// so the handler stays the only place that writes error responses.
/// </summary>
public interface IProblemMapping
{
    /// <summary>Returns the problem for <paramref name="exception"/>, or null when it is not this mapping's.</summary>
    ProblemDetails? TryMap(Exception exception);
}
