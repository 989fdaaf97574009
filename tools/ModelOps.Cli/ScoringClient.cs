using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ModelOps.Scoring;

namespace ModelOps.Cli;

/// <summary>
/// The Scoring app's HTTP API as <c>modelops score</c> uses it: the served schema, and one scoring call per batch.
/// A problem answer becomes an error in the command's words: a 400 names the row (through the caller's row
/// describer) and field of each problem, a 401/403 names <c>--key</c>, a 503 is retried after its <c>Retry-After</c>.
/// </summary>
internal sealed class ScoringClient(HttpClient http)
{
    private const int UnavailableAttempts = 4;
    private static readonly TimeSpan LongestRetryAfter = TimeSpan.FromSeconds(10);

    /// <summary>What the version that would serve takes (GET /api/models/{model}/schema).</summary>
    public async Task<ServedSchema> GetSchemaAsync(string model, string? alias, int? version, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Path(model, "schema", alias, version)), cancellationToken);
        await ThrowUnlessOkAsync(response, _ => "the request", cancellationToken);
        return await ReadAsync(response, ScoringJsonContext.Default.ServedSchema, cancellationToken);
    }

    /// <summary>Scores one batch; <paramref name="describeRow"/> names the batch's row at an index for error messages.</summary>
    public async Task<ScoreResponse> ScoreAsync(string model, string? alias, int? version, byte[] body, string requestId, Func<int, string> describeRow, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, Path(model, "score", alias, version)) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("x-request-id", requestId);
            return request;
        }, cancellationToken);
        await ThrowUnlessOkAsync(response, describeRow, cancellationToken);
        return await ReadAsync(response, ScoringJsonContext.Default.ScoreResponse, cancellationToken);
    }

    private static string Path(string model, string action, string? alias, int? version) =>
        $"api/models/{Uri.EscapeDataString(model)}/{action}" + (version is { } v ? "?version=" + v.ToString(CultureInfo.InvariantCulture)
            : alias is not null ? "?alias=" + Uri.EscapeDataString(alias) : string.Empty);

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                using HttpRequestMessage message = request();
                response = await http.SendAsync(message, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new IOException($"The scoring app at {http.BaseAddress} could not be reached ({e.Message}); is it running? (--url)", e);
            }

            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == UnavailableAttempts)
            {
                return response;
            }

            // A model that is loading or a worker that restarts: wait as the app asks, then try again.
            TimeSpan wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait < LongestRetryAfter ? wait : LongestRetryAfter, cancellationToken);
        }
    }

    private static async Task ThrowUnlessOkAsync(HttpResponseMessage response, Func<int, string> describeRow, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        int status = (int)response.StatusCode;
        ScoringProblem problem = await ScoringProblem.ReadAsync(response, cancellationToken);
        if (status is 401 or 403)
        {
            throw new CliUsageException($"--key: the scoring app refused the key ({status}).");
        }

        string message = problem.Describe(describeRow) is { Length: > 0 } what ? what : $"the scoring app answered {status}";
        throw status is >= 400 and < 500 and not 404 ? new InvalidDataException(message) : new InvalidOperationException(message);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        await using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonSerializer.DeserializeAsync(body, type, cancellationToken)
            ?? throw new InvalidDataException("The scoring app answered an empty document.");
    }
}
