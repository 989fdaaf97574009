using Azure;
using Azure.Data.Tables;
using ModelOps.Batch;
using ModelOps.Scoring.Validation;

namespace ModelOps.Storage.Batch;

/// <summary>
/// An Azure Table as a batch source. Planning reads the keys only and cuts each partition into row-key ranges;
/// a chunk reads its range, scores each entity's properties as the features, and replaces each entity with its
/// properties plus <c>score</c>, <c>label</c>, <c>model_version</c>, <c>scored_at</c> and <c>batch_run</c> (the run
/// id) — or <c>score_error</c> instead of a score — in entity-group transactions of 100 under each entity's ETag.
/// An entity that already carries this run's id and version was written by an earlier attempt and is skipped, so a
/// chunk done twice leaves every entity as the first attempt did: one score, from the run's version.
/// </summary>
public sealed class TableSource(TableServiceClient tables, BatchScorer scorer, TimeProvider clock)
{
    /// <summary>The properties the job writes (and never reads as features).</summary>
    public static readonly IReadOnlySet<string> Outputs = new HashSet<string>(StringComparer.Ordinal) { "score", "label", "model_version", "scored_at", "batch_run", "score_error" };

    public async Task<ChunkPlan> PlanAsync(BatchSource source, int chunkSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        TableClient table = tables.GetTableClient(source.Table);
        var keys = new List<(string, string)>();
        await foreach (TableEntity e in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            keys.Add((e.PartitionKey, e.RowKey));
        }

        return new ChunkPlan(ChunkPlanner.PlanTable(keys, chunkSize), null);
    }

    public async Task<ChunkCounts> ScoreChunkAsync(BatchRunStatus run, ChunkRange range, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(range);
        TableClient table = tables.GetTableClient(BatchSource.Parse(run.Source).Table);
        int version = run.Version ?? throw new InvalidOperationException("The run has no version.");
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {range.Partition} and RowKey ge {range.FromRowKey} and RowKey le {range.ToRowKey}");
        var pending = new List<TableEntity>();
        long seen = 0, skipped = 0;
        await foreach (TableEntity e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            seen++;
            if (e.GetString("batch_run") == run.RunId && e.GetInt32("model_version") == version)
            {
                skipped++;
                continue;
            }

            pending.Add(e);
        }

        IReadOnlyList<RowResult> results = await scorer.ScoreAsync(run.Model, version, pending.Select(Fields).ToArray(), cancellationToken);
        DateTimeOffset now = clock.GetUtcNow();
        long scored = 0, invalid = 0;
        var actions = new List<TableTransactionAction>(100);
        for (int i = 0; i < pending.Count; i++)
        {
            TableEntity e = pending[i];
            RowResult r = results[i];
            var written = new TableEntity(e.PartitionKey, e.RowKey) { ETag = e.ETag };
            foreach (KeyValuePair<string, object> p in e)
            {
                if (p.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag") && !Outputs.Contains(p.Key))
                {
                    written[p.Key] = p.Value;
                }
            }

            written["model_version"] = version;
            written["scored_at"] = now;
            written["batch_run"] = run.RunId;
            if (r.IsScored)
            {
                scored++;
                if (r.Score is { } s)
                {
                    written["score"] = s;
                }

                if (r.Label is { } l)
                {
                    written["label"] = l;
                }
            }
            else
            {
                invalid++;
                written["score_error"] = r.Error;
            }

            actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, written, e.ETag));
            if (actions.Count == 100)
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                actions.Clear();
            }
        }

        if (actions.Count > 0)
        {
            await table.SubmitTransactionAsync(actions, cancellationToken);
        }

        return new ChunkCounts(seen, scored, skipped, invalid);
    }

    /// <summary>An entity's properties as the fields of a scoring row (system and output properties left out).</summary>
    internal static IReadOnlyDictionary<string, FieldValue> Fields(TableEntity entity)
    {
        var fields = new Dictionary<string, FieldValue>(entity.Count, StringComparer.Ordinal);
        foreach (KeyValuePair<string, object> p in entity)
        {
            if (p.Key is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag" || Outputs.Contains(p.Key))
            {
                continue;
            }

            fields[p.Key] = p.Value switch
            {
                null => new FieldValue(FieldKind.Null),
                string s => new FieldValue(FieldKind.String, Text: s),
                int i => new FieldValue(FieldKind.Number, i),
                long l => new FieldValue(FieldKind.Number, l),
                double d => new FieldValue(FieldKind.Number, d),
                bool b => new FieldValue(FieldKind.Bool, b ? 1 : 0),
                _ => new FieldValue(FieldKind.Other),
            };
        }

        return fields;
    }
}
