using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using ModelOps.Learning.Data;
using ModelOps.Learning.Drift;
using ModelOps.Learning.Pipelines;
using ModelOps.Monitoring.Accuracy;
using ModelOps.Monitoring.Alerts;
using ModelOps.Monitoring.Drift;
using ModelOps.Registry;
using ModelOps.Storage;
using ModelOps.Storage.Monitoring;
using ModelOps.Storage.Registry;
using ModelOps.Testing;

namespace ModelOps.Monitoring.Functions.Tests;

/// <summary>
/// The whole Monitor loop on real drift, hands-free: the Scoring and Pipelines apps under the local Functions host on
/// Azurite (mail to maildev). A champion trained on Bank Marketing's first months (May–June 2008) serves the 2010
/// months as traffic; outcomes follow a day later. From the moment the replay starts nothing but the apps' own timers
/// and queues act: drift and accuracy are measured, a retrain registers a challenger, champion–challenger compares it
/// on the rows that came after it, and the promotion orchestration starts. Time is compressed by the model's
/// monitoring settings: a "day" of traffic is two seconds, the drift window twenty.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BankMarketingLoopEndToEndTests(AzuriteFixture azurite) : IAsyncLifetime
{
    /// <summary>Rows [0, 15,000) are May–June 2008; rows from 37,000 on are 2010, when the bank called other people on other phones.</summary>
    private const int ChampionRows = 15_000, ReplayFrom = 37_000, ReplayTo = 45_211;

    private static readonly string AuditKey = Convert.ToBase64String(Enumerable.Range(21, 32).Select(i => (byte)i).ToArray());
    private readonly string _model = AzuriteFixture.UniqueName("bank");
    private readonly string _owner = "owner-" + Guid.NewGuid().ToString("N")[..8] + "@example.org";
    private readonly MonitoringStorageOptions _storage = UniqueStorage.Monitoring("b");

    private readonly RegistryStorageOptions _registryStorage = UniqueStorage.Registry("b");
    private readonly MaildevFixture _maildev = new();
    private LocalFunctionsHostProcess _host = null!;
    private ModelRegistry _registry = null!;
    private PipelineSpec _spec = null!;
    private double _championAccuracy, _championAuroc;

    private StorageConnection Connection => StorageConnection.FromConnectionString(azurite.ConnectionString);

    public async Task InitializeAsync()
    {
        await _maildev.InitializeAsync();
        _registry = ModelRegistryFactory.Create(Connection, new RegistryOptions { AuditKey = AuditKey }, _registryStorage, TimeProvider.System);
        await RegisterChampionAsync();
        string tag = Guid.NewGuid().ToString("N")[..10];
        _host = await LocalFunctionsHostProcess.StartAsync([LocalFunctionsHostProcess.BuildOutputOf("Scoring"), LocalFunctionsHostProcess.BuildOutputOf("Pipelines")], UniqueStorage.AppSettings(azurite.ConnectionString, AuditKey, _storage, _registryStorage, new Dictionary<string, string>
        {
            ["Scoring__Cache__PollInterval"] = "00:00:02",
            ["Scoring__Payloads__Container"] = _storage.PayloadContainer,
            // The compressed calendar: monitored every cycle, drift over the last 20 s (ten days of traffic), accuracy,
            // retraining and champion–challenger over the whole replay; one retrain, on at least 1,500 labelled rows, and a
            // verdict on at least 1,000 rows the challenger never saw.
            [$"Monitoring__Models__{_model}__RunEvery"] = "00:00:05",
            [$"Monitoring__Models__{_model}__Window"] = "00:00:20",
            [$"Monitoring__Models__{_model}__AccuracyWindow"] = "00:10:00",
            [$"Monitoring__Models__{_model}__MinRetrainRows"] = "1500",
            [$"Monitoring__Models__{_model}__MinLabelledRows"] = "1000",
            [$"Monitoring__Models__{_model}__RetrainCooldown"] = "01:00:00",
            [$"Monitoring__Models__{_model}__MinAuroc"] = "0.5",
            [$"Monitoring__Models__{_model}__MinAccuracy"] = "0.75",
            ["Promotion__TokenTable"] = "tok" + tag,
            ["Promotion__RecordContainer"] = "rec-" + tag,
            ["Promotion__LabelledRowsContainer"] = "rows-" + tag,
            ["Smtp__Host"] = "127.0.0.1",
            ["Smtp__Port"] = _maildev.SmtpPort.ToString(CultureInfo.InvariantCulture),
            ["Smtp__From"] = "ModelOps <modelops@example.org>",
            ["Smtp__TlsMode"] = "None",
            ["Approvals__BaseUrl"] = "http://127.0.0.1:9/api/approvals",
        }));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _maildev.DisposeAsync();
    }

    private string Approver => $"approver-{_model}@example.org";

    [Fact]
    public async Task Replayed_later_months_drift_lose_accuracy_get_a_retrained_challenger_that_wins_and_a_promotion_request_without_a_hand_on_it()
    {
        using HttpClient scoring = _host.CreateClient(0), pipelines = _host.CreateClient(1);
        using (HttpResponseMessage stored = await pipelines.PutAsync($"/api/models/{_model}/spec", new StringContent(PipelineSpecJson.Write(_spec), Encoding.UTF8, "application/json")))
        {
            stored.StatusCode.Should().Be(HttpStatusCode.Created, _host.Output);
        }

        // Every other 2010 row (4,106 rows), 125 a day, a day every two seconds: about seventy seconds of traffic.
        var traffic = new BankTraffic(scoring, pipelines, _model, _spec.Inputs);
        var stopwatch = Stopwatch.StartNew();
        await traffic.ReplayAsync(ReplayFrom, ReplayTo, 2, 125, TimeSpan.FromSeconds(2), CancellationToken.None);
        Console.WriteLine($"replay: {traffic.Scored} rows in {stopwatch.Elapsed.TotalSeconds:F0} s");
        string status = await WaitForPromotionAsync(2, TimeSpan.FromSeconds(120));
        status = await WaitPastGatingAsync(2, status, TimeSpan.FromSeconds(90));
        JsonElement promotion = JsonDocument.Parse(status).RootElement;
        promotion.GetProperty("stage").GetString().Should().Be("AwaitingApproval", "the gates judge on the rows champion–challenger compared on: " + status);
        JsonElement ask = await _maildev.WaitForMessageToAsync(Approver, TimeSpan.FromSeconds(30));
        ask.GetProperty("subject").GetString().Should().Contain(_model);

        var history = MonitoringStorage.History(Connection, _storage);
        IReadOnlyList<HistoryEntry> entries = await history.ListAsync(_model, 200, CancellationToken.None);
        DriftWindow drift = entries.Select(e => e.Drift).OfType<DriftWindow>().Where(d => d.Version == 1 && d.Breached).MaxBy(d => d.Rows)!;
        drift.Should().NotBeNull("the champion's traffic drifted: " + _host.Output);
        // 2010 calls go to mobiles, to people contacted in earlier campaigns: contact, pdays, previous and poutcome move.
        drift.Features.DrivenBy.Should().Contain(["contact", "pdays", "previous", "poutcome"]);
        // Credit defaults barely move (Jensen–Shannon distance 0.06 over the replay, under 0.1 in every ten-day window);
        // marital status is not named here: it moves too (0.06 to 0.14 by window), so which days fill the window decides it.
        ColumnDrift defaults = drift.Features.Columns.Single(c => c.Name == "default");
        defaults.Drifted.Should().BeFalse("credit defaults barely move, yet their distance was {0:F3}", defaults.Score);

        RealizedAccuracy accuracy = entries.Select(e => e.Accuracy).OfType<RealizedAccuracy>().Where(a => a.Version == 1).MaxBy(a => a.Labelled)!;
        accuracy.Should().NotBeNull();
        accuracy.Accuracy.Should().BeLessThan(_championAccuracy - 0.2, "the champion's held-out accuracy was {0:F3}", _championAccuracy);
        accuracy.Auroc.Should().BeLessThan(_championAuroc);
        accuracy.Breached.Should().BeTrue();

        ModelVersion challenger = await _registry.GetVersionAsync(_model, 2, CancellationToken.None);
        challenger.Lineage.ParentVersion.Should().Be(1);
        challenger.Lineage.PipelineSpecSha256.Should().Be(PipelineSpecJson.Hash(_spec), "a retrain keeps the champion's spec");
        (await _registry.GetAliasAsync(_model, "challenger", CancellationToken.None)).Version.Should().Be(2);
        (await _registry.GetAliasAsync(_model, ModelRegistry.ChampionAlias, CancellationToken.None)).Version.Should().Be(1, "only an approved promotion moves the champion");
        traffic.ServedBy.Should().Equal([1], "all traffic is the champion's until a promotion is approved");

        MonitoringAlert verdict = entries.Select(e => e.Alert).OfType<MonitoringAlert>().Single(a => a.Kind == AlertKind.ChallengerVerdict);
        verdict.Subject.Should().Contain("promotion requested");
        entries.Should().Contain(e => e.Alert != null && (e.Alert.Kind == AlertKind.Retrained || e.Alert.Kind == AlertKind.RemodelNeeded));
        JsonElement mail = await _maildev.WaitForMessageToAsync(_owner, TimeSpan.FromSeconds(30));
        mail.GetProperty("subject").GetString().Should().NotBeNullOrEmpty();
        Console.WriteLine($"loop: drift on {string.Join(", ", drift.Features.DrivenBy)} over {drift.Rows} rows; realized accuracy {accuracy.Accuracy:F3} (held-out {_championAccuracy:F3}), AUROC {accuracy.Auroc:F3} (held-out {_championAuroc:F3}) on {accuracy.Labelled} rows; {verdict.Reasons[0]}; promotion {status}; {stopwatch.Elapsed.TotalSeconds:F0} s from replay start");
    }

    /// <summary>Polls the promotion of <paramref name="version"/> until its gates have run, and answers its status.</summary>
    private async Task<string> WaitPastGatingAsync(int version, string status, TimeSpan timeout)
    {
        using HttpClient pipelines = _host.CreateClient(1);
        var stopwatch = Stopwatch.StartNew();
        while (JsonDocument.Parse(status).RootElement.GetProperty("stage").GetString() is "Requested" or "Gating")
        {
            if (stopwatch.Elapsed > timeout)
            {
                throw new Xunit.Sdk.XunitException($"the promotion of v{version} was still at its gates after {timeout}: {status}\n" + _host.Output);
            }

            await Task.Delay(1000);
            status = await pipelines.GetStringAsync($"/api/models/{_model}/promotions/{version}");
        }

        return status;
    }

    /// <summary>Waits for the promotion orchestration of <paramref name="version"/> (started from the promotion-requests queue) and answers its status.</summary>
    private async Task<string> WaitForPromotionAsync(int version, TimeSpan timeout)
    {
        using HttpClient pipelines = _host.CreateClient(1);
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < timeout)
        {
            using HttpResponseMessage response = await pipelines.GetAsync($"/api/models/{_model}/promotions/{version}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await response.Content.ReadAsStringAsync();
            }

            await Task.Delay(1000);
        }

        IReadOnlyList<HistoryEntry> entries = await MonitoringStorage.History(Connection, _storage).ListAsync(_model, 200, CancellationToken.None);
        string alerts = string.Join("\n", entries.Select(e => e.Alert).OfType<MonitoringAlert>().Select(a => a.Subject + ": " + string.Join("; ", a.Reasons)));
        throw new Xunit.Sdk.XunitException($"no promotion request for v{version} within {timeout}; alerts:\n{alerts}\n" + _host.Output);
    }

    private async Task RegisterChampionAsync()
    {
        Dataset first = BankTraffic.Bank.Slice(0, ChampionRows);
        (PipelineSpec spec, _) = SpecInference.FromData(first, "y", "yes", EstimatorType.Glm, BankTraffic.NotInputs, _model);
        _spec = spec;
        int cut = (int)(ChampionRows * 0.8);
        TrainingResult result = PipelineTrainer.Fit(spec, first.Slice(0, cut));
        TrainingReport report = TrainingReport.Create(spec, result, first.Slice(0, cut), first.Slice(cut, ChampionRows));
        (_championAccuracy, _championAuroc) = (report.Test!.Confusion.Accuracy, report.Test.Auroc);
        var request = new RegistrationRequest(_model, Owner: _owner, Metrics: new Dictionary<string, double> { ["auroc"] = report.Test.Auroc, ["log_loss"] = report.Test.LogLoss },
            Lineage: Lineage.Empty with { PipelineSpecSha256 = result.Pipeline.SpecHash }, Alias: ModelRegistry.ChampionAlias, Reason: "first months",
            Card: new ModelCard(IntendedUse: "term deposit outreach", Approvers: [Approver]))
        { Baseline = report.Baseline };
        await _registry.RegisterAsync(request, PipelineOnnxExporter.Export(result.Pipeline), "data-scientist", CancellationToken.None);
    }
}
