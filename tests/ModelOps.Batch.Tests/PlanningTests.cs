using System.Text;

namespace ModelOps.Batch.Tests;

/// <summary>Job definitions, schedules and chunk plans, without storage.</summary>
public sealed class PlanningTests
{
    [Fact]
    public void Table_chunks_never_cross_a_partition_and_hold_at_most_the_chunk_size()
    {
        var keys = Enumerable.Range(0, 2500).Select(i => ("a", $"{i:D5}")).Concat(Enumerable.Range(0, 3).Select(i => ("b", $"{i:D5}")));

        IReadOnlyList<ChunkRange> chunks = ChunkPlanner.PlanTable(keys, 1000);

        chunks.Select(c => (c.Partition, c.FromRowKey, c.ToRowKey, c.Rows)).Should().Equal(
            ("a", "00000", "00999", 1000L), ("a", "01000", "01999", 1000L), ("a", "02000", "02499", 500L), ("b", "00000", "00002", 3L));
        chunks.Select(c => c.Chunk).Should().Equal(0, 1, 2, 3);
    }

    [Fact]
    public async Task Line_chunks_cover_every_row_once_with_their_byte_ranges()
    {
        string text = "id,x\r\n" + string.Join("", Enumerable.Range(1, 7).Select(i => $"{i},{i * 10}\r\n")) + "\r\n";
        byte[] bytes = Encoding.UTF8.GetBytes(text);

        ChunkPlan plan = await ChunkPlanner.PlanLinesAsync(new MemoryStream(bytes), hasHeader: true, chunkSize: 3, CancellationToken.None);

        plan.Header.Should().Be("id,x");
        plan.Rows.Should().Be(7);
        plan.Chunks.Select(c => (c.FirstRow, c.Rows)).Should().Equal((1L, 3L), (4L, 3L), (7L, 1L));
        string[] lines = plan.Chunks.SelectMany(c => Encoding.UTF8.GetString(bytes, (int)c.Offset, (int)c.Length).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        lines.Should().Equal(Enumerable.Range(1, 7).Select(i => $"{i},{i * 10}"));
    }

    [Fact]
    public async Task A_last_line_without_a_line_end_is_a_row()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("{\"a\":1}\n{\"a\":2}");

        ChunkPlan plan = await ChunkPlanner.PlanLinesAsync(new MemoryStream(bytes), hasHeader: false, chunkSize: 10, CancellationToken.None);

        plan.Header.Should().BeNull();
        plan.Chunks.Should().ContainSingle().Which.Should().Be(new ChunkRange(0, 2, Offset: 0, Length: bytes.Length, FirstRow: 1));
    }

    [Theory]
    [InlineData("table:scores", SourceKind.Table)]
    [InlineData("blob:inputs/day/customers.csv", SourceKind.Csv)]
    [InlineData("blob:inputs/customers.JSONL", SourceKind.JsonLines)]
    public void Sources_read_as_tables_or_blobs(string text, SourceKind kind)
    {
        BatchSource source = BatchSource.Parse(text);

        source.Kind.Should().Be(kind);
        source.ToString().Should().Be(text);
    }

    [Theory]
    [InlineData("queue:x", "must start with table: or blob:")]
    [InlineData("table:1bad", "table name")]
    [InlineData("blob:Inputs/a.csv", "lowercase container")]
    [InlineData("blob:inputs/a.parquet", "must end in .csv or .jsonl")]
    public void A_bad_source_is_refused_naming_the_field(string text, string problem)
    {
        Action parse = () => BatchSource.Parse(text);

        parse.Should().Throw<InvalidBatchJobException>().Where(e => e.Field == "source" && e.Message.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void A_job_is_refused_for_a_bad_schedule_or_chunk_size()
    {
        Action schedule = () => BatchJob.Create("nightly", "churn", null, "table:scores", "0 0 2 * *", null, null);
        Action chunk = () => BatchJob.Create("nightly", "churn", null, "table:scores", null, null, 0);

        schedule.Should().Throw<InvalidBatchJobException>().Which.Field.Should().Be("schedule");
        chunk.Should().Throw<InvalidBatchJobException>().Which.Field.Should().Be("chunkSize");
        BatchJob.Create("nightly", "churn", null, "table:scores", null, null, null).Alias.Should().Be("champion");
    }

    [Fact]
    public void Settings_name_the_job_and_field_of_a_problem()
    {
        var options = new Storage.Batch.BatchOptions();
        options.Jobs["nightly"] = new Storage.Batch.BatchJobSettings { Model = "churn", Source = "table:x" };

        options.Problems().Should().ContainSingle().Which.Should().StartWith("Batch:Jobs:nightly:Source:");
    }

    [Fact]
    public void The_latest_due_occurrence_is_run_once_and_none_before_the_first()
    {
        var since = new DateTimeOffset(2026, 12, 1, 1, 59, 0, TimeSpan.Zero);

        BatchSchedule.Due("0 0 2 * * *", since, since.AddSeconds(30)).Should().BeNull();
        BatchSchedule.Due("0 0 2 * * *", since, since.AddMinutes(1)).Should().Be(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero));
        BatchSchedule.Due("0 0 2 * * *", since, since.AddDays(3)).Should().Be(new DateTimeOffset(2026, 12, 3, 2, 0, 0, TimeSpan.Zero));
        BatchSchedule.Due("0 0 2 * * *", since.AddMinutes(1), since.AddMinutes(2)).Should().BeNull();
    }

    [Fact]
    public void Csv_fields_keep_quoted_commas_and_a_quote_that_does_not_close_is_named()
    {
        Csv.Split("a,\"b, c\",\"say \"\"hi\"\"\",").Should().Equal("a", "b, c", "say \"hi\"", string.Empty);

        Action broken = () => Csv.Split("a,\"b", 42);

        broken.Should().Throw<InvalidDataException>().WithMessage("CSV row 42 has a quote that does not close.");
    }

    [Fact]
    public void Scheduled_run_ids_are_fixed_by_the_occurrence()
    {
        var at = new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);

        RunIds.Scheduled(at).Should().Be("20261201T020000Z-s");
        RunIds.IsValid(RunIds.OnDemand(at)).Should().BeTrue();
        RunIds.IsValid("a/b").Should().BeFalse();
    }
}
