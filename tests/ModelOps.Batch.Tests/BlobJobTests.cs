using System.Globalization;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ModelOps.Learning.Tests.Pipelines;
using ModelOps.Testing;

namespace ModelOps.Batch.Tests;

/// <summary>Blob jobs under the local host: the Telco CSV as it is, scored into parts beside it; a damaged chunk poisoned while the rest completes.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobJobTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_csv_blob_is_scored_into_parts_beside_it_with_every_row_once()
    {
        string container = AzuriteFixture.UniqueName("in");
        await using PipelinesApp app = await PipelinesApp.StartAsync(azurite, new Dictionary<string, string>
        {
            ["telco__Model"] = TelcoModel.Name,
            ["telco__Source"] = $"blob:{container}/daily/telco.csv",
            ["telco__KeyField"] = "customerID",
            ["telco__ChunkSize"] = "2000",
        }, visibilityTimeout: TimeSpan.FromSeconds(2));
        BlobContainerClient blobs = app.Blobs.GetBlobContainerClient(container);
        await blobs.CreateAsync();
        await blobs.GetBlobClient("daily/telco.csv").UploadAsync(TelcoData.CsvPath);

        string runId = await app.RunAsync("telco");
        BatchRunStatus run = await app.WaitForRunAsync("telco", runId, TimeSpan.FromMinutes(5));

        run.State.Should().Be(RunState.Completed, app.Host.Output);
        run.RowsDone.Should().Be(TelcoModel.Rows);
        run.ChunksTotal.Should().Be(4);
        var parts = new List<string>();
        await foreach (BlobItem item in blobs.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"daily/telco.csv.scored/{runId}/", CancellationToken.None))
        {
            parts.Add(item.Name);
        }

        parts.Should().Equal(Enumerable.Range(0, 4).Select(i => $"daily/telco.csv.scored/{runId}/part-{i:D5}.csv"));
        var rows = new List<string[]>();
        foreach (string part in parts)
        {
            string text = (await blobs.GetBlobClient(part).DownloadContentAsync()).Value.Content.ToString();
            string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines[0].Should().Be("row,customerID,score,label,model_version,scored_at,score_error");
            rows.AddRange(lines.Skip(1).Select(l => Batch.Csv.Split(l)));
        }

        rows.Select(r => long.Parse(r[0], CultureInfo.InvariantCulture)).Should().Equal(Enumerable.Range(1, TelcoModel.Rows).Select(i => (long)i));
        string?[] ids = TelcoModel.Data["customerID"].Texts!;
        foreach (string[] r in rows)
        {
            int row = int.Parse(r[0], CultureInfo.InvariantCulture) - 1;
            r[1].Should().Be(ids[row]);
            r[4].Should().Be(app.Version.ToString(CultureInfo.InvariantCulture));
            if (r[6].Length == 0)
            {
                double.Parse(r[2], CultureInfo.InvariantCulture).Should().BeApproximately(TelcoModel.Expected(row), 1e-5);
            }
        }
    }

    [Fact]
    public async Task A_chunk_that_fails_every_attempt_is_reported_poisoned_and_the_rest_of_the_run_completes()
    {
        string container = AzuriteFixture.UniqueName("in");
        await using PipelinesApp app = await PipelinesApp.StartAsync(azurite, new Dictionary<string, string>
        {
            ["damaged__Model"] = TelcoModel.Name,
            ["damaged__Source"] = $"blob:{container}/telco.csv",
            ["damaged__ChunkSize"] = "1000",
        }, visibilityTimeout: TimeSpan.FromSeconds(1), maxDequeueCount: 2);
        string[] lines = await File.ReadAllLinesAsync(TelcoData.CsvPath);
        lines[2500] += ",\"unclosed"; // row 2500, in chunk 2: a quote that never closes
        BlobContainerClient blobs = app.Blobs.GetBlobContainerClient(container);
        await blobs.CreateAsync();
        await blobs.GetBlobClient("telco.csv").UploadAsync(new BinaryData(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n")));

        string runId = await app.RunAsync("damaged");
        BatchRunStatus run = await app.WaitForRunAsync("damaged", runId, TimeSpan.FromMinutes(5));

        run.State.Should().Be(RunState.CompletedWithFailures, app.Host.Output);
        run.ChunksPoisoned.Should().Be(1);
        run.ChunksDone.Should().Be(run.ChunksTotal!.Value - 1);
        run.RowsDone.Should().Be(TelcoModel.Rows - 1000);
        var chunks = await app.Status.ListChunksAsync("damaged", runId, CancellationToken.None);
        (ChunkRange range, ChunkStatus poisoned) = chunks.Single(c => c.Status.State == ChunkState.Poisoned);
        range.Chunk.Should().Be(2);
        poisoned.Attempts.Should().Be(2);
        poisoned.LastError.Should().Contain("CSV row 2500 has a quote that does not close.");
        var parts = new List<string>();
        await foreach (BlobItem item in blobs.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"telco.csv.scored/{runId}/", CancellationToken.None))
        {
            parts.Add(item.Name[^14..]);
        }

        parts.Should().Equal(Enumerable.Range(0, run.ChunksTotal.Value).Where(i => i != 2).Select(i => $"part-{i:D5}.csv"));
    }
}
