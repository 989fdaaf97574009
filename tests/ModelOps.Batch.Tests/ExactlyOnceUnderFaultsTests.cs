using System.Globalization;
using Azure.Data.Tables;
using ModelOps.Testing;

namespace ModelOps.Batch.Tests;

/// <summary>
/// Exactly once under faults: a table is batch-scored while the worker process is killed again and again (the local
/// host restarts it, and the chunks it was running are retried after the visibility timeout). Every entity must end
/// with one score from the run's version, and the run must report completion. CI size: 8,000 entities in 4
/// partitions and 3 kills (12,000 and 6 kills took 9 minutes on the loaded 2-core machine here: each kill costs the restart of the worker and the retry of its chunks); the full size (100,000 entities, 20 kills) with
/// <c>MODELOPS_FAULT_ENTITIES=100000 MODELOPS_FAULT_KILLS=20</c>.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ExactlyOnceUnderFaultsTests(AzuriteFixture azurite)
{
    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0 ? value : fallback;

    [Fact]
    public async Task Every_entity_ends_with_one_score_from_the_run_version_while_the_worker_is_killed_repeatedly()
    {
        int entities = Setting("MODELOPS_FAULT_ENTITIES", 8_000), kills = Setting("MODELOPS_FAULT_KILLS", 3);
        string source = AzuriteFixture.UniqueName("faults");
        await using PipelinesApp app = await PipelinesApp.StartAsync(azurite, new Dictionary<string, string>
        {
            ["faults__Model"] = TelcoModel.Name,
            ["faults__Source"] = "table:" + source,
            ["faults__ChunkSize"] = "500",
        }, visibilityTimeout: TimeSpan.FromSeconds(1), maxDequeueCount: kills + 5, batchSize: 4);
        TableClient table = app.Tables.GetTableClient(source);
        await table.CreateAsync();
        const int partitions = 4;
        int per = entities / partitions;
        await Parallel.ForEachAsync(Enumerable.Range(0, partitions), async (p, ct) =>
        {
            for (int start = 0; start < per; start += 100)
            {
                await table.SubmitTransactionAsync(Enumerable.Range(start, Math.Min(100, per - start))
                    .Select(i => new TableTransactionAction(TableTransactionActionType.Add, TelcoModel.Entity($"p{p}", $"c{i:D6}", ((p * per) + i) % TelcoModel.Rows))), ct);
            }
        });

        string runId = await app.RunAsync("faults");
        var random = new Random(20261201);
        int killed = 0;
        while (killed < kills)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(1500, 4000)));
            BatchRunStatus? now = (await app.Status.GetRunAsync("faults", runId, CancellationToken.None))?.Status;
            if (now is { IsFinished: true })
            {
                break;
            }

            if (now is { State: RunState.Running } && app.KillWorker())
            {
                killed++;
            }
        }

        // The full size scores 100,000 entities on a loaded machine: the wait grows with the table.
        BatchRunStatus run = await app.WaitForRunAsync("faults", runId, TimeSpan.FromMinutes(20 + (entities / 2_000)));
        List<TableEntity> scored = await table.QueryAsync<TableEntity>().ToListAsync();

        killed.Should().BeGreaterThan(0, "the worker must have been killed while the run was going");
        run.State.Should().Be(RunState.Completed, app.Host.Output);
        run.RowsDone.Should().Be(partitions * per);
        scored.Should().HaveCount(partitions * per);
        scored.Should().OnlyContain(e => e.GetString("batch_run") == runId && e.GetInt32("model_version") == app.Version);
        scored.Where(e => e.GetString("score_error") is null)
            .Should().OnlyContain(e => Math.Abs(e.GetDouble("score")!.Value - TelcoModel.Expected(e.GetInt32("source_row")!.Value)) < 1e-5);
        Console.WriteLine($"exactly-once: {scored.Count} entities, {killed} kills, {run.ChunksTotal} chunks, {(run.FinishedAt - run.PlannedAt)?.TotalSeconds:0.0} s from plan to completion");
    }
}
