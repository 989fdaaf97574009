using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using ModelOps.Cli;
using ModelOps.Learning.Data;
using ModelOps.Registry;
using ModelOps.Scoring;
using ModelOps.Scoring.Engines;
using ModelOps.Scoring.Validation;
using ModelOps.Storage;
using ModelOps.Storage.Registry;
using ModelOps.Testing;

namespace ModelOps.Cli.Tests;

/// <summary>A few Telco columns as ML.NET reads them.</summary>
public class TelcoFewColumns
{
    public float tenure { get; set; }

    public float MonthlyCharges { get; set; }

    public string Contract { get; set; } = "";

    public string InternetService { get; set; } = "";
}

/// <summary>The same with the training label.</summary>
public sealed class LabelledTelcoFewColumns : TelcoFewColumns
{
    public bool Label { get; set; }
}

/// <summary>ML.NET's own prediction columns.</summary>
public sealed class TelcoPrediction
{
    public float Probability { get; set; }
}

[Collection(AzuriteConsoleCollection.Name)]
public sealed class MlNetRegistrationTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnet-cli-").FullName;
    private readonly string _table = "reg" + AzuriteFixture.UniqueName("mlnet");
    private readonly string _container = AzuriteFixture.UniqueName("artifacts");

    [Fact]
    public async Task An_mlnet_zip_registers_as_onnx_that_scores_what_mlnet_predicts()
    {
        // Arrange: a small ML.NET pipeline (one-hot text, min-max numbers, logistic regression) on Telco, saved with its input schema.
        Dataset telco = CsvDatasetReader.Read(Path.Combine(RepositoryLayout.SharedData, "datasets", "WA_Fn-UseC_-Telco-Customer-Churn.csv"));
        LabelledTelcoFewColumns[] customers = Enumerable.Range(0, telco.RowCount).Select(r => new LabelledTelcoFewColumns
        {
            tenure = (float)telco["tenure"].Numbers![r],
            MonthlyCharges = (float)telco["MonthlyCharges"].Numbers![r],
            Contract = telco["Contract"].Texts![r] ?? "",
            InternetService = telco["InternetService"].Texts![r] ?? "",
            Label = telco["Churn"].Texts![r] == "Yes",
        }).ToArray();
        var ml = new MLContext(seed: 1);
        ITransformer model = ml.Transforms.Categorical.OneHotEncoding([new InputOutputColumnPair("ContractHot", "Contract"), new InputOutputColumnPair("InternetHot", "InternetService")])
            .Append(ml.Transforms.Concatenate("Features", "tenure", "MonthlyCharges", "ContractHot", "InternetHot"))
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression())
            .Fit(ml.Data.LoadFromEnumerable(customers));
        TelcoFewColumns[] held = customers.Skip(6000).Take(200).Select(c => new TelcoFewColumns
        {
            tenure = c.tenure, MonthlyCharges = c.MonthlyCharges, Contract = c.Contract, InternetService = c.InternetService,
        }).ToArray();
        IDataView heldView = ml.Data.LoadFromEnumerable(held);
        string zip = Path.Combine(_folder, "churn.zip");
        ml.Model.Save(model, heldView.Schema, zip);
        float[] expected = ml.Data.CreateEnumerable<TelcoPrediction>(model.Transform(heldView), reuseRowObject: false).Select(p => p.Probability).ToArray();

        // Act
        (int exit, string output, string error) = await RunAsync("register", "mlnet-churn", "--artifact", zip, "--principal", "alice");

        // Assert: the registered artifact is ONNX, and scoring it the way the Scoring app does gives ML.NET's probabilities.
        exit.Should().Be(0, error);
        error.Should().Contain("Converted the ML.NET model to ONNX");
        JsonDocument.Parse(output).RootElement.GetProperty("version").GetInt32().Should().Be(1);
        byte[] artifact = await Registry().ReadArtifactAsync("mlnet-churn", 1, CancellationToken.None);
        artifact[..2].Should().NotEqual("PK"u8.ToArray());
        using var loaded = new LoadedModel("mlnet-churn", 1, new EngineSelector().Load(artifact, preferOnnxRuntime: false, CancellationToken.None), artifact.Length);
        IReadOnlyList<RowOutputs> scored = loaded.Score(
            RowValidator.Validate(ScoreBodyReader.Read(Encoding.UTF8.GetBytes(Body(held)), new RequestLimits()).Rows, loaded.Schema, null), CancellationToken.None);
        scored.Select(s => s.Outputs!["Probability.output"][0]).Should().Equal(expected.Select(p => (double)p), (a, b) => Math.Abs(a - b) <= 1e-5);
    }

    [Fact]
    public async Task A_zip_that_is_not_an_mlnet_model_is_refused_with_exit_1()
    {
        string zip = Path.Combine(_folder, "not-a-model.zip");
        using (var archive = System.IO.Compression.ZipFile.Open(zip, System.IO.Compression.ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(archive.CreateEntry("readme.txt").Open());
            await writer.WriteAsync("hello");
        }

        (int exit, _, string error) = await RunAsync("register", "mlnet-churn", "--artifact", zip, "--principal", "alice");

        exit.Should().Be(1);
        error.Should().Contain("ML.NET");
    }

    private static string Body(IEnumerable<TelcoFewColumns> rows) => JsonSerializer.Serialize(new
    {
        rows = rows.Select(r => new Dictionary<string, object>
        {
            ["tenure"] = r.tenure, ["MonthlyCharges"] = r.MonthlyCharges, ["Contract"] = r.Contract, ["InternetService"] = r.InternetService,
        }),
    });

    private ModelRegistry Registry() => ModelRegistryFactory.Create(
        StorageConnection.FromConnectionString(azurite.ConnectionString),
        new RegistryOptions { AuditKey = Key },
        new RegistryStorageOptions { TableName = _table, ArtifactContainer = _container },
        TimeProvider.System);

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) =>
        CommandRunner.RunAsync(ModelsCommands.Create(), [.. args, "--connection", azurite.ConnectionString, "--audit-key", Key, "--table", _table, "--container", _container]);

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
