using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ModelOps.Scoring.Validation;

namespace ModelOps.Scoring.Functions;

/// <summary>
/// Scoring over HTTP (<c>authLevel: function</c>): each function reads the route, query and body, calls
/// <see cref="ScoringService"/> and answers JSON; every error becomes a problem in the problem middleware.
/// </summary>
public sealed class ScoringFunctions(ScoringService scoring, ScoringAnswers answers, RequestLimits limits)
{
    /// <summary>The header a caller may send its own request id in; it is echoed on every answer.</summary>
    public const string RequestIdHeader = "x-request-id";

    /// <summary>The longest request id taken from a caller.</summary>
    public const int MaxRequestIdLength = 128;

    /// <summary>
    /// <c>POST /api/models/{model}/score[?alias=A | ?version=N]</c>: the body is one row object or
    /// <c>{"rows": [...], "explain": k}</c>; without alias or version the model's routing (else <c>champion</c>) decides.
    /// </summary>
    [Function("score")]
    public async Task<IResult> Score(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{model}/score")] HttpRequest req, FunctionContext context)
    {
        string model = ModelOf(req);
        string requestId = RequestIdOf(req);
        (string? alias, int? version) = Target(req.Query);
        ReadOnlyMemory<byte> body = await ReadBodyAsync(req, context.CancellationToken);
        ScoreResponse response = await scoring.ScoreAsync(new ScoreRequest(model, body, requestId, alias, version), context.CancellationToken);
        return answers.Scores(response);
    }

    /// <summary><c>GET /api/models/{model}/schema[?alias=A | ?version=N]</c>: what the served version takes and returns.</summary>
    [Function("schema")]
    public async Task<IResult> Schema(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models/{model}/schema")] HttpRequest req, FunctionContext context)
    {
        string model = ModelOf(req);
        (string? alias, int? version) = Target(req.Query);
        return answers.Schema(await scoring.GetSchemaAsync(model, alias, version, context.CancellationToken));
    }

    /// <summary>The model named in the route, read from the request's route values rather than bound from the invocation's trigger metadata.</summary>
    private static string ModelOf(HttpRequest req) => req.RouteValues["model"] as string ?? string.Empty;

    /// <summary>The caller's request id (printable ASCII, at most <see cref="MaxRequestIdLength"/>), or a new one; echoed even on errors.</summary>
    private static string RequestIdOf(HttpRequest req)
    {
        string given = req.Headers[RequestIdHeader].ToString();
        string id = given.Length == 0 ? NewRequestId() : given;
        if (id.Length > MaxRequestIdLength || id.Any(c => c is < '!' or > '~'))
        {
            throw new ScoringValidationException([new FieldError(null, RequestIdHeader, $"must be 1 to {MaxRequestIdLength} printable ASCII characters without spaces.")]);
        }

        // OnStarting survives the problem middleware clearing the response, so a refused request names its id too.
        req.HttpContext.Response.OnStarting(() =>
        {
            req.HttpContext.Response.Headers[RequestIdHeader] = id;
            return Task.CompletedTask;
        });
        return id;
    }

    /// <summary>
    /// 32 random hex digits, like a new Guid's, from the thread's pseudo-random generator: a request id must be unique,
    /// not unguessable, and this costs no read from the system's random source.
    /// </summary>
    private static string NewRequestId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private static (string? Alias, int? Version) Target(IQueryCollection query)
    {
        string? alias = query["alias"].ToString() is { Length: > 0 } a ? a : null;
        int? version = null;
        if (query["version"].ToString() is { Length: > 0 } v)
        {
            version = int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
                ? n
                : throw new ScoringValidationException([new FieldError(null, "version", "must be a positive whole number.")]);
        }

        return alias is not null && version is not null
            ? throw new ScoringValidationException([new FieldError(null, "alias", "and 'version' cannot both be given; name one.")])
            : (alias, version);
    }

    /// <summary>Reads the body up to the limit; a declared or actual length beyond it is a 413 without reading the rest.</summary>
    private async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest req, CancellationToken cancellationToken)
    {
        if (req.ContentLength > limits.MaxBodyBytes)
        {
            throw new RequestTooLargeException(req.ContentLength.Value, limits.MaxBodyBytes);
        }

        if (req.ContentLength is { } declared)
        {
            // The usual case: Kestrel holds the body to its declared length, so it is read into one array of that size.
            byte[] exact = new byte[declared];
            int got = await req.Body.ReadAtLeastAsync(exact, exact.Length, throwOnEndOfStream: false, cancellationToken);
            return exact.AsMemory(0, got);
        }

        using var buffer = new MemoryStream(4096);
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await req.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limits.MaxBodyBytes)
            {
                throw new RequestTooLargeException(buffer.Length + read, limits.MaxBodyBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
