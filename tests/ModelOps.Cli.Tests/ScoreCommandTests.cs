using System.Globalization;
using System.Text;
using ModelOps.Cli;
using ModelOps.Learning.Data;
using ModelOps.Learning.Tests.Pipelines;
using ModelOps.Registry;
using ModelOps.Scoring;
using ModelOps.Scoring.Engines;
using ModelOps.Scoring.Tests;
using ModelOps.Scoring.Validation;
using ModelOps.Storage;
using ModelOps.Storage.Registry;
using ModelOps.Testing;

namespace ModelOps.Cli.Tests;

/// <summary>Azurite and the Scoring app under the local Functions host, with a registry on the same storage.</summary>
public sealed class ScoringAppFixture : IAsyncLifetime
{
    public static readonly string AuditKey = Convert.ToBase64String(Enumerable.Range(3, 32).Select(i => (byte)i).ToArray());

    private readonly string _table = "clis" + AzuriteFixture.UniqueName("t");
    private readonly string _artifacts = AzuriteFixture.UniqueName("artifacts");

    public AzuriteFixture Azurite { get; } = new();

    public LocalFunctionsHostProcess Host { get; private set; } = null!;

    public ModelRegistry Registry { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        var options = new RegistryOptions { AuditKey = AuditKey };
        var storage = new RegistryStorageOptions { TableName = _table, ArtifactContainer = _artifacts };
        Registry = ModelRegistryFactory.Create(StorageConnection.FromConnectionString(Azurite.ConnectionString), options, storage, TimeProvider.System,
            validator: new CrossCheckedArtifactValidator(options, new EngineSelector()));
        await Registry.RegisterAsync(
            new RegistrationRequest("churn", Metrics: new Dictionary<string, double> { ["auroc"] = 0.8 }, Alias: "champion", Reason: "test"), TestArtifacts.TelcoGlm, "tests", CancellationToken.None);
        Host = await LocalFunctionsHostProcess.StartAsync([LocalFunctionsHostProcess.BuildOutputOf("Scoring")], new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["Registry__AuditKey"] = AuditKey,
            ["Registry__TableName"] = _table,
            ["Registry__ArtifactContainer"] = _artifacts,
        });
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await Azurite.DisposeAsync();
    }
}

/// <summary>The CLI tests against the Scoring app redirect the console, so they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScoringAppConsoleCollection : ICollectionFixture<ScoringAppFixture>
{
    public const string Name = "ScoringAppConsole";
}

[Collection(ScoringAppConsoleCollection.Name)]
public sealed class ScoreCommandTests(ScoringAppFixture app) : IDisposable
{
    private const int Rows = 1203;
    private readonly string _folder = Directory.CreateTempSubdirectory("score-cli-").FullName;

    [Fact]
    public async Task A_csv_scores_through_the_app_in_batches_in_input_order_equal_to_the_engine()
    {
        // Arrange: Telco test rows with their id and the target (which the model does not take) in the file.
        string input = WriteTelco(Rows);
        string output = Path.Combine(_folder, "scores.csv");
        using var direct = new LoadedModel("churn", 1, new EngineSelector().Load(TestArtifacts.TelcoGlm, preferOnnxRuntime: false, CancellationToken.None), TestArtifacts.TelcoGlm.Length);
        IReadOnlyList<RowOutputs> expected = direct.Score(
            RowValidator.Validate(ScoreBodyReader.Read(Encoding.UTF8.GetBytes(TestArtifacts.TelcoRowsJson(0, Rows)), new RequestLimits { MaxRows = Rows }).Rows, direct.Schema, null), CancellationToken.None);

        // Act: three batches (500, 500, 203), two in flight.
        (int exit, _, string error) = await ScoreAsync("--input", input, "--output", output, "--id", "customerID", "--batch-size", "500", "--concurrency", "2");

        // Assert
        exit.Should().Be(0, error + app.Host.Output);
        string[] lines = await File.ReadAllLinesAsync(output);
        lines[0].Should().Be("customerID,label,probability[No],probability[Yes],version,alias,engine");
        lines.Should().HaveCount(Rows + 1);
        string[] ids = TelcoData.Test.Slice(0, Rows)["customerID"].Texts!.ToArray()!;
        for (int r = 0; r < Rows; r++)
        {
            string[] cells = lines[r + 1].Split(',');
            cells[0].Should().Be(ids[r]);
            cells[1].Should().Be(expected[r].Label);
            double.Parse(cells[3], CultureInfo.InvariantCulture).Should().BeApproximately(expected[r].Probabilities!["Yes"], 1e-12);
            cells[4..].Should().Equal("1", "champion", "ModelOps");
        }

        error.Should().Contain($"Scored {Rows} rows");
        File.Exists(output + ".partial").Should().BeFalse();
    }

