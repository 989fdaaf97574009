using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ModelOps.Batch;
using ModelOps.Cli;
using ModelOps.Storage;
using ModelOps.Storage.Batch;
using ModelOps.Testing;

namespace ModelOps.Cli.Tests;

/// <summary><c>modelops jobs</c> against a status table in Azurite, as the Pipelines app writes it.</summary>
[Collection(AzuriteConsoleCollection.Name)]
public sealed class JobsCommandsTests(AzuriteFixture azurite)
{
    private readonly string _table = "jobs" + AzuriteFixture.UniqueName("cli");

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) =>
        CommandRunner.RunAsync(JobsCommands.Create(), [.. args, "--connection", azurite.ConnectionString, "--table", _table]);

    private BatchStatusStore Store => new(StorageConnection.FromConnectionString(azurite.ConnectionString).CreateTableServiceClient().GetTableClient(_table));

    [Fact]
    public async Task List_shows_each_job_with_its_last_run_and_status_its_progress()
    {
        BatchJob job = BatchJob.Create("nightly", "churn", null, "table:customers", "0 0 2 * * *", null, 500);
        await Store.UpsertJobAsync(job, "settings", DateTimeOffset.UtcNow, CancellationToken.None);
        await Store.TryCreateRunAsync(job, "20261201T020000Z-s", "schedule", DateTimeOffset.UtcNow, CancellationToken.None);
        await Store.SetVersionAsync("nightly", "20261201T020000Z-s", 3, CancellationToken.None);
        await Store.SavePlanAsync("nightly", "20261201T020000Z-s", new ChunkPlan([new ChunkRange(0, 10, "p", "a", "b")], null), DateTimeOffset.UtcNow, CancellationToken.None);
        await Store.FinishChunkAsync("nightly", "20261201T020000Z-s", 0, new ChunkCounts(10, 9, 0, 1), 0.5, CancellationToken.None);
        await Store.UpdateProgressAsync("nightly", "20261201T020000Z-s", DateTimeOffset.UtcNow, CancellationToken.None);

        (int listExit, string list, _) = await RunAsync("list");
        (int statusExit, string status, _) = await RunAsync("status", "nightly", "--json");

        listExit.Should().Be(0);
        list.Should().Be("nightly\tchurn@champion\ttable:customers\t0 0 2 * * *\t20261201T020000Z-s\tCompleted" + Environment.NewLine);
        statusExit.Should().Be(0);
        BatchRunStatus run = JsonSerializer.Deserialize(status, BatchJsonContext.Default.BatchRunStatus)!;
        run.Should().Match<BatchRunStatus>(r => r.State == RunState.Completed && r.Version == 3 && r.RowsDone == 10 && r.RowsInvalid == 1 && r.ChunksTotal == 1);
    }

    [Fact]
    public async Task Run_puts_a_run_request_on_the_run_queue_and_an_unknown_job_is_exit_2_naming_it()
    {
        await Store.UpsertJobAsync(BatchJob.Create("adhoc", "churn", null, "blob:inputs/x.csv", null, null, null), "settings", DateTimeOffset.UtcNow, CancellationToken.None);
        QueueClient queue = StorageConnection.FromConnectionString(azurite.ConnectionString).CreateQueueServiceClient(o => o.MessageEncoding = QueueMessageEncoding.Base64).GetQueueClient(BatchQueues.Runs);
        await queue.CreateIfNotExistsAsync();
        await queue.ClearMessagesAsync();

        (int exit, string output, _) = await RunAsync("run", "adhoc", "--quiet");
        (int unknown, _, string error) = await RunAsync("status", "nope");
        QueueMessage[] messages = (await queue.ReceiveMessagesAsync(10)).Value;

        exit.Should().Be(0);
        RunIds.IsValid(output.Trim()).Should().BeTrue();
        messages.Select(m => JsonSerializer.Deserialize(m.Body.ToString(), BatchJsonContext.Default.RunRequest)).Should().ContainSingle()
            .Which.Should().Be(new RunRequest("adhoc", output.Trim(), "manual"));
        unknown.Should().Be(2);
        error.Should().Contain("JOB: 'nope' is not a job");
    }
}
