using ModelOps.Scoring;
using ModelOps.Scoring.Cache;
using ModelOps.Scoring.Validation;

namespace ModelOps.Batch;

/// <summary>What one row got: its score and label, or the reason it was not scored.</summary>
public sealed record RowResult(double? Score, string? Label, string? Error)
{
    /// <summary>True when the row was scored.</summary>
    public bool IsScored => Error is null;
}

/// <summary>
/// Scores parsed rows with one model version through the scoring cache — the same compiled sessions, engines and
/// <see cref="RowValidator"/> as the HTTP path. Only the schema's features are taken from a row (a table entity or
/// CSV line carries other columns too); a row that fails validation gets its reason and the others are scored.
/// </summary>
public sealed class BatchScorer(ModelCache cache)
{
    /// <summary>Scores <paramref name="rows"/> with version <paramref name="version"/> of <paramref name="model"/>.</summary>
    public async Task<IReadOnlyList<RowResult>> ScoreAsync(string model, int version, IReadOnlyList<IReadOnlyDictionary<string, FieldValue>> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return [];
        }

        using ModelLease lease = await cache.AcquireVersionAsync(model, version, cancellationToken).ConfigureAwait(false);
        return Score(lease.Model, rows, cancellationToken);
    }

    /// <summary>The schema of a version: the features a row must give, for readers that convert only those.</summary>
    public async Task<FeatureSchema> SchemaAsync(string model, int version, CancellationToken cancellationToken)
    {
        using ModelLease lease = await cache.AcquireVersionAsync(model, version, cancellationToken).ConfigureAwait(false);
        return lease.Model.Schema;
    }

    /// <summary>Scores on a loaded version (also the floor-free path the benchmark measures).</summary>
    public static IReadOnlyList<RowResult> Score(LoadedModel model, IReadOnlyList<IReadOnlyDictionary<string, FieldValue>> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rows);
        FeatureSchema schema = model.Schema;
        BodyRow[] bodies = rows.Select(r => BodyRow.Of(HoldsExactlyTheFeatures(r, schema) ? r : Features(r, schema))).ToArray();
        var results = new RowResult?[bodies.Length];
        for (int r = 0; r < rows.Count; r++)
        {
            if (rows[r].TryGetValue(LineRows.Unreadable, out FieldValue unreadable))
            {
                results[r] = new RowResult(null, null, unreadable.Problem);
            }
        }

        int[] valid = Enumerable.Range(0, bodies.Length).Where(r => results[r] is null).ToArray();
        ValidatedRows? validated = null;
        try
        {
            validated = valid.Length == 0 ? null : RowValidator.Validate(valid.Select(r => bodies[r]).ToArray(), schema, null);
        }
        catch (ScoringValidationException e)
        {
            // Refuse the rows that failed, with every reason; score the rest.
            foreach (IGrouping<int?, FieldError> row in e.Errors.GroupBy(x => x.Row))
            {
                string reason = string.Join("; ", row.Select(x => $"{x.Field} {x.Problem}"));
                if (row.Key is not { } local)
                {
                    throw;
                }

                results[valid[local]] = new RowResult(null, null, reason);
            }

            valid = valid.Where(r => results[r] is null).ToArray();
            if (valid.Length > 0)
            {
                validated = RowValidator.Validate(valid.Select(r => bodies[r]).ToArray(), schema, null);
            }
        }

        if (validated is not null)
        {
            IReadOnlyList<RowOutputs> outputs = model.Score(validated, cancellationToken);
            for (int i = 0; i < valid.Length; i++)
            {
                (double? score, string? label) = ScoreOf(outputs[i]);
                results[valid[i]] = new RowResult(score, label, null);
            }
        }

        return results!;
    }

    /// <summary>
    /// One number per row: the probability of the positive class for a binary classifier (the second class, as our
    /// pipelines order them: negative first), of the predicted label otherwise, the value of a regression, or the
    /// first numeric output of any other model (its second element when it holds two, a two-class probability pair).
    /// </summary>
    public static (double? Score, string? Label) ScoreOf(RowOutputs o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Probabilities is { Count: > 0 } p)
        {
            double score = p.Count == 2 ? p.Values.Last() : o.Label is { } l && p.TryGetValue(l, out double pl) ? pl : p.Values.Max();
            return (score, o.Label);
        }

        if (o.Value is { } value)
        {
            return (value, null);
        }

        string? label = o.Labels?.Values.FirstOrDefault();
        if (o.Outputs is { Count: > 0 } outputs && outputs.Values.FirstOrDefault(v => v.Length > 0) is { } first)
        {
            return (first.Length == 2 ? first[1] : first[0], label);
        }

        return (null, label);
    }

    /// <summary>A reader that converted only the schema's features (a CSV or JSONL line) needs no second copy of the row.</summary>
    private static bool HoldsExactlyTheFeatures(IReadOnlyDictionary<string, FieldValue> row, FeatureSchema schema)
    {
        if (schema.VectorInput is not null || row.Count != schema.Features.Count)
        {
            return false;
        }

        foreach (FeatureSpec feature in schema.Features)
        {
            if (!row.ContainsKey(feature.Name))
            {
                return false;
            }
        }

        return true;
    }

    private static Dictionary<string, FieldValue> Features(IReadOnlyDictionary<string, FieldValue> row, FeatureSchema schema)
    {
        var fields = new Dictionary<string, FieldValue>(schema.Features.Count + 1, StringComparer.Ordinal);
        if (schema.VectorInput is { } vector && row.TryGetValue(vector, out FieldValue array))
        {
            fields[vector] = array;
            return fields;
        }

        foreach (FeatureSpec feature in schema.Features)
        {
            // A table leaves out a property that has no value, a CSV cell is empty: both are a missing value, which
            // the schema then allows or refuses, where an HTTP body that leaves a feature out is refused outright.
            fields[feature.Name] = row.TryGetValue(feature.Name, out FieldValue value) ? value : new FieldValue(FieldKind.Null);
        }

        return fields;
    }
}