    [Fact]
    public async Task A_row_the_app_refuses_ends_with_exit_1_naming_the_row_its_id_and_the_field_and_leaves_no_output()
    {
        // tenure is "missing: reject" in the spec; row 702 (second batch) leaves it empty.
        string input = WriteTelco(900, (row, column, value) => row == 702 && column == "tenure" ? string.Empty : value);
        string output = Path.Combine(_folder, "scores.csv");
        string id = TelcoData.Test.Slice(701, 702)["customerID"].Texts![0]!;

        (int exit, _, string error) = await ScoreAsync("--input", input, "--output", output, "--id", "customerID", "--batch-size", "500");

        exit.Should().Be(1);
        error.Should().Contain($"row 702 ({id}), field 'tenure'");
        File.Exists(output).Should().BeFalse();
        File.Exists(output + ".partial").Should().BeFalse();
    }

    [Fact]
    public async Task A_wrong_key_is_exit_2_naming_key_and_never_printing_it()
    {
        string input = WriteTelco(3);

        (int exit, string stdout, string error) = await CommandRunner.RunAsync(ScoreCommand.Create(),
            "--model", "churn", "--url", app.Host.BaseAddress.ToString(), "--key", "not-the-key-4711", "--input", input, "--output", Path.Combine(_folder, "s.csv"));

        exit.Should().Be(2);
        error.Should().Contain("--key").And.NotContain("not-the-key-4711");
        stdout.Should().NotContain("not-the-key-4711");
    }

    [Fact]
    public async Task An_unknown_model_and_an_unknown_version_exit_1_saying_so()
    {
        string input = WriteTelco(3);

        (int model, _, string modelError) = await CommandRunner.RunAsync(ScoreCommand.Create(),
            "--model", "nobody", "--url", app.Host.BaseAddress.ToString(), "--key", app.Host.FunctionKey, "--input", input, "--output", Path.Combine(_folder, "s.csv"));
        (int version, _, string versionError) = await ScoreAsync("--version", "9", "--input", input, "--output", Path.Combine(_folder, "s.csv"));

        model.Should().Be(1);
        modelError.Should().Contain("404").And.Contain("nobody");
        version.Should().Be(1);
        versionError.Should().Contain("404");
    }

    private Task<(int Exit, string Output, string Error)> ScoreAsync(params string[] args) =>
        CommandRunner.RunAsync(ScoreCommand.Create(), ["--model", "churn", "--url", app.Host.BaseAddress.ToString(), "--key", app.Host.FunctionKey, .. args]);

    /// <summary>The first <paramref name="count"/> Telco test rows as CSV: customerID, the model's inputs, Churn.</summary>
    private string WriteTelco(int count, Func<int, string, string, string>? edit = null)
    {
        Dataset data = TelcoData.Test.Slice(0, count);
        string[] columns = ["customerID", .. TestArtifacts.TelcoGlmPipeline.Inputs.Select(i => i.Name), "Churn"];
        var csv = new StringBuilder(string.Join(',', columns)).Append('\n');
        for (int r = 0; r < count; r++)
        {
            csv.Append(string.Join(',', columns.Select(c => CsvTable.Quote((edit ?? ((_, _, v) => v))(r + 1, c, Cell(data[c], r)))))).Append('\n');
        }

        string path = Path.Combine(_folder, $"rows-{count}.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    private static string Cell(DataColumn column, int r) => column.Numbers is { } n
        ? double.IsNaN(n[r]) ? string.Empty : n[r].ToString("R", CultureInfo.InvariantCulture)
        : column.Texts![r] ?? string.Empty;

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
