using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ModelOps.Batch;
using ModelOps.Scoring.Validation;

namespace ModelOps.Storage.Batch;

/// <summary>
/// A CSV or JSON Lines blob as a batch source. Planning reads the blob once and cuts it into line ranges; a chunk
/// reads its byte range, scores the lines and writes one part beside the input, <c>PATH.scored/RUN/part-00042.csv</c>,
/// named by run and chunk so a retry overwrites its own part; a part that exists was finished by an earlier attempt
/// (an upload is all or nothing), and its counts are read back from its metadata.
/// </summary>
public sealed class BlobLineSource(BlobServiceClient blobs, BatchScorer scorer, TimeProvider clock)
{
    public async Task<ChunkPlan> PlanAsync(BatchSource source, int chunkSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        BlobClient blob = blobs.GetBlobContainerClient(source.Container).GetBlobClient(source.Path);
        BlobDownloadStreamingResult download = (await blob.DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
        await using Stream content = download.Content;
        return await ChunkPlanner.PlanLinesAsync(content, source.Kind == SourceKind.Csv, chunkSize, cancellationToken);
    }

    public async Task<ChunkCounts> ScoreChunkAsync(StoredRun stored, ChunkRange range, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(range);
        BatchRunStatus run = stored.Status;
        BatchSource source = BatchSource.Parse(run.Source);
        int version = run.Version ?? throw new InvalidOperationException("The run has no version.");
        BlobContainerClient container = blobs.GetBlobContainerClient(source.Container);
        BlobClient part = container.GetBlobClient(source.PartPath(run.RunId, range.Chunk));
        try
        {
            BlobProperties properties = (await part.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            if (properties.Metadata.TryGetValue("rows", out string? rows) && properties.Metadata.TryGetValue("scored", out string? scored)
                && properties.Metadata.TryGetValue("invalid", out string? invalid) && properties.Metadata.TryGetValue("version", out string? v)
                && v == version.ToString(CultureInfo.InvariantCulture))
            {
                return new ChunkCounts(long.Parse(rows, CultureInfo.InvariantCulture), long.Parse(scored, CultureInfo.InvariantCulture), 0, long.Parse(invalid, CultureInfo.InvariantCulture));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Not written yet.
        }

        BlobDownloadResult download = (await container.GetBlobClient(source.Path).DownloadContentAsync(
            new BlobDownloadOptions { Range = new HttpRange(range.Offset, range.Length) }, cancellationToken)).Value;
        string text = Encoding.UTF8.GetString(download.Content.ToMemory().Span);
        FeatureSchema schema = await scorer.SchemaAsync(run.Model, version, cancellationToken);
        IReadOnlyList<LineRow> lines = LineRows.Read(source.Kind, text, stored.Header, range.FirstRow, schema, stored.KeyField);
        IReadOnlyList<RowResult> results = await scorer.ScoreAsync(run.Model, version, lines.Select(l => l.Fields).ToArray(), cancellationToken);
        byte[] bytes = PartWriter.Write(source.Kind, stored.KeyField, lines, results, version, clock.GetUtcNow());
        long good = results.Count(r => r.IsScored);
        var counts = new ChunkCounts(lines.Count, good, 0, lines.Count - good);
        await part.UploadAsync(new BinaryData(bytes), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = source.Kind == SourceKind.Csv ? "text/csv" : "application/x-ndjson" },
            Metadata = new Dictionary<string, string>
            {
                ["run"] = run.RunId,
                ["version"] = version.ToString(CultureInfo.InvariantCulture),
                ["rows"] = counts.Rows.ToString(CultureInfo.InvariantCulture),
                ["scored"] = counts.Scored.ToString(CultureInfo.InvariantCulture),
                ["invalid"] = counts.Invalid.ToString(CultureInfo.InvariantCulture),
            },
        }, cancellationToken);
        return counts;
    }
}
