using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOps.Batch;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Registry;
using ModelOps.Scoring.Cache;
using ModelOps.Scoring.Engines;
using ModelOps.Scoring.Telemetry;
using ModelOps.Storage;
using ModelOps.Storage.Batch;
using ModelOps.Storage.Registry;
using ModelOps.Testing;

// Batch rows/s for a blob CSV and a table, each against its floor: the same chunks read, parsed and written back in
// the same shape with a constant score instead of the model's (same run, same Azurite, alternated, two chunks at a
// time like a worker's queue batch). Usage: [CSV_ROWS] [TABLE_ENTITIES] (default 1,000,000 and 100,000).
int csvRows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
int entities = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
const int Parallelism = 2;

var azurite = new AzuriteFixture();
await azurite.InitializeAsync();
try
{
    var storage = StorageConnection.FromConnectionString(azurite.ConnectionString);
    string auditKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    var registryStorage = new RegistryStorageOptions { TableName = "benchreg", ArtifactContainer = "benchart" };
    ModelRegistry registry = ModelRegistryFactory.Create(storage, new RegistryOptions { AuditKey = auditKey }, registryStorage, TimeProvider.System);

    // A GLM on the shipped synthetic churn data: the demo's model.
    Dataset train = CsvDatasetReader.Read(new StringReader(Csv(SyntheticChurn.Generate(5000, 1))), new CsvOptions { Kinds = new Dictionary<string, ColumnKind> { ["churn"] = ColumnKind.Categorical } });
    (PipelineSpec spec, _) = SpecInference.FromData(train, "churn", "Yes", EstimatorType.Glm, exclude: ["customer_id"], name: "churn");
    byte[] onnx = PipelineOnnxExporter.Export(PipelineTrainer.Fit(spec, train).Pipeline);
    int version = (await registry.RegisterAsync(new RegistrationRequest("churn", Metrics: new Dictionary<string, double> { ["auroc"] = 0.8 }, Alias: "champion", Reason: "benchmark"), onnx, "bench", CancellationToken.None)).Version;
    using var metrics = new ScoringMetrics();
    await using var cache = new ModelCache(registry, new EngineSelector(), new ModelCacheOptions(), TimeProvider.System, metrics, NullLogger<ModelCache>.Instance);
    var scorer = new BatchScorer(cache);

    BlobServiceClient blobs = storage.CreateBlobServiceClient();
    BlobContainerClient container = blobs.GetBlobContainerClient("benchin");
    await container.CreateIfNotExistsAsync();
    await container.GetBlobClient("churn.csv").UploadAsync(new BinaryData(Encoding.UTF8.GetBytes(Csv(SyntheticChurn.Generate(csvRows, 2)))), overwrite: true);
    var csvSource = BatchSource.Parse("blob:benchin/churn.csv");
    var blobSource = new BlobLineSource(blobs, scorer, TimeProvider.System);
    ChunkPlan csvPlan = await blobSource.PlanAsync(csvSource, 10_000, CancellationToken.None);

    TableServiceClient tables = storage.CreateTableServiceClient();
    TableClient table = tables.GetTableClient("benchcustomers");
    await table.CreateIfNotExistsAsync();
    ChurnCustomer[] customers = SyntheticChurn.Generate(entities, 3).ToArray();
    await Parallel.ForEachAsync(Enumerable.Range(0, (entities + 99) / 100), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (b, ct) =>
        await table.SubmitTransactionAsync(customers.Skip(b * 100).Take(100).Select((c, i) =>
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, Entity($"p{b * 100 / 25_000}", $"c{(b * 100) + i:D7}", c))), ct));
    var tableSource = new TableSource(tables, scorer, TimeProvider.System);
    ChunkPlan tablePlan = await tableSource.PlanAsync(BatchSource.Parse("table:benchcustomers"), 1000, CancellationToken.None);

    int round = 0;
    BatchRunStatus RunOf(string source) => new("bench", $"r{round++:D4}", "manual", RunState.Running, "churn", "champion", version, source, 0, 0, 0, 0, 0, 0, 0, 0, DateTimeOffset.UtcNow, null, null, null);
    var results = new Dictionary<string, List<double>> { ["csv scored"] = [], ["csv floor"] = [], ["table scored"] = [], ["table floor"] = [] };
    for (int rep = 0; rep < 2; rep++)
    {
        var csvRun = new StoredRun(RunOf(csvSource.ToString()), "customer_id", csvPlan.Header);
        results["csv scored"].Add(await TimeAsync(csvPlan, c => blobSource.ScoreChunkAsync(csvRun, c, CancellationToken.None)));
        var floorRun = new StoredRun(RunOf(csvSource.ToString()), "customer_id", csvPlan.Header);
        results["csv floor"].Add(await TimeAsync(csvPlan, c => CsvFloorAsync(container, csvSource, floorRun, c, onnx)));
        BatchRunStatus tableRun = RunOf("table:benchcustomers");
        results["table scored"].Add(await TimeAsync(tablePlan, c => tableSource.ScoreChunkAsync(tableRun, c, CancellationToken.None)));
        results["table floor"].Add(await TimeAsync(tablePlan, c => TableFloorAsync(table, RunOf("table:benchcustomers"), c)));
    }

    Console.WriteLine($"batch scoring, {Environment.ProcessorCount} cores, {Parallelism} chunks at a time, Azurite on loopback; best of {results["csv scored"].Count}");
    foreach ((string kind, long rows) in new[] { ("csv", csvPlan.Rows), ("table", tablePlan.Rows) })
    {
        double scored = rows / results[kind + " scored"].Min(), floor = rows / results[kind + " floor"].Min();
        Console.WriteLine($"{kind,-6} {rows,10:N0} rows: scored {scored,10:N0} rows/s, floor {floor,10:N0} rows/s, ratio {scored / floor:0.000} (target >= 0.5)");
    }
}
finally
{
    await azurite.DisposeAsync();
}

