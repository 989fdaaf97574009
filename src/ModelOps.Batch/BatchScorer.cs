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

    /// <summary>
    /// Scores on a loaded version. Rows are validated each on its own and scored in one batch by column, so a row
    /// costs no copy of its fields and no object per output; the scores are those the HTTP path gives the same rows.
    /// </summary>
    public static IReadOnlyList<RowResult> Score(LoadedModel model, IReadOnlyList<IReadOnlyDictionary<string, FieldValue>> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rows);
        var results = new RowResult?[rows.Count];
        List<int>? readable = null;
        for (int r = 0; r < rows.Count; r++)
        {
            if (rows[r].TryGetValue(LineRows.Unreadable, out FieldValue unreadable))
            {
                results[r] = new RowResult(null, null, unreadable.Problem);
                readable ??= [.. Enumerable.Range(0, r)];
            }
            else
            {
                readable?.Add(r);
            }
        }

        // Indices below are into the rows handed to validation: all of them unless some JSON lines did not read.
        IReadOnlyList<IReadOnlyDictionary<string, FieldValue>> candidates = readable is null ? rows : readable.Select(r => rows[r]).ToArray();
        int Source(int i) => readable is null ? i : readable[i];
        RowsValidation validation = RowValidator.ValidateEach(candidates, model.Schema);
        foreach (IGrouping<int?, FieldError> row in validation.Errors.GroupBy(x => x.Row))
        {
            results[Source(row.Key!.Value)] = new RowResult(null, null, string.Join("; ", row.Select(x => $"{x.Field} {x.Problem}")));
        }

        if (validation.Valid is { } valid)
        {
            IReadOnlyList<int> at = validation.ValidRows;
            if (model.ScoreColumns(valid, cancellationToken) is { } columns)
            {
                for (int i = 0; i < at.Count; i++)
                {
                    (double? score, string? label) = ScoreOf(columns, i);
                    results[Source(at[i])] = new RowResult(score, label, null);
                }
            }
            else
            {
                IReadOnlyList<RowOutputs> outputs = model.Score(valid, cancellationToken);
                for (int i = 0; i < at.Count; i++)
                {
                    (double? score, string? label) = ScoreOf(outputs[i]);
                    results[Source(at[i])] = new RowResult(score, label, null);
                }
            }
        }

        return results!;
    }

    /// <summary>Row <paramref name="r"/>'s number from columns, chosen as <see cref="ScoreOf(RowOutputs)"/> chooses it.</summary>
    public static (double? Score, string? Label) ScoreOf(ScoredColumns columns, int r)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Values is { } values)
        {
            return (values[r], null);
        }

        int k = columns.Classes.Count;
        string? label = columns.Labels![r];
        IReadOnlyList<double> p = columns.Probabilities!;
        if (k == 0)
        {
            return (null, null);
        }

        if (k == 2)
        {
            return (p[(r * k) + 1], label);
        }

        for (int c = 0; c < k; c++)
        {
            if (label is not null && string.Equals(columns.Classes[c], label, StringComparison.Ordinal))
            {
                return (p[(r * k) + c], label);
            }
        }

        return (Enumerable.Range(r * k, k).Select(c => p[c]).Max(), label);
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
}
