using System.CommandLine;
using System.Globalization;
using System.Threading.Channels;
using ModelOps.Scoring;

namespace ModelOps.Cli;

/// <summary>
/// <c>modelops score --model NAME [--alias A | --version V] --input rows.csv --output scores.csv [--id COL]</c>: a CSV
/// file scored through the Scoring app's HTTP API (<see cref="ScoringEndpoint"/> says which app and key). The file
/// streams in batches of <c>--batch-size</c> rows, at most <c>--concurrency</c> requests in flight, and the scores are
/// written in input order (<see cref="ScoresCsv"/>) to a partial file that replaces <c>--output</c> only when every
/// row is scored. A refused row ends the command (exit 1) naming the row and field.
/// </summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The registered model.", Required = true };
        var alias = new Option<string?>("--alias") { Description = "Score with the version this alias points at (default: the model's routing, else champion)." };
        var version = new Option<int?>("--version") { Description = "Score with this version." };
        Option<string> input = CliOptions.InputFile("--input", "CSV with a header row; the columns the model takes are sent, the others stay here.", stdin: true);
        Option<string> output = CliOptions.OutputFile("--output", "Where to write the scores (CSV).");
        var id = new Option<string?>("--id") { Description = "A column of the input copied, first, into every row of the scores (to join them back)." };
        var url = new Option<string?>("--url") { Description = $"The Scoring app (default: {ScoringEndpoint.UrlVariable}, else the local stack of 'modelops up')." };
        var key = new Option<string?>("--key") { Description = $"Its function key (default: {ScoringEndpoint.KeyVariable}, else the local stack's; never printed)." };
        var batch = new Option<int>("--batch-size") { Description = "Rows per request.", DefaultValueFactory = _ => 500 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at most.", DefaultValueFactory = _ => 4 };
        Option<bool> quiet = CliOptions.Quiet();
        batch.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 10_000) r.AddError("--batch-size: give 1 to 10000 rows."); });
        concurrency.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 64) r.AddError("--concurrency: give 1 to 64 requests."); });
        var command = new Command("score", "Score a CSV file through the Scoring app's HTTP API.") { model, alias, version, input, output, id, url, key, batch, concurrency, quiet };
        command.Validators.Add(r =>
        {
            if (r.GetValue(alias) is not null && r.GetValue(version) is not null) r.AddError("--alias and --version cannot both be given; name one.");
        });
        command.SetAction((result, ct) => CliRun.GuardedAsync("score", async () =>
        {
            ScoringEndpoint endpoint = ScoringEndpoint.Resolve(result.GetValue(url), result.GetValue(key), Environment.CurrentDirectory);
            var run = new ScoreRun(result.GetValue(model)!, result.GetValue(alias), result.GetValue(version), result.GetValue(batch), result.GetValue(concurrency));
            string target = result.GetValue(output)!;
            using var http = CreateHttp(endpoint, result.GetValue(concurrency));
            (int rows, IReadOnlyCollection<string> servedBy) = await run.ScoreAsync(new ScoringClient(http), result.GetValue(input)!, target, result.GetValue(id), ct);
            if (!result.GetValue(quiet))
            {
                Console.Error.WriteLine($"Scored {rows} rows into {target} ({string.Join(", ", servedBy)}).");
            }

            return CliRun.Ok;
        }));
        return command;
    }

    private static HttpClient CreateHttp(ScoringEndpoint endpoint, int concurrency)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        {
            BaseAddress = new Uri(endpoint.Url.ToString().TrimEnd('/') + "/"),
            Timeout = TimeSpan.FromSeconds(100),
        };
        http.DefaultRequestHeaders.Add("x-functions-key", endpoint.Key);
        return http;
    }
}

/// <summary>One scoring run: reads, sends and writes in order with bounded concurrency.</summary>
internal sealed class ScoreRun(string model, string? alias, int? version, int batchSize, int concurrency)
{
    /// <summary>Scores <paramref name="input"/> into <paramref name="output"/>; the rows scored and who served them (<c>vN alias engine</c>).</summary>
    public async Task<(int Rows, IReadOnlyCollection<string> ServedBy)> ScoreAsync(ScoringClient client, string input, string output, string? idColumn, CancellationToken cancellationToken)
    {
        ServedSchema schema = await client.GetSchemaAsync(model, alias, version, cancellationToken);
        using TextReader reader = CliInput.OpenText(input);
        using IEnumerator<string[]> records = CsvTable.ReadRecords(reader).GetEnumerator();
        string[] header = records.MoveNext() ? records.Current.Select(h => h.Trim()).ToArray() : throw new InvalidDataException("--input: the CSV file is empty: it needs a header row.");
        var rows = new ScoringRows(header, schema.Schema, idColumn);
        string partial = output + ".partial";
        var servedBy = new SortedSet<string>(StringComparer.Ordinal);
        int scored;
        try
        {
            await using (var writer = new StreamWriter(partial))
            {
                var scores = new ScoresCsv(writer, idColumn);
                await PipeAsync(client, records, rows, (ids, response) =>
                {
                    scores.Write(ids, response);
                    foreach (RowScore r in response.Rows)
                    {
                        servedBy.Add($"v{r.Version.ToString(CultureInfo.InvariantCulture)} {r.Alias} {r.Engine}");
                    }
                }, cancellationToken);
                scored = scores.Rows;
            }

            File.Move(partial, output, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }

        return (scored, servedBy);
    }

    private async Task PipeAsync(ScoringClient client, IEnumerator<string[]> records, ScoringRows rows, Action<string?[], ScoreResponse> write, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(concurrency);
        var inFlight = Channel.CreateUnbounded<(string?[] Ids, Task<ScoreResponse> Scores)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        string run = Guid.NewGuid().ToString("N")[..12];

        // The reader starts a request whenever a slot is free; the writer takes the answers in input order and frees the slots.
        Task reading = Task.Run(async () =>
        {
            try
            {
                int next = 1;
                for (int b = 0; ; b++)
                {
                    List<string[]> batch = Take(records, batchSize);
                    if (batch.Count == 0)
                    {
                        break;
                    }

                    int first = next;
                    next += batch.Count;
                    byte[] body = rows.Body(batch, first);
                    await slots.WaitAsync(stop.Token);
                    Task<ScoreResponse> scores = client.ScoreAsync(model, alias, version, body, $"{run}-{b}", i => i >= 0 && i < batch.Count ? rows.Describe(first + i, batch[i]) : $"row {first + i}", stop.Token);
                    await inFlight.Writer.WriteAsync((batch.Select(rows.Id).ToArray(), scores), stop.Token);
                }

                inFlight.Writer.Complete();
            }
            catch (Exception e)
            {
                inFlight.Writer.Complete(e);
            }
        }, stop.Token);

        try
        {
            await foreach ((string?[] ids, Task<ScoreResponse> scores) in inFlight.Reader.ReadAllAsync(stop.Token))
            {
                ScoreResponse response = await scores;
                slots.Release();
                write(ids, response);
            }

            // A reading error (bad CSV) completes the channel with it: rethrow it here.
            await inFlight.Reader.Completion;
        }
        catch
        {
            await stop.CancelAsync();
            while (inFlight.Reader.TryRead(out var left))
            {
                // Requests already sent end with the cancellation; their outcome no longer matters.
                await left.Scores.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }

            throw;
        }
        finally
        {
            await reading.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private static List<string[]> Take(IEnumerator<string[]> records, int count)
    {
        var batch = new List<string[]>(Math.Min(count, 1024));
        while (batch.Count < count && records.MoveNext())
        {
            batch.Add(records.Current);
        }

        return batch;
    }
}