async Task<double> TimeAsync(ChunkPlan plan, Func<ChunkRange, Task<ChunkCounts>> chunk)
{
    var stopwatch = Stopwatch.StartNew();
    long rows = 0;
    await Parallel.ForEachAsync(plan.Chunks, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (c, _) => Interlocked.Add(ref rows, (await chunk(c)).Rows));
    if (rows != plan.Rows)
    {
        throw new InvalidOperationException($"{rows} rows done of {plan.Rows}.");
    }

    return stopwatch.Elapsed.TotalSeconds;
}

// The CSV floor: the same range read and parsed, a part of the same shape written with a constant score.
async Task<ChunkCounts> CsvFloorAsync(BlobContainerClient container, BatchSource source, StoredRun run, ChunkRange range, byte[] model)
{
    var download = (await container.GetBlobClient(source.Path).DownloadContentAsync(new Azure.Storage.Blobs.Models.BlobDownloadOptions { Range = new Azure.HttpRange(range.Offset, range.Length) })).Value;
    string text = Encoding.UTF8.GetString(download.Content.ToMemory().Span);
    IReadOnlyList<LineRow> lines = LineRows.Read(SourceKind.Csv, text, run.Header, range.FirstRow, FloorSchema, run.KeyField);
    RowResult[] constant = Enumerable.Repeat(new RowResult(0.5, "No", null), lines.Count).ToArray();
    byte[] bytes = PartWriter.Write(SourceKind.Csv, run.KeyField, lines, constant, 1, DateTimeOffset.UtcNow);
    await container.GetBlobClient(source.PartPath(run.Status.RunId, range.Chunk)).UploadAsync(new BinaryData(bytes), overwrite: true);
    return new ChunkCounts(lines.Count, lines.Count, 0, 0);
}

// The table floor: the same range queried, every entity replaced with the same output properties, a constant score.
async Task<ChunkCounts> TableFloorAsync(TableClient table, BatchRunStatus run, ChunkRange range)
{
    string filter = TableClient.CreateQueryFilter($"PartitionKey eq {range.Partition} and RowKey ge {range.FromRowKey} and RowKey le {range.ToRowKey}");
    var actions = new List<TableTransactionAction>();
    long n = 0;
    await foreach (TableEntity e in table.QueryAsync<TableEntity>(filter))
    {
        _ = TableSourceFields(e);
        e["score"] = 0.5;
        e["label"] = "No";
        e["model_version"] = 1;
        e["scored_at"] = DateTimeOffset.UtcNow;
        e["batch_run"] = run.RunId;
        actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, e, e.ETag));
        n++;
        if (actions.Count == 100)
        {
            await table.SubmitTransactionAsync(actions);
            actions.Clear();
        }
    }

    if (actions.Count > 0)
    {
        await table.SubmitTransactionAsync(actions);
    }

    return new ChunkCounts(n, n, 0, 0);
}

static int TableSourceFields(TableEntity e) => e.Count;

static string Csv(IEnumerable<ChurnCustomer> customers)
{
    using var writer = new StringWriter(CultureInfo.InvariantCulture);
    SyntheticChurn.WriteCsv(writer, customers);
    return writer.ToString();
}

static TableEntity Entity(string partition, string row, ChurnCustomer c) => new(partition, row)
{
    ["customer_id"] = c.CustomerId,
    ["senior_citizen"] = c.SeniorCitizen,
    ["tenure_months"] = c.TenureMonths,
    ["contract"] = c.Contract,
    ["internet_service"] = c.InternetService,
    ["tech_support"] = c.TechSupport,
    ["payment_method"] = c.PaymentMethod,
    ["paperless_billing"] = c.PaperlessBilling,
    ["monthly_charges"] = c.MonthlyCharges,
    ["total_charges"] = c.TotalCharges,
};

internal static partial class Program
{
    /// <summary>The floor parses the same columns as numbers and text, without a model.</summary>
    private static readonly ModelOps.Scoring.Validation.FeatureSchema FloorSchema = new(
        ModelOps.Scoring.Validation.InputLayout.ColumnPerFeature,
        [
            new("senior_citizen", "numeric"), new("tenure_months", "numeric"), new("contract", "categorical"), new("internet_service", "categorical"),
            new("tech_support", "categorical"), new("payment_method", "categorical"), new("paperless_billing", "categorical"),
            new("monthly_charges", "numeric"), new("total_charges", "numeric"),
        ],
        null, 0, null, []);
}
