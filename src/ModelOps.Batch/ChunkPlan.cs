namespace ModelOps.Batch;

/// <summary>
/// One chunk of a plan. For a table: the entities of <see cref="Partition"/> with row keys from
/// <see cref="FromRowKey"/> to <see cref="ToRowKey"/> (both included). For a blob: <see cref="Length"/> bytes at
/// <see cref="Offset"/>, whole lines, the first of them row <see cref="FirstRow"/> (1-based, header not counted).
/// </summary>
public sealed record ChunkRange(int Chunk, long Rows, string? Partition = null, string? FromRowKey = null, string? ToRowKey = null, long Offset = 0, long Length = 0, long FirstRow = 0);

/// <summary>A run's plan: its chunks and, for a CSV source, the header line every chunk's rows are read with.</summary>
public sealed record ChunkPlan(IReadOnlyList<ChunkRange> Chunks, string? Header)
{
    public long Rows => Chunks.Sum(c => c.Rows);
}

/// <summary>Splits sources into chunks: partition-key ranges of a table, line ranges of a blob.</summary>
public static class ChunkPlanner
{
    /// <summary>
    /// Chunks of at most <paramref name="chunkSize"/> entities that never cross a partition (so each chunk's writes
    /// are entity-group transactions), from the keys in table order (partition, then row key).
    /// </summary>
    public static IReadOnlyList<ChunkRange> PlanTable(IEnumerable<(string Partition, string RowKey)> keys, int chunkSize)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var chunks = new List<ChunkRange>();
        string? partition = null, first = null, last = null;
        long count = 0;
        foreach ((string p, string r) in keys)
        {
            if (partition is not null && (p != partition || count == chunkSize))
            {
                chunks.Add(new ChunkRange(chunks.Count, count, partition, first, last));
                count = 0;
                first = null;
            }

            partition = p;
            first ??= r;
            last = r;
            count++;
        }

        if (count > 0)
        {
            chunks.Add(new ChunkRange(chunks.Count, count, partition, first, last));
        }

        return chunks;
    }

    /// <summary>
    /// Chunks of at most <paramref name="chunkSize"/> lines of a text stream (UTF-8, LF or CRLF), empty lines skipped,
    /// the first line taken as the header when <paramref name="hasHeader"/>. One pass; only line ends are looked at,
    /// so a quoted CSV field may not span lines.
    /// </summary>
    public static async Task<ChunkPlan> PlanLinesAsync(Stream stream, bool hasHeader, int chunkSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var chunks = new List<ChunkRange>();
        var header = new List<byte>();
        bool inHeader = hasHeader;
        long position = 0, lineStart = 0, chunkStart = -1, chunkRows = 0, row = 0, chunkFirstRow = 0;
        bool lineHasContent = false;
        byte[] buffer = new byte[1 << 16];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            for (int i = 0; i < read; i++, position++)
            {
                byte b = buffer[i];
                if (b != (byte)'\n')
                {
                    if (inHeader)
                    {
                        header.Add(b);
                    }

                    lineHasContent |= b != (byte)'\r';
                    continue;
                }

                EndLine(position + 1);
            }
        }

        EndLine(position);
        if (chunkRows > 0)
        {
            chunks.Add(new ChunkRange(chunks.Count, chunkRows, Offset: chunkStart, Length: position - chunkStart, FirstRow: chunkFirstRow));
        }

        string? headerText = hasHeader ? System.Text.Encoding.UTF8.GetString(header.ToArray()).TrimEnd('\r').TrimStart('\uFEFF') : null;
        return new ChunkPlan(chunks, headerText);

        void EndLine(long next)
        {
            if (inHeader)
            {
                inHeader = false;
            }
            else if (lineHasContent)
            {
                row++;
                if (chunkRows == chunkSize)
                {
                    chunks.Add(new ChunkRange(chunks.Count, chunkRows, Offset: chunkStart, Length: lineStart - chunkStart, FirstRow: chunkFirstRow));
                    chunkRows = 0;
                }

                if (chunkRows == 0)
                {
                    chunkStart = lineStart;
                    chunkFirstRow = row;
                }

                chunkRows++;
            }

            lineHasContent = false;
            lineStart = next;
        }
    }
}
