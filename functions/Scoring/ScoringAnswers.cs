using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ModelOps.Scoring.Validation;

namespace ModelOps.Scoring.Functions;

/// <summary>
/// The scoring functions' 200 answers, written straight to the response with the app's JSON settings and the
/// source-generated contracts, so a request pays neither MVC's formatter selection nor a serialisation it has paid
/// before: a schema answer is serialised once per loaded version and alias, and dropped with the version. They are
/// <see cref="IResult"/>s, which the worker's ASP.NET Core integration executes on the request's context as they are,
/// without building the MVC action context an <c>IActionResult</c> needs.
/// </summary>
public sealed class ScoringAnswers
{
    private const string JsonContentType = "application/json; charset=utf-8";

    private readonly JsonTypeInfo<ScoreResponse> _scores;
    private readonly JsonTypeInfo<ServedSchema> _schema;
    private readonly ConditionalWeakTable<FeatureSchema, ConcurrentDictionary<(string Model, int Version, string Alias, string Engine), byte[]>> _schemas = [];

    /// <summary>Takes the serializer settings MVC would write these values with, so the bytes are the same.</summary>
    public ScoringAnswers(IOptions<JsonOptions> json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonSerializerOptions options = json.Value.JsonSerializerOptions;
        options.MakeReadOnly(populateMissingResolver: true);
        _scores = (JsonTypeInfo<ScoreResponse>)options.GetTypeInfo(typeof(ScoreResponse));
        _schema = (JsonTypeInfo<ServedSchema>)options.GetTypeInfo(typeof(ServedSchema));
    }

    /// <summary>
    /// The scores of one request, serialised before the first byte is written so the answer carries a Content-Length:
    /// headers and body leave in one write, without chunked framing for a proxy in front to take apart.
    /// </summary>
    public IResult Scores(ScoreResponse response) => new BytesAnswer(JsonSerializer.SerializeToUtf8Bytes(response, _scores));

    /// <summary>What a version serves; the bytes are reused while that version stays loaded.</summary>
    public IResult Schema(ServedSchema served)
    {
        ArgumentNullException.ThrowIfNull(served);
        ConcurrentDictionary<(string, int, string, string), byte[]> byTarget = _schemas.GetValue(served.Schema, _ => new());
        byte[] json = byTarget.GetOrAdd((served.Model, served.Version, served.Alias, served.Engine),
            static (_, answer) => JsonSerializer.SerializeToUtf8Bytes(answer.Served, answer.TypeInfo), (Served: served, TypeInfo: _schema));
        return new BytesAnswer(json);
    }

    private sealed class BytesAnswer(byte[] json) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            HttpResponse response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = JsonContentType;
            response.ContentLength = json.Length;
            return response.Body.WriteAsync(json, httpContext.RequestAborted).AsTask();
        }
    }
}
