using System.Text;
using System.Text.Json;
using ModelOps.Registry;
using ModelOps.Scoring;
using ModelOps.Scoring.Cache;
using ModelOps.Scoring.Validation;

namespace ModelOps.Batch;

/// <summary>A streaming message that no retry can score (malformed, an unknown model, rows that fail validation), with the reason.</summary>
public sealed class InvalidStreamMessageException(string reason, IReadOnlyList<FieldError>? errors = null) : Exception(reason)
{
    public IReadOnlyList<FieldError> Errors { get; } = errors ?? [];
}

/// <summary>
/// Scores one streaming message, <c>{"model": M, "alias": A | "version": N, "requestId": R, "keyField": K, "rows": [...]}</c>
/// (alias default champion), with the scoring cache and the same body reader, limits and <see cref="RowValidator"/>
/// as an HTTP request: a message is scored whole or refused whole, naming every problem.
/// </summary>
public sealed class StreamScorer(ModelCache cache, RequestLimits limits)
{
    /// <summary>The scores; <see cref="InvalidStreamMessageException"/> for a message no retry can score, anything else is worth a retry.</summary>
    public async Task<StreamResult> ScoreAsync(string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        (string model, string? alias, int? version, string requestId, string? keyField, byte[] rows) = Read(message);
        ScoreBody body;
        try
        {
            body = ScoreBodyReader.Read(rows, limits);
        }
        catch (ScoringValidationException e)
        {
            throw new InvalidStreamMessageException("rows: " + string.Join("; ", e.Errors.Select(x => x.Problem)), e.Errors);
        }
        catch (RequestTooLargeException e)
        {
            throw new InvalidStreamMessageException(e.Message);
        }

        ModelLease lease;
        try
        {
            lease = version is { } v
                ? await cache.AcquireVersionAsync(model, v, cancellationToken).ConfigureAwait(false)
                : await cache.AcquireAsync(model, alias ?? "champion", cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryNotFoundException e)
        {
            throw new InvalidStreamMessageException(e.Message);
        }

        using (lease)
        {
            ValidatedRows validated;
            try
            {
                validated = RowValidator.Validate(body.Rows, lease.Model.Schema, keyField);
            }
            catch (ScoringValidationException e)
            {
                throw new InvalidStreamMessageException($"{e.Errors.Count} field problem(s) in the rows.", e.Errors);
            }

            IReadOnlyList<RowOutputs> outputs = lease.Model.Score(validated, cancellationToken);
            string engine = lease.Model.Session.Engine.ToString();
            var scores = outputs.Select((o, r) => new RowScore(r, validated.Keys[r], lease.Alias, lease.Model.Version, engine, o.Label, o.Probabilities, o.Value, o.Outputs, o.Labels, null)).ToArray();
            return new StreamResult(requestId, model, scores);
        }
    }

    /// <summary>The request id and model of a message, as far as they read (for the error result of a refused one).</summary>
    public static (string? RequestId, string? Model) Identify(string message)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(message);
            return (Text(doc.RootElement, "requestId"), Text(doc.RootElement, "model"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private (string Model, string? Alias, int? Version, string RequestId, string? KeyField, byte[] Rows) Read(string message)
    {
        if (Encoding.UTF8.GetByteCount(message) > limits.MaxBodyBytes)
        {
            throw new InvalidStreamMessageException($"the message is larger than {limits.MaxBodyBytes} bytes.");
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(message, new JsonDocumentOptions { MaxDepth = limits.MaxDepth });
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidStreamMessageException("the message must be a JSON object with model and rows.");
            }

            string model = Text(root, "model") ?? throw new InvalidStreamMessageException("model: is required.");
            try
            {
                RegistryNames.Check(model, "model");
            }
            catch (InvalidRegistryRequestException e)
            {
                throw new InvalidStreamMessageException($"model: {e.Message}");
            }

            int? version = root.TryGetProperty("version", out JsonElement v) && v.ValueKind != JsonValueKind.Null
                ? v.TryGetInt32(out int n) && n > 0 ? n : throw new InvalidStreamMessageException("version: must be a positive whole number.")
                : null;
            if (!root.TryGetProperty("rows", out JsonElement rows) || rows.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidStreamMessageException("rows: is required, an array of row objects.");
            }

            string requestId = Text(root, "requestId") ?? "stream-" + Guid.NewGuid().ToString("N")[..12];
            return (model, Text(root, "alias"), version, requestId, Text(root, "keyField"), Encoding.UTF8.GetBytes("{\"rows\":" + rows.GetRawText() + "}"));
        }
        catch (JsonException e)
        {
            throw new InvalidStreamMessageException($"the message is not JSON: line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}.");
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
}
