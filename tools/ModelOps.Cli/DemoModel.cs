using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Registry;
using ModelOps.Storage;
using ModelOps.Storage.Registry;

namespace ModelOps.Cli;

/// <summary>
/// The demo champion <c>modelops up</c> provides: an elastic-net churn model trained on the synthetic demo data
/// (its last 20 % held out), written to <c>.modelops/demo/churn.onnx</c> with its report, and registered as
/// <c>churn</c> with alias <c>champion</c>, metrics and lineage, cross-checked by both engines as every CLI
/// registration is. A registry that already has a champion is left alone.
/// </summary>
internal static class DemoModel
{
    public const string Name = "churn";

    public static async Task<string> EnsureAsync(StackLayout layout, string dataPath, StorageConnection connection, CancellationToken cancellationToken)
    {
        JsonNode settings = JsonNode.Parse(await File.ReadAllTextAsync(layout.SettingsFile, cancellationToken))!;
        var options = new RegistryOptions
        {
            AuditKey = settings["Values"]?["Registry__AuditKey"]?.GetValue<string>() ?? throw new InvalidOperationException($"{layout.SettingsFile} has no Registry__AuditKey."),
        };
        string table = settings["Values"]?["Registry__TableName"]?.GetValue<string>() ?? new RegistryStorageOptions().TableName;
        string container = settings["Values"]?["Registry__ArtifactContainer"]?.GetValue<string>() ?? new RegistryStorageOptions().ArtifactContainer;
        // Cross-checked by both engines, as models register is: the demo champion is held to the same bar.
        ModelRegistry registry = CheckedRegistry.Create(connection, options, new RegistryStorageOptions { TableName = table, ArtifactContainer = container });
        try
        {
            AliasPointer? champion = (await registry.ListAliasesAsync(Name, cancellationToken)).FirstOrDefault(a => a.Alias == "champion");
            if (champion is not null) return $"{Name} v{champion.Version} (champion, already registered)";
        }
        catch (RegistryNotFoundException)
        {
            // First run: nothing registered yet.
        }

        Dataset all = CsvDatasetReader.Read(dataPath, new CsvOptions { Kinds = new Dictionary<string, ColumnKind> { ["churn"] = ColumnKind.Categorical } });
        int trainRows = (int)Math.Floor(0.8 * all.RowCount);
        Dataset train = all.Slice(0, trainRows), test = all.Slice(trainRows, all.RowCount);
        (PipelineSpec spec, _) = SpecInference.FromData(train, "churn", "Yes", EstimatorType.Glm, name: Name);
        TrainingResult trained = PipelineTrainer.Fit(spec, train, cancellationToken);
        TrainingReport report = TrainingReport.Create(spec, trained, train, test);
        byte[] model = PipelineOnnxExporter.Export(trained.Pipeline);
        string folder = Path.GetDirectoryName(dataPath)!;
        await File.WriteAllBytesAsync(Path.Combine(folder, "churn.onnx"), model, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "churn-report.json"), JsonSerializer.Serialize(report, PipelineSpecJson.Indented), cancellationToken);

        var metrics = new Dictionary<string, double>
        {
            ["auroc"] = report.Test!.Auroc,
            ["gini"] = report.Test.Gini,
            ["log_loss"] = report.Test.LogLoss,
            ["brier"] = report.Test.Brier,
        };
        var request = new RegistrationRequest(
            Name,
            Description: "Demo churn model: elastic-net logistic regression on synthetic customers.",
            Owner: "modelops-demo",
            Tags: ["demo", "churn"],
            Card: new ModelCard(IntendedUse: "Demonstrating the registry, scoring and monitoring; not for decisions about real customers.", Accuracy: $"held-out AUROC {report.Test.Auroc:F3}"),
            Metrics: metrics,
            Lineage: new Lineage(
                [new DataReference(Path.GetRelativePath(layout.Root, dataPath), Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(dataPath, cancellationToken))))],
                trained.Pipeline.SpecHash,
                new Dictionary<string, string> { ["estimator"] = "glm", ["c"] = "1", ["l1_ratio"] = "0.5", ["train_rows"] = trainRows.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                typeof(DemoModel).Assembly.GetName().Version?.ToString() ?? "dev",
                null),
            Alias: "champion",
            Reason: "demo champion trained by modelops up");
        ModelVersion version = await registry.RegisterAsync(request, model, "modelops-up", cancellationToken);
        return $"{Name} v{version.Version} (champion; held-out AUROC {report.Test.Auroc:F3})";
    }
}
