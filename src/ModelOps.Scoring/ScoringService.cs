using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using ModelOps.Registry;
using ModelOps.Scoring.Cache;
using ModelOps.Scoring.Payloads;
using ModelOps.Scoring.Routing;
using ModelOps.Scoring.Telemetry;
using ModelOps.Scoring.Validation;

namespace ModelOps.Scoring;

/// <summary>The schema a model version serves, and who serves it.</summary>
public sealed record ServedSchema(string Model, int Version, string Alias, string Engine, FeatureSchema Schema);

/// <summary>
/// What the scoring functions call: read the body under limits, route each row (explicit version or alias, else
/// the model's weights by key), validate every row against the schema of the version it goes to, score, explain
/// on request, log payloads, and queue the shadow alias — one call per HTTP request.
/// </summary>
/// <remarks>
/// Errors a client causes surface as <see cref="ScoringException"/>s (validation 400, too large 413, disabled or
/// unavailable 503) or the registry's <see cref="RegistryNotFoundException"/> (404).
/// </remarks>
public sealed class ScoringService(
    ModelCache cache,
    RoutingTable routing,
    ShadowScorer shadow,
    PayloadLogger payloads,
    RequestLimits limits,
    ScoringMetrics metrics,
    ILogger<ScoringService> logger,
    TimeProvider clock,
    Random? random = null)
{
    /// <summary>The alias served when a request names none and the model has no routing.</summary>
    public const string DefaultAlias = "champion";

    private readonly Random _random = random ?? new Random();

    /// <summary>Scores the request's rows.</summary>
    public async Task<ScoreResponse> ScoreAsync(ScoreRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RegistryNames.Check(request.Model, "model");
        long started = clock.GetTimestamp();
        using Activity? span = ScoringTracing.StartScore(request.Model);
        try
        {
            ScoreBody body = ScoreBodyReader.Read(request.Body.Span, limits);
            int explain = request.Explain ?? body.Explain;
            if (explain < 0 || explain > limits.MaxExplain)
            {
                throw new ScoringValidationException([new FieldError(null, "explain", $"must be a whole number from 0 to {limits.MaxExplain}.")]);
            }

            ModelRouting? route = await RouteOfAsync(request.Model, cancellationToken).ConfigureAwait(false);
            string?[] targets = Targets(request, body.Rows, route);
            ScoreResponse response = await ScoreGroupsAsync(request, body, targets, route, explain, started, cancellationToken).ConfigureAwait(false);
            ScoringTracing.Served(span, response.Rows.Select(r => (r.Version, r.Alias, r.Engine)), response.Rows.Count);
            if (route?.ShadowAlias is { } shadowAlias && route.Enabled)
            {
                shadow.TryEnqueue(new ShadowWork(request.Model, shadowAlias, request.RequestId, body.Rows, request.KeyField ?? route.KeyField));
            }

            return response;
        }
        catch (ScoringValidationException e)
        {
            metrics.Error(request.Model, "validation");
            ScoringTracing.Failed(span, "validation");
            ScoringLog.Refused(logger, request.Model, e.Errors.Count);
            payloads.Log(new PayloadRecord(clock.GetUtcNow(), request.RequestId, request.Model, -1, null, null, null, request.Version, request.Alias, null,
                clock.GetElapsedTime(started).TotalMilliseconds, Errors: e.Errors));
            throw;
        }
        catch (ScoringException e)
        {
            string kind = e switch
            {
                RequestTooLargeException => "too_large",
                TooManyRowsException => "too_many_rows",
                ScoringDisabledException => "disabled",
                ModelUnavailableException => "unavailable",
                _ => "other",
            };
            metrics.Error(request.Model, kind);
            ScoringTracing.Failed(span, kind);
            throw;
        }
        catch (RegistryNotFoundException)
        {
            metrics.Error(request.Model, "not_found");
            ScoringTracing.Failed(span, "not_found");
            throw;
        }
    }

    /// <summary>What the version an alias (default champion) or number serves takes and returns.</summary>
    public async Task<ServedSchema> GetSchemaAsync(string model, string? alias, int? version, CancellationToken cancellationToken)
    {
        RegistryNames.Check(model, "model");
        using ModelLease lease = version is { } v
            ? await cache.AcquireVersionAsync(model, v, cancellationToken).ConfigureAwait(false)
            : await cache.AcquireAsync(model, alias ?? DefaultAlias, cancellationToken).ConfigureAwait(false);
        return new ServedSchema(model, lease.Model.Version, lease.Alias, lease.Model.Session.Engine.ToString(), lease.Model.Schema);
    }

    private async Task<ModelRouting?> RouteOfAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            return await routing.GetAsync(model, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not RegistryException)
        {
            throw new ModelUnavailableException($"The routing of '{model}' cannot be read.", e);
        }
    }

    /// <summary>
    /// The alias each row goes to (null: the request's explicit version). The kill switch comes first: a disabled
    /// model serves everything from its fallback alias, or nothing.
    /// </summary>
    private string?[] Targets(ScoreRequest request, IReadOnlyList<BodyRow> rows, ModelRouting? route)
    {
        var targets = new string?[rows.Count];
        string? fixedAlias;
        if (route is { Enabled: false })
        {
            fixedAlias = route.FallbackAlias ?? throw new ScoringDisabledException(request.Model, TimeSpan.FromSeconds(route.RetryAfterSeconds));
        }
        else if (request.Version is not null)
        {
            return targets;
        }
        else
        {
            fixedAlias = request.Alias ?? (route is null ? DefaultAlias : null);
        }

        for (int r = 0; r < rows.Count; r++)
        {
            targets[r] = fixedAlias ?? TrafficSplit.Assign(route!, KeyOf(rows[r], request.KeyField ?? route!.KeyField), _random);
        }

        return targets;
    }

    private async Task<ScoreResponse> ScoreGroupsAsync(ScoreRequest request, ScoreBody body, string?[] targets, ModelRouting? route, int explain, long started, CancellationToken cancellationToken)
    {
        (string? Alias, int[] Rows)[] groups = Groups(targets);
        var leases = new List<ModelLease>(groups.Length);
        try
        {
            var validated = new ValidatedRows[groups.Length];
            var errors = new List<FieldError>();
            for (int g = 0; g < groups.Length; g++)
            {
                ModelLease lease = groups[g].Alias is { } alias
                    ? await cache.AcquireAsync(request.Model, alias, cancellationToken).ConfigureAwait(false)
                    : await cache.AcquireVersionAsync(request.Model, request.Version!.Value, cancellationToken).ConfigureAwait(false);
                leases.Add(lease);
                int[] numbers = groups[g].Rows;
                try
                {
                    IReadOnlyList<BodyRow> rows = numbers.Length == body.Rows.Count ? body.Rows : numbers.Select(r => body.Rows[r]).ToArray();
                    validated[g] = RowValidator.Validate(rows, lease.Model.Schema, request.KeyField ?? route?.KeyField);
                }
                catch (ScoringValidationException e)
                {
                    errors.AddRange(e.Errors.Select(x => x with { Row = x.Row is { } local ? numbers[local] : null }));
                }
            }

            if (errors.Count > 0)
            {
                throw new ScoringValidationException(errors.OrderBy(e => e.Row ?? -1).ToArray());
            }

            var scores = new RowScore[targets.Length];
            for (int g = 0; g < groups.Length; g++)
            {
                Score(request, body, leases[g], groups[g].Rows, validated[g], explain, scores, cancellationToken);
            }

            return new ScoreResponse(request.Model, request.RequestId, scores);
        }
        finally
        {
            foreach (ModelLease lease in leases)
            {
                lease.Dispose();
            }
        }
    }

    private void Score(ScoreRequest request, ScoreBody body, ModelLease lease, int[] numbers, ValidatedRows rows, int explain, RowScore[] scores, CancellationToken cancellationToken)
    {
        long started = clock.GetTimestamp();
        LoadedModel model = lease.Model;
        IReadOnlyList<RowOutputs> outputs = model.Score(rows, cancellationToken);
        IReadOnlyList<IReadOnlyList<ReasonCode>>? reasons = explain > 0 && model.CanExplain ? model.Explain(rows, explain, cancellationToken) : null;
        TimeSpan elapsed = clock.GetElapsedTime(started);
        string engine = model.Session.Engine.ToString();
        for (int i = 0; i < numbers.Length; i++)
        {
            RowOutputs o = outputs[i];
            int row = numbers[i];
            scores[row] = new RowScore(row, rows.Keys[i], lease.Alias, model.Version, engine, o.Label, o.Probabilities, o.Value, o.Outputs, o.Labels, reasons?[i]);
            if (payloads.Sample())
            {
                payloads.Log(new PayloadRecord(clock.GetUtcNow(), request.RequestId, request.Model, row, rows.Keys[i], body.Rows[row].Fields, o,
                    model.Version, lease.Alias, engine, elapsed.TotalMilliseconds));
            }
        }

        metrics.Scored(request.Model, model.Version, lease.Alias, engine, numbers.Length, elapsed);
        metrics.Request(request.Model, "scored", model.Version, lease.Alias, engine);
        ScoringLog.Scored(logger, request.Model, model.Version, lease.Alias, engine, numbers.Length, elapsed.TotalMilliseconds);
    }

    /// <summary>The rows by the alias they go to, in order of first appearance; one group when every row goes to one.</summary>
    private static (string? Alias, int[] Rows)[] Groups(string?[] targets)
    {
        int same = 0;
        while (same < targets.Length && targets[same] == targets[0])
        {
            same++;
        }

        if (same == targets.Length)
        {
            int[] all = new int[targets.Length];
            for (int r = 0; r < all.Length; r++)
            {
                all[r] = r;
            }

            return [(targets.Length > 0 ? targets[0] : null, all)];
        }

        return Enumerable.Range(0, targets.Length).GroupBy(r => targets[r]).Select(g => (g.Key, g.ToArray())).ToArray();
    }

    private static string? KeyOf(BodyRow row, string? keyField) =>
        keyField is not null && row.Fields.TryGetValue(keyField, out FieldValue key) && key.Problem is null
            ? key.Kind switch
            {
                FieldKind.String => key.Text,
                FieldKind.Number => key.Number.ToString("R", CultureInfo.InvariantCulture),
                _ => null,
            }
            : null;
}
