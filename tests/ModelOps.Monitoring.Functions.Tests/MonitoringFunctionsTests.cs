using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Monitoring.Alerts;
using ModelOps.Registry;
using ModelOps.Scoring;
using ModelOps.Scoring.Payloads;
using ModelOps.Scoring.Validation;
using ModelOps.Storage;
using ModelOps.Storage.Monitoring;
using ModelOps.Storage.Registry;
using ModelOps.Testing;
using ScoringField = ModelOps.Scoring.Validation.FieldValue;

namespace ModelOps.Monitoring.Functions.Tests;

/// <summary>The monitoring functions of the Pipelines app under the local Functions host, against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class MonitoringFunctionsTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly string AuditKey = Convert.ToBase64String(Enumerable.Range(11, 32).Select(i => (byte)i).ToArray());
    private readonly string _model = AzuriteFixture.UniqueName("churn");
    private readonly MonitoringStorageOptions _storage = UniqueStorage.Monitoring("m");

    private readonly RegistryStorageOptions _registryStorage = UniqueStorage.Registry("m");
    private LocalFunctionsHostProcess _app = null!;
    private HttpClient _http = null!;

    private StorageConnection Connection => StorageConnection.FromConnectionString(azurite.ConnectionString);

    public async Task InitializeAsync()
    {
        await RegisterChampionAsync();
        await WriteDriftedPayloadsAsync(DateTimeOffset.UtcNow.AddMinutes(-5), 600);
        _app = await LocalFunctionsHostProcess.StartAsync([LocalFunctionsHostProcess.BuildOutputOf("Pipelines")], UniqueStorage.AppSettings(azurite.ConnectionString, AuditKey, _storage, _registryStorage, new Dictionary<string, string>
        {
            [$"Monitoring__Models__{_model}__RunEvery"] = "00:00:05",
            [$"Monitoring__Models__{_model}__RetrainOnDrift"] = "false",
        }));
        _http = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("""{"outcomes":[{"requestId":"r1","label":"Yes"}]}""", "model")]
    [InlineData("""{"model":"MODEL","outcomes":[]}""", "outcomes")]
    [InlineData("""{"model":"MODEL","outcomes":[{"requestId":"r1","label":"Yes"},{"requestId":"r2"}]}""", "outcomes[1].label")]
    [InlineData("""{"model":"MODEL","outcomes":[{"label":"Yes"}]}""", "outcomes[0].requestId")]
    [InlineData("""{"model":"MODEL","outcomes":[{"requestId":"r1","row":"first","label":"Yes"}]}""", "outcomes[0].row")]
    [InlineData("""{"model":"Not A Name!","outcomes":[{"requestId":"r1","label":"Yes"}]}""", "model")]
    public async Task Outcomes_post_with_bad_input_is_a_400_problem_naming_the_field(string body, string field)
    {
        using HttpResponseMessage response = await _http.PostAsync("/api/outcomes", new StringContent(body.Replace("MODEL", _model, StringComparison.Ordinal), Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("field").GetString().Should().Be(field);
        problem.GetProperty("status").GetInt32().Should().Be(400);
    }

    [Fact]
    public async Task Outcomes_post_stores_the_batch_once_even_when_posted_twice_and_an_unknown_model_is_a_404()
    {
        string body = $$"""{"model":"{{_model}}","outcomes":[{"requestId":"r1","row":0,"label":"Yes","value":120.5},{"key":"c-7","label":"No"}]}""";

        using HttpResponseMessage first = await _http.PostAsync("/api/outcomes", new StringContent(body, Encoding.UTF8, "application/json"));
        using HttpResponseMessage again = await _http.PostAsync("/api/outcomes", new StringContent(body, Encoding.UTF8, "application/json"));
        using HttpResponseMessage unknown = await _http.PostAsync("/api/outcomes", new StringContent(body.Replace(_model, "nosuchmodel", StringComparison.Ordinal), Encoding.UTF8, "application/json"));

        first.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32().Should().Be(2);
        again.StatusCode.Should().Be(HttpStatusCode.Accepted);
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var stored = await MonitoringStorage.Outcomes(Connection, _storage, TimeProvider.System).ListAsync(_model, DateTimeOffset.UtcNow.AddHours(-1), CancellationToken.None);
        stored.Should().HaveCount(2);
        stored.Single(o => o.RequestId == "r1").Value.Should().Be(120.5);
        stored.Single(o => o.Key == "c-7").Label.Should().Be("No");
    }

    [Fact]
    public async Task Outcomes_on_the_queue_are_stored_like_posted_ones()
    {
        QueueClient queue = MonitoringStorage.Queue(Connection, "outcomes");
        await queue.CreateIfNotExistsAsync();

        await queue.SendMessageAsync($$"""{"model":"{{_model}}","outcomes":[{"requestId":"q1","label":"Yes"}]}""");

        var outcomes = MonitoringStorage.Outcomes(Connection, _storage, TimeProvider.System);
        (await PollAsync(async () => (await outcomes.ListAsync(_model, DateTimeOffset.UtcNow.AddHours(-1), CancellationToken.None)).Any(o => o.RequestId == "q1")))
            .Should().BeTrue(_app.Output);
    }

    [Fact]
    public async Task The_monitoring_timer_writes_a_drift_history_row_and_an_alert_for_drifted_traffic()
    {
        var history = MonitoringStorage.History(Connection, _storage);
        QueueClient alerts = MonitoringStorage.Queue(Connection, _storage.AlertQueue);
        await alerts.CreateIfNotExistsAsync();

        // The timer fires every 10 s; the model's RunEvery of 5 s makes every firing run it. An alert is recorded in
        // the history before it is sent, so the queue is watched on its own.
        bool recorded = await PollAsync(async () => (await history.ListAsync(_model, 5, CancellationToken.None)) is var listed
            && listed.Any(e => e.Drift is not null) && listed.Any(e => e.Alert?.Kind == AlertKind.Drift), TimeSpan.FromSeconds(150));
        recorded.Should().BeTrue(_app.Output);
        IReadOnlyList<HistoryEntry> entries = await history.ListAsync(_model, 5, CancellationToken.None);
        var drift = entries.First(e => e.Drift is not null).Drift!;
        drift.Version.Should().Be(1);
        drift.Rows.Should().Be(600);
        drift.Breached.Should().BeTrue();
        drift.Features.DrivenBy.Should().NotBeEmpty();

        MonitoringAlert? alert = null;
        bool sent = await PollAsync(async () =>
        {
            PeekedMessage[] messages = (await alerts.PeekMessagesAsync(32)).Value;
            alert = messages.Select(m => JsonSerializer.Deserialize(m.Body.ToString(), MonitoringJsonContext.Default.MonitoringAlert)!).FirstOrDefault(a => a.Kind == AlertKind.Drift);
            return alert is not null;
        });
        sent.Should().BeTrue(_app.Output);
        alert!.Model.Should().Be(_model);
        alert.Recipients.Should().Equal("owner@example.org");
        alert.Reasons.Should().Contain(r => r.StartsWith("the score drifted", StringComparison.Ordinal), "every logged score was 0.1");
    }

    private static async Task<bool> PollAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < (timeout ?? TimeSpan.FromSeconds(60)))
        {
            if (await condition()) return true;
            await Task.Delay(500);
        }

        return false;
    }

    private static Dataset Churn(int rows, int seed, double drift)
    {
        using var csv = new StringWriter(CultureInfo.InvariantCulture);
        SyntheticChurn.WriteCsv(csv, SyntheticChurn.Generate(rows, seed, new ChurnDrift(drift)));
        return CsvDatasetReader.Read(new StringReader(csv.ToString()));
    }

    private async Task RegisterChampionAsync()
    {
        Dataset data = Churn(3000, 1, 0);
        (PipelineSpec spec, _) = SpecInference.FromData(data, "churn", "Yes", EstimatorType.Glm, ["customer_id"], _model);
        TrainingResult result = PipelineTrainer.Fit(spec, data.Slice(0, 2400));
        TrainingReport report = TrainingReport.Create(spec, result, data.Slice(0, 2400), data.Slice(2400, 3000));
        ModelRegistry registry = ModelRegistryFactory.Create(Connection, new RegistryOptions { AuditKey = AuditKey }, _registryStorage, TimeProvider.System);
        var request = new RegistrationRequest(_model, Owner: "owner@example.org", Metrics: new Dictionary<string, double> { ["auroc"] = report.Test!.Auroc },
            Lineage: Lineage.Empty with { PipelineSpecSha256 = result.Pipeline.SpecHash }, Alias: ModelRegistry.ChampionAlias, Reason: "first cut")
        { Baseline = report.Baseline };
        await registry.RegisterAsync(request, PipelineOnnxExporter.Export(result.Pipeline), "data-scientist", CancellationToken.None);
    }

    /// <summary>Drifted customers scored and logged as the scoring app logs them, into the hour of <paramref name="at"/>.</summary>
    private async Task WriteDriftedPayloadsAsync(DateTimeOffset at, int rows)
    {
        Dataset data = Churn(rows, 7, 1.0);
        var container = new BlobContainerClient(azurite.ConnectionString, _storage.PayloadContainer);
        var sink = new BlobPayloadSink(container, TimeProvider.System);
        using var jsonl = new MemoryStream();
        for (int r = 0; r < rows; r++)
        {
            var features = data.Columns.Where(c => c.Name != "churn").ToDictionary(
                c => c.Name, c => c.Numbers is { } n ? new ScoringField(FieldKind.Number, n[r]) : new ScoringField(FieldKind.String, Text: c.Texts![r]));
            var record = new PayloadRecord(at, "req-" + r.ToString(CultureInfo.InvariantCulture), _model, 0, null, features,
                new RowOutputs("No", new Dictionary<string, double> { ["No"] = 0.9, ["Yes"] = 0.1 }), 1, "champion", "ModelOps", 0.3);
            using (var writer = new Utf8JsonWriter(jsonl))
            {
                record.WriteTo(writer);
            }

            jsonl.WriteByte((byte)'\n');
        }

        DateTimeOffset hour = new(at.Year, at.Month, at.Day, at.Hour, 0, 0, TimeSpan.Zero);
        await sink.WriteAsync(_model, hour, jsonl.ToArray(), rows, CancellationToken.None);
    }
}
