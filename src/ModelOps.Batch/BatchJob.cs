using System.Globalization;
using ModelOps.Registry;
using NCrontab;

namespace ModelOps.Batch;

/// <summary>What a batch job reads: an Azure Table (entity properties are the features) or a CSV / JSON Lines blob.</summary>
public enum SourceKind
{
    Table,
    Csv,
    JsonLines,
}

/// <summary>
/// A job's source, written <c>table:NAME</c> or <c>blob:CONTAINER/PATH.csv</c> (<c>.jsonl</c> for JSON Lines).
/// Table results are merged back into each entity; blob results are written beside the input, under
/// <c>PATH.scored/RUN/</c>.
/// </summary>
public sealed record BatchSource(SourceKind Kind, string Table, string Container, string Path)
{
    /// <summary>Reads the source text; <see cref="InvalidBatchJobException"/> naming <paramref name="field"/> when it is not one.</summary>
    public static BatchSource Parse(string? text, string field = "source")
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidBatchJobException(field, "is required: table:NAME or blob:CONTAINER/PATH.csv|.jsonl.");
        }

        if (text.StartsWith("table:", StringComparison.Ordinal))
        {
            string table = text["table:".Length..];
            return table.Length is >= 3 and <= 63 && char.IsAsciiLetter(table[0]) && table.All(char.IsAsciiLetterOrDigit)
                ? new BatchSource(SourceKind.Table, table, string.Empty, string.Empty)
                : throw new InvalidBatchJobException(field, $"names table '{table}'; a table name is 3-63 letters and digits, starting with a letter.");
        }

        if (text.StartsWith("blob:", StringComparison.Ordinal))
        {
            string rest = text["blob:".Length..];
            int slash = rest.IndexOf('/', StringComparison.Ordinal);
            string container = slash > 0 ? rest[..slash] : string.Empty;
            string path = slash > 0 ? rest[(slash + 1)..] : string.Empty;
            if (container.Length is < 3 or > 63 || !container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') || path.Length == 0)
            {
                throw new InvalidBatchJobException(field, $"'{text}' is not blob:CONTAINER/PATH with a lowercase container name.");
            }

            SourceKind kind = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? SourceKind.Csv
                : path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? SourceKind.JsonLines
                : throw new InvalidBatchJobException(field, $"'{path}' must end in .csv or .jsonl.");
            return new BatchSource(kind, string.Empty, container, path);
        }

        throw new InvalidBatchJobException(field, $"'{text}' must start with table: or blob:.");
    }

    /// <summary>Where the part of chunk <paramref name="chunk"/> of run <paramref name="runId"/> goes: a name fixed by the run and chunk, so a retried chunk overwrites itself.</summary>
    public string PartPath(string runId, int chunk) =>
        string.Create(CultureInfo.InvariantCulture, $"{Path}.scored/{runId}/part-{chunk:D5}{(Kind == SourceKind.Csv ? ".csv" : ".jsonl")}");

    /// <inheritdoc />
    public override string ToString() => Kind == SourceKind.Table ? "table:" + Table : $"blob:{Container}/{Path}";
}

/// <summary>
/// One batch job: score <see cref="Source"/> with the version <see cref="Alias"/> of <see cref="Model"/> points at
/// when a run starts (every chunk of the run uses that version), on <see cref="Schedule"/> (NCRONTAB with seconds,
/// none: only on demand), in chunks of <see cref="ChunkSize"/> rows. <see cref="KeyField"/> names the column that
/// identifies a row in blob outputs.
/// </summary>
public sealed record BatchJob(string Name, string Model, string Alias, BatchSource Source, string? Schedule, string? KeyField, int ChunkSize)
{
    /// <summary>The default chunk size: rows one chunk worker reads, scores and writes in one invocation.</summary>
    public const int DefaultChunkSize = 1000;

    /// <summary>The largest chunk accepted.</summary>
    public const int MaxChunkSize = 100_000;

    /// <summary>Checks every field and builds the job; <see cref="InvalidBatchJobException"/> names the first bad one.</summary>
    public static BatchJob Create(string name, string? model, string? alias, string? source, string? schedule, string? keyField, int? chunkSize)
    {
        Check(name, "name");
        Check(model, "model");
        string a = string.IsNullOrEmpty(alias) ? "champion" : alias;
        Check(a, "alias");
        BatchSource parsed = BatchSource.Parse(source);
        if (!string.IsNullOrWhiteSpace(schedule))
        {
            BatchSchedule.Parse(schedule);
        }

        int size = chunkSize ?? DefaultChunkSize;
        if (size is < 1 or > MaxChunkSize)
        {
            throw new InvalidBatchJobException("chunkSize", $"is {size}; it must be from 1 to {MaxChunkSize}.");
        }

        return new BatchJob(name, model!, a, parsed, string.IsNullOrWhiteSpace(schedule) ? null : schedule.Trim(), string.IsNullOrEmpty(keyField) ? null : keyField, size);
    }

    private static void Check(string? value, string field)
    {
        try
        {
            RegistryNames.Check(value, field);
        }
        catch (InvalidRegistryRequestException e)
        {
            throw new InvalidBatchJobException(field, e.Message);
        }
    }
}

/// <summary>A job definition, run request or chunk that cannot be used as given; <see cref="Field"/> names what is wrong.</summary>
public sealed class InvalidBatchJobException(string field, string message) : Exception($"{field}: {message}")
{
    public string Field { get; } = field;
}

/// <summary>NCRONTAB schedules with seconds, as Functions timers take them, and which occurrence is due.</summary>
public static class BatchSchedule
{
    /// <summary>Parses a six-field NCRONTAB expression (seconds first).</summary>
    public static CrontabSchedule Parse(string expression)
    {
        CrontabSchedule? schedule = CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        return schedule ?? throw new InvalidBatchJobException("schedule", $"'{expression}' is not an NCRONTAB expression with six fields (second minute hour day month weekday).");
    }

    /// <summary>
    /// The latest occurrence after <paramref name="since"/> and at or before <paramref name="now"/>, or null when
    /// none is due. Missed occurrences collapse into the latest: a job that could not run for a day runs once.
    /// </summary>
    public static DateTimeOffset? Due(string expression, DateTimeOffset since, DateTimeOffset now)
    {
        CrontabSchedule schedule = Parse(expression);
        DateTime? latest = null;
        DateTime start = since.UtcDateTime;
        DateTime end = now.UtcDateTime.AddTicks(1);
        foreach (DateTime occurrence in schedule.GetNextOccurrences(start, end))
        {
            latest = occurrence;
        }

        return latest is { } l ? new DateTimeOffset(DateTime.SpecifyKind(l, DateTimeKind.Utc)) : null;
    }
}
