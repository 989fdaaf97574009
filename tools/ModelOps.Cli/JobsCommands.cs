using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Azure.Storage.Queues;
using ModelOps.Batch;
using ModelOps.Storage;
using ModelOps.Storage.Batch;

namespace ModelOps.Cli;

/// <summary>
/// <c>modelops jobs list|run|status</c>: batch scoring jobs on a storage account (<c>--connection</c>, default the
/// <c>AzureWebJobsStorage</c> connection). Jobs are those the Pipelines app wrote to its status table (from its
/// <c>Batch__Jobs__*</c> settings); <c>run</c> asks the app to start one, as its schedule would; <c>status</c> reads a
/// run's progress. An unknown job or run is exit 2; <c>run --wait</c> ends 1 when the run failed or poisoned a chunk.
/// </summary>
internal static class JobsCommands
{
    private static readonly JsonSerializerOptions Indented = new(BatchJsonContext.Default.Options) { WriteIndented = true };

    private static readonly Option<string?> Connection = new("--connection")
    {
        Description = "Storage connection string (default: the AzureWebJobsStorage connection from the environment, connection string or identity-based; else local Azurite).",
    };

    private static readonly Option<string> Table = new("--table") { Description = "The jobs' status table (the app's Batch__StatusTable).", DefaultValueFactory = _ => new BatchOptions().StatusTable };

    private static readonly Option<bool> Json = new("--json") { Description = "Print JSON instead of lines." };

    private static readonly Option<bool> Quiet = CliOptions.Quiet();

    public static Command Create()
    {
        var jobs = new Command("jobs", "List batch scoring jobs, start a run, follow its progress.");
        foreach (Command command in new[] { List(), Run(), Status() })
        {
            foreach (Option option in new Option[] { Connection, Table, Json, Quiet })
            {
                command.Options.Add(option);
            }

            jobs.Subcommands.Add(command);
        }

        return jobs;
    }

    private static Command List()
    {
        var command = new Command("list", "One line per job: name, model@alias, source, schedule, last run and its state.");
        command.SetAction((result, ct) => GuardedAsync(result, "list", async store =>
        {
            var summaries = new List<JobSummary>();
            foreach (StoredJob j in await store.ListJobsAsync(ct))
            {
                RunState? last = j.LastRunId is { } id ? (await store.GetRunAsync(j.Job.Name, id, ct))?.Status.State : null;
                summaries.Add(new JobSummary(j.Job.Name, j.Job.Model, j.Job.Alias, j.Job.Source.ToString(), j.Job.Schedule, j.Job.ChunkSize, j.Origin, j.LastRunId, last));
            }

            if (result.GetValue(Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(summaries.ToArray(), Indented));
                return CliRun.Ok;
            }

            foreach (JobSummary s in summaries)
            {
                Console.WriteLine($"{s.Name}\t{s.Model}@{s.Alias}\t{s.Source}\t{s.Schedule ?? "on demand"}\t{s.LastRunId ?? "-"}\t{s.LastState?.ToString() ?? "-"}");
            }

            return CliRun.Ok;
        }, ct));
        return command;
    }

