using System.Globalization;
using System.Text.Json;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Monitoring.Alerts;
using ModelOps.Monitoring.Challengers;
using ModelOps.Monitoring.Outcomes;
using ModelOps.Monitoring.Retraining;
using ModelOps.Registry;
using ModelOps.Registry.Tests;
using ModelOps.Scoring;
using ModelOps.Scoring.Payloads;
using ModelOps.Scoring.Validation;
using ModelOps.Testing;
using ScoringField = ModelOps.Scoring.Validation.FieldValue;

namespace ModelOps.Monitoring.Tests;

/// <summary>
/// UCI Bank Marketing (time-ordered, May 2008 → Nov 2010) replayed as scoring traffic, one block of rows per
/// simulated day: a GLM champion trained on the first rows, each block scored by the current champion and written as
/// payload log lines by the scoring app's own record writer, outcomes (<c>y</c>) posted after the day. The monitoring
/// services run on in-memory ports and a real registry over in-memory stores.
/// </summary>
internal sealed class BankReplay
{
    public const string Model = "bank";

    /// <summary>Known only after the call (bank-names.txt), so never a model input; day and month are the calendar.</summary>
    private static readonly string[] NotInputs = ["duration", "day", "month"];

    private static readonly Lazy<Dataset> Data = new(() => CsvDatasetReader.Read(
        Path.Combine(RepositoryLayout.SharedData, "datasets", "bank_marketing", "bank-full.csv"), new CsvOptions { Separator = ';' }));

    private static readonly byte[] AuditKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    public BankReplay(MonitoringPolicy policy)
    {
        Clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var registryOptions = new RegistryOptions { AuditKey = Convert.ToBase64String(AuditKey) };
        Registry = new ModelRegistry(new InMemoryRegistryStore(), new InMemoryArtifactStore(), new OnnxArtifactValidator(registryOptions), new AuditChain(AuditKey), registryOptions, Clock);
        Outcomes = new MemoryOutcomeStore(Clock);
        Options = new MonitoringOptions { Models = { [Model] = policy } };
        var window = new PayloadWindow(Payloads, Outcomes);
        var alerting = new Alerting(Registry, History, Alerts, Options, Clock);
        Monitor = new ModelMonitor(Registry, window, History, alerting, Options, Clock);
        Retrain = new RetrainJob(Registry, window, Specs, History, alerting, Options, Clock);
        Challenger = new ChampionChallengerJob(Registry, window, Promotions, LabelledRows, History, alerting, Options, Clock);
    }

    public static Dataset Bank => Data.Value;

    public ManualTimeProvider Clock { get; }

    public ModelRegistry Registry { get; }

    public MemoryPayloadLog Payloads { get; } = new();

    public MemoryOutcomeStore Outcomes { get; }

    public MemoryHistory History { get; } = new();

    public MemoryAlertSink Alerts { get; } = new();

    public MemorySpecStore Specs { get; } = new();

    public MemoryPromotionSink Promotions { get; } = new();

    public MemoryLabelledRows LabelledRows { get; } = new();

    public MonitoringOptions Options { get; }

    public ModelMonitor Monitor { get; }

    public RetrainJob Retrain { get; }

    public ChampionChallengerJob Challenger { get; }

    /// <summary>Trains the spec inferred from the data on rows [0, <paramref name="rows"/>) (last 20 % held out) and registers it as champion v1.</summary>
    public async Task<ModelVersion> RegisterChampionAsync(int rows)
    {
        Dataset first = Bank.Slice(0, rows);
        (PipelineSpec spec, _) = SpecInference.FromData(first, "y", "yes", EstimatorType.Glm, NotInputs, Model);
        int cut = (int)(rows * 0.8);
        TrainingResult result = PipelineTrainer.Fit(spec, first.Slice(0, cut));
        TrainingReport report = TrainingReport.Create(spec, result, first.Slice(0, cut), first.Slice(cut, rows));
        await Specs.SaveAsync(Model, spec, CancellationToken.None);
        var request = new RegistrationRequest(Model, Owner: "owner@example.org", Metrics: Retrainer.Metrics(report),
            Lineage: Lineage.Empty with { PipelineSpecSha256 = result.Pipeline.SpecHash }, Alias: ModelRegistry.ChampionAlias, Reason: "first months")
        { Baseline = report.Baseline };
        return await Registry.RegisterAsync(request, PipelineOnnxExporter.Export(result.Pipeline), "data-scientist", CancellationToken.None);
    }

    /// <summary>
    /// One simulated day: rows [<paramref name="from"/>, <paramref name="to"/>) scored by the champion through the day and
    /// logged, then (optionally) their outcomes posted, and the clock moved to the day's end.
    /// </summary>
    public async Task ReplayDayAsync(int from, int to, bool outcomes = true)
    {
        DateTimeOffset start = Clock.GetUtcNow();
        int champion = (await Registry.GetAliasAsync(Model, ModelRegistry.ChampionAlias, CancellationToken.None)).Version;
        FittedPipeline pipeline = (await VersionPipelines.ReadAsync(Registry, Model, champion, CancellationToken.None))!;
        Dataset rows = Bank.Slice(from, to);
        double[] scores = pipeline.Predict(rows);
        var byHour = new Dictionary<int, MemoryStream>();
        var labels = new List<Outcome>();
        for (int r = 0; r < rows.RowCount; r++)
        {
            DateTimeOffset at = start.AddSeconds(r * 86_400.0 / rows.RowCount);
            string requestId = "req-" + (from + r).ToString(CultureInfo.InvariantCulture);
            var features = new Dictionary<string, ScoringField>(StringComparer.Ordinal);
            foreach (DataColumn column in rows.Columns.Where(c => c.Name != "y"))
            {
                features[column.Name] = column.Numbers is { } numbers ? new ScoringField(FieldKind.Number, numbers[r]) : new ScoringField(FieldKind.String, Text: column.Texts![r]);
            }

            var outputs = new RowOutputs(scores[r] >= 0.5 ? "yes" : "no", new Dictionary<string, double> { ["no"] = 1 - scores[r], ["yes"] = scores[r] });
            var record = new PayloadRecord(at, requestId, Model, 0, "client-" + (from + r).ToString(CultureInfo.InvariantCulture), features, outputs, champion, "champion", "ModelOps", 0.2);
            if (!byHour.TryGetValue(at.Hour, out MemoryStream? document)) byHour[at.Hour] = document = new MemoryStream();
            using (var writer = new Utf8JsonWriter(document))
            {
                record.WriteTo(writer);
            }

            document.WriteByte((byte)'\n');
            string label = rows["y"].Texts![r]!;
            labels.Add(new Outcome(requestId, 0, null, label, label == "yes" ? 100 : 0, null));
        }

        foreach ((int hour, MemoryStream document) in byHour)
        {
            Payloads.Documents.Add((Model, new DateTimeOffset(start.Year, start.Month, start.Day, hour, 0, 0, TimeSpan.Zero), document.ToArray()));
        }

        Clock.Advance(TimeSpan.FromDays(1));
        if (outcomes) await Outcomes.SaveAsync(Model, labels, CancellationToken.None);
    }

    public IEnumerable<MonitoringAlert> AlertsOf(AlertKind kind) => Alerts.Sent.Where(a => a.Kind == kind);
}
