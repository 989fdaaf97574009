using Azure.Data.Tables;
using ModelOps.Testing;

namespace ModelOps.Batch.Tests;

/// <summary>A table job under the local host: several partitions of 2,500+ Telco entities, each scored once, in place.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableJobTests(AzuriteFixture azurite)
{
    private const int PerPartition = 2600;

    [Fact]
    public async Task Every_entity_of_every_partition_gets_one_score_from_the_champion_version_and_the_run_completes()
    {
        string source = AzuriteFixture.UniqueName("customers");
        await using PipelinesApp app = await PipelinesApp.StartAsync(azurite, new Dictionary<string, string>
        {
            ["nightly__Model"] = TelcoModel.Name,
            ["nightly__Source"] = "table:" + source,
            ["nightly__ChunkSize"] = "1000",
        }, visibilityTimeout: TimeSpan.FromSeconds(2));
        TableClient table = app.Tables.GetTableClient(source);
        await table.CreateAsync();
        string[] partitions = ["east", "north", "west"];
        for (int p = 0; p < partitions.Length; p++)
        {
            for (int start = 0; start < PerPartition; start += 100)
            {
                await table.SubmitTransactionAsync(Enumerable.Range(start, Math.Min(100, PerPartition - start))
                    .Select(i => new TableTransactionAction(TableTransactionActionType.Add, TelcoModel.Entity(partitions[p], $"c{i:D6}", ((p * PerPartition) + i) % TelcoModel.Rows))));
            }
        }

        string runId = await app.RunAsync("nightly");
        BatchRunStatus run = await app.WaitForRunAsync("nightly", runId, TimeSpan.FromMinutes(5));

        run.State.Should().Be(RunState.Completed, app.Host.Output);
        run.Version.Should().Be(app.Version);
        run.RowsTotal.Should().Be(partitions.Length * PerPartition);
        run.RowsDone.Should().Be(partitions.Length * PerPartition);
        run.ChunksTotal.Should().Be(partitions.Length * 3);
        List<TableEntity> entities = await table.QueryAsync<TableEntity>().ToListAsync();
        entities.Should().HaveCount(partitions.Length * PerPartition);
        entities.Should().OnlyContain(e => e.GetString("batch_run") == runId && e.GetInt32("model_version") == app.Version && e.GetDateTimeOffset("scored_at") != null);
        int invalid = entities.Count(e => e.GetString("score_error") is not null);
        invalid.Should().Be((int)run.RowsInvalid);
        foreach (TableEntity e in entities.Where(e => e.GetString("score_error") is null))
        {
            e.GetDouble("score").Should().BeApproximately(TelcoModel.Expected(e.GetInt32("source_row")!.Value), 1e-5);
            e.GetString("label").Should().Be(e.GetDouble("score") >= 0.5 ? "Yes" : "No");
        }
    }
}