    private static Command Run()
    {
        var name = new Argument<string>("JOB");
        var wait = new Option<bool>("--wait") { Description = "Wait until the run finishes, printing its progress." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds --wait waits at most.", DefaultValueFactory = _ => 3600 };
        var command = new Command("run", "Start a run of JOB now (the Pipelines app plans and scores it); prints the run id.") { name, wait, timeout };
        command.SetAction((result, ct) => GuardedAsync(result, "run", async store =>
        {
            string job = result.GetValue(name)!;
            _ = await store.GetJobAsync(job, ct) ?? throw new CliUsageException($"JOB: '{job}' is not a job of table '{result.GetValue(Table)}' (see 'modelops jobs list').");
            string runId = RunIds.OnDemand(DateTimeOffset.UtcNow);
            QueueClient queue = CliStorage.Connection(result.GetValue(Connection)).CreateQueueServiceClient(o => o.MessageEncoding = QueueMessageEncoding.Base64).GetQueueClient(BatchQueues.Runs);
            await queue.CreateIfNotExistsAsync(cancellationToken: ct);
            await queue.SendMessageAsync(JsonSerializer.Serialize(new RunRequest(job, runId, "manual"), BatchJsonContext.Default.RunRequest), ct);
            Console.WriteLine(runId);
            if (!result.GetValue(wait))
            {
                return CliRun.Ok;
            }

            var deadline = DateTimeOffset.UtcNow.AddSeconds(result.GetValue(timeout));
            string? shown = null;
            while (true)
            {
                BatchRunStatus? run = (await store.GetRunAsync(job, runId, ct))?.Status;
                string line = run is null ? "waiting for the app to pick the run up" : Progress(run);
                if (!result.GetValue(Quiet) && line != shown)
                {
                    Console.Error.WriteLine(line);
                    shown = line;
                }

                if (run is { IsFinished: true })
                {
                    if (result.GetValue(Json))
                    {
                        Console.WriteLine(JsonSerializer.Serialize(run, Indented));
                    }

                    return run.State == RunState.Completed ? CliRun.Ok : CliRun.Failed;
                }

                if (DateTimeOffset.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"run {runId} did not finish within --timeout {result.GetValue(timeout)} s; follow it with 'modelops jobs status {job} --run {runId}'.");
                }

                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }, ct));
        return command;
    }

    private static Command Status()
    {
        var name = new Argument<string>("JOB");
        var runOption = new Option<string?>("--run") { Description = "The run (default: the latest)." };
        var chunks = new Option<bool>("--chunks") { Description = "Also list the chunks that failed an attempt or were poisoned." };
        var command = new Command("status", "A run's state, rows done of total, chunks done and poisoned, timings and failures.") { name, runOption, chunks };
        command.SetAction((result, ct) => GuardedAsync(result, "status", async store =>
        {
            string job = result.GetValue(name)!;
            _ = await store.GetJobAsync(job, ct) ?? throw new CliUsageException($"JOB: '{job}' is not a job of table '{result.GetValue(Table)}' (see 'modelops jobs list').");
            StoredRun? run = result.GetValue(runOption) is { } id
                ? await store.GetRunAsync(job, id, ct) ?? throw new CliUsageException($"--run: job '{job}' has no run '{id}'.")
                : (await store.ListRunsAsync(job, ct)).MaxBy(r => r.Status.RunId, StringComparer.Ordinal);
            if (run is null)
            {
                throw new CliUsageException($"JOB: '{job}' has not run yet (start it with 'modelops jobs run {job}').");
            }

            var failed = result.GetValue(chunks)
                ? (await store.ListChunksAsync(job, run.Status.RunId, ct)).Select(c => c.Status).Where(c => c.State == ChunkState.Poisoned || c.LastError is not null).ToArray()
                : [];
            if (result.GetValue(Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(run.Status, Indented));
                if (failed.Length > 0)
                {
                    Console.WriteLine(JsonSerializer.Serialize(failed, Indented));
                }

                return CliRun.Ok;
            }

            BatchRunStatus s = run.Status;
            Console.WriteLine($"{s.Job} {s.RunId} ({s.Trigger}): {Progress(s)}");
            Console.WriteLine($"model {s.Model}@{s.Alias} v{s.Version?.ToString(CultureInfo.InvariantCulture) ?? "?"}, source {s.Source}");
            Console.WriteLine($"created {s.CreatedAt:u}, planned {s.PlannedAt?.ToString("u", CultureInfo.InvariantCulture) ?? "-"}, finished {s.FinishedAt?.ToString("u", CultureInfo.InvariantCulture) ?? "-"}"
                + (s.FinishedAt is { } f && s.PlannedAt is { } p ? $" ({(f - p).TotalSeconds:0.0} s)" : string.Empty));
            if (s.Error is not null)
            {
                Console.WriteLine("error: " + s.Error);
            }

            foreach (ChunkStatus c in failed)
            {
                Console.WriteLine($"chunk {c.Chunk}: {c.State}, {c.Attempts} attempt(s), last error: {c.LastError ?? "-"}");
            }

            return CliRun.Ok;
        }, ct));
        return command;
    }

    private static string Progress(BatchRunStatus s) =>
        $"{s.State}, {s.RowsDone:N0} of {s.RowsTotal?.ToString("N0", CultureInfo.InvariantCulture) ?? "?"} rows done ({s.RowsScored:N0} scored, {s.RowsSkipped:N0} already scored, {s.RowsInvalid:N0} refused), "
        + $"{s.ChunksDone} of {s.ChunksTotal?.ToString(CultureInfo.InvariantCulture) ?? "?"} chunks done, {s.ChunksPoisoned} poisoned";

    private static Task<int> GuardedAsync(ParseResult result, string name, Func<BatchStatusStore, Task<int>> action, CancellationToken cancellationToken) =>
        CliRun.GuardedAsync("jobs " + name, async () =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            string table = result.GetValue(Table)!;
            if (table.Length is < 3 or > 63 || !char.IsAsciiLetter(table[0]) || !table.All(char.IsAsciiLetterOrDigit))
            {
                throw new CliUsageException($"--table: '{table}' is not a table name (3-63 letters and digits, starting with a letter).");
            }

            StorageConnection connection = CliStorage.Connection(result.GetValue(Connection));
            return await action(new BatchStatusStore(connection.CreateTableServiceClient().GetTableClient(table)));
        });
}
