using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Learning.Tests.Pipelines;
using ModelOps.Registry;
using ModelOps.Scoring;
using ModelOps.Scoring.Engines;
using ModelOps.Scoring.Validation;
using ModelOps.Storage;
using ModelOps.Storage.Registry;

namespace ModelOps.Batch.Tests;

/// <summary>
/// The real data of these tests: the Telco churn file, an elastic-net pipeline trained on it (once per run), and the
/// expected score of each row computed another way — the row as an HTTP JSON body, scored by ONNX Runtime.
/// </summary>
internal static class TelcoModel
{
    public const string Name = "telco";

    public static readonly string AuditKey = Convert.ToBase64String(Enumerable.Range(3, 32).Select(i => (byte)i).ToArray());

    private static readonly Lazy<(FittedPipeline Pipeline, byte[] Onnx)> Trained = new(() =>
    {
        FittedPipeline pipeline = PipelineTrainer.Fit(TelcoData.ExampleSpec(), TelcoData.Train).Pipeline;
        return (pipeline, PipelineOnnxExporter.Export(pipeline));
    });

    private static readonly Lazy<Dataset> All = new(() => CsvDatasetReader.Read(TelcoData.CsvPath));

    private static readonly Lazy<double[]> ExpectedScores = new(() =>
    {
        using ScoringSession session = new OnnxRuntimeEngine().Load(Onnx, CancellationToken.None);
        using var model = new LoadedModel(Name, 1, session, Onnx.Length);
        var scores = new double[Rows];
        for (int start = 0; start < Rows; start += 1000)
        {
            int count = Math.Min(1000, Rows - start);
            ScoreBody body = ScoreBodyReader.Read(Encoding.UTF8.GetBytes(JsonRows(start, count)), new RequestLimits());
            IReadOnlyList<RowOutputs> outputs = model.Score(RowValidator.Validate(body.Rows, model.Schema, null), CancellationToken.None);
            for (int i = 0; i < count; i++)
            {
                scores[start + i] = outputs[i].Probabilities!["Yes"];
            }
        }

        return scores;
    });

    public static byte[] Onnx => Trained.Value.Onnx;

    public static FittedPipeline Pipeline => Trained.Value.Pipeline;

    public static Dataset Data => All.Value;

    public static int Rows => All.Value.RowCount;

    /// <summary>The churn probability of Telco row <paramref name="row"/> (0-based), by ONNX Runtime from the row as JSON.</summary>
    public static double Expected(int row) => ExpectedScores.Value[row];

    /// <summary>Registers the model as version 1, alias champion, in the registry the app is configured with.</summary>
    public static async Task<int> RegisterAsync(StorageConnection connection, string table, string container)
    {
        ModelRegistry registry = ModelRegistryFactory.Create(connection, new RegistryOptions { AuditKey = AuditKey },
            new RegistryStorageOptions { TableName = table, ArtifactContainer = container }, TimeProvider.System);
        ModelVersion v = await registry.RegisterAsync(new RegistrationRequest(Name, Metrics: new Dictionary<string, double> { ["auroc"] = 0.84 }, Alias: "champion", Reason: "batch tests"),
            Onnx, "tests", CancellationToken.None);
        return v.Version;
    }

    /// <summary>Telco row <paramref name="row"/> as a table entity: its columns as properties (a blank number left out, as a table does).</summary>
    public static TableEntity Entity(string partition, string rowKey, int row)
    {
        var entity = new TableEntity(partition, rowKey) { ["source_row"] = row };
        foreach (DataColumn column in Data.Columns)
        {
            if (column.Numbers is { } n)
            {
                if (!double.IsNaN(n[row]))
                {
                    entity[column.Name] = n[row];
                }
            }
            else if (column.Texts![row] is { } t)
            {
                entity[column.Name] = t;
            }
        }

        return entity;
    }

    /// <summary>Rows <c>[start, start + count)</c> as a JSON scoring body.</summary>
    public static string JsonRows(int start, int count)
    {
        var json = new StringBuilder("{\"rows\":[");
        for (int r = start; r < start + count; r++)
        {
            json.Append(r == start ? "{" : ",{");
            json.Append(string.Join(',', Pipeline.Inputs.Select(i => JsonSerializer.Serialize(i.Name) + ":" + Value(Data[i.Name], r))));
            json.Append('}');
        }

        return json.Append("]}").ToString();
    }

    private static string Value(DataColumn column, int r) => column.Numbers is { } n
        ? double.IsNaN(n[r]) ? "null" : n[r].ToString("R", CultureInfo.InvariantCulture)
        : column.Texts![r] is { } t ? JsonSerializer.Serialize(t) : "null";
}
