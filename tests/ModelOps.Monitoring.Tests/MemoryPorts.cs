using System.Globalization;
using System.Runtime.CompilerServices;
using ModelOps.Learning.Pipelines;
using ModelOps.Monitoring.Accuracy;
using ModelOps.Monitoring.Alerts;
using ModelOps.Monitoring.Drift;
using ModelOps.Monitoring.Outcomes;
using ModelOps.Monitoring.Retraining;
using ModelOps.Registry.Promotion;

namespace ModelOps.Monitoring.Tests;

/// <summary>Payload documents in memory, one per model and hour as the blob sink writes them.</summary>
internal sealed class MemoryPayloadLog : IPayloadLog
{
    public List<(string Model, DateTimeOffset Hour, byte[] Jsonl)> Documents { get; } = [];

    public async IAsyncEnumerable<Stream> OpenAsync(string model, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach ((string m, DateTimeOffset hour, byte[] jsonl) in Documents.OrderBy(d => d.Hour))
        {
            if (m == model && hour < to && hour.AddHours(1) > from) yield return new MemoryStream(jsonl, writable: false);
        }
    }
}

internal sealed class MemoryOutcomeStore(TimeProvider clock) : IOutcomeStore
{
    private readonly Dictionary<(string, string), Outcome> _outcomes = [];

    public Task SaveAsync(string model, IReadOnlyList<Outcome> outcomes, CancellationToken cancellationToken)
    {
        foreach (Outcome o in outcomes) _outcomes[(model, o.JoinKey)] = o with { ObservedAt = o.ObservedAt ?? clock.GetUtcNow() };
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Outcome>> ListAsync(string model, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Outcome>>(_outcomes.Where(o => o.Key.Item1 == model && o.Value.ObservedAt >= since).Select(o => o.Value).ToArray());
}

internal sealed class MemoryHistory : IMonitoringHistory
{
    public List<DriftWindow> Drift { get; } = [];

    public List<RealizedAccuracy> Accuracy { get; } = [];

    public List<MonitoringAlert> Alerts { get; } = [];

    private readonly Dictionary<string, (MonitoringState State, int Version)> _states = [];

    public Task AddDriftAsync(DriftWindow window, CancellationToken cancellationToken) { Drift.Add(window); return Task.CompletedTask; }

    public Task AddAccuracyAsync(RealizedAccuracy accuracy, CancellationToken cancellationToken) { Accuracy.Add(accuracy); return Task.CompletedTask; }

    public Task AddAlertAsync(MonitoringAlert alert, CancellationToken cancellationToken) { Alerts.Add(alert); return Task.CompletedTask; }

    public Task<IReadOnlyList<HistoryEntry>> ListAsync(string model, int take, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<HistoryEntry>>([]);

    public async Task<MonitoringState> GetStateAsync(string model, CancellationToken cancellationToken) =>
        (await ReadStateAsync(model, cancellationToken)).State;

    public Task<StoredState> ReadStateAsync(string model, CancellationToken cancellationToken)
    {
        lock (_states)
        {
            return Task.FromResult(_states.TryGetValue(model, out var s) ? new StoredState(s.State, s.Version.ToString(CultureInfo.InvariantCulture)) : new StoredState(MonitoringState.New(model), null));
        }
    }

    public Task<bool> TrySaveStateAsync(MonitoringState state, string? readAt, CancellationToken cancellationToken)
    {
        lock (_states)
        {
            string? current = _states.TryGetValue(state.Model, out var s) ? s.Version.ToString(CultureInfo.InvariantCulture) : null;
            if (current != readAt)
            {
                return Task.FromResult(false);
            }

            _states[state.Model] = (state, s.Version + 1);
            return Task.FromResult(true);
        }
    }
}

internal sealed class MemoryAlertSink : IAlertSink
{
    public List<MonitoringAlert> Sent { get; } = [];

    public Task SendAsync(MonitoringAlert alert, CancellationToken cancellationToken) { Sent.Add(alert); return Task.CompletedTask; }
}

internal sealed class MemorySpecStore : IPipelineSpecStore
{
    private readonly Dictionary<(string, string), PipelineSpec> _specs = [];

    public Task<PipelineSpec?> FindAsync(string model, string specSha256, CancellationToken cancellationToken) =>
        Task.FromResult(_specs.GetValueOrDefault((model, specSha256)));

    public Task SaveAsync(string model, PipelineSpec spec, CancellationToken cancellationToken)
    {
        _specs[(model, PipelineSpecJson.Hash(spec))] = spec;
        return Task.CompletedTask;
    }
}

internal sealed class MemoryPromotionSink : IPromotionRequestSink
{
    public List<PromotionRequest> Requests { get; } = [];

    public Task SubmitAsync(PromotionRequest request, CancellationToken cancellationToken) { Requests.Add(request); return Task.CompletedTask; }
}

internal sealed class MemoryLabelledRows : ILabelledRows
{
    public Dictionary<string, string> Csv { get; } = [];

    public Task<string?> ReadCsvAsync(string model, CancellationToken cancellationToken) => Task.FromResult(Csv.GetValueOrDefault(model));

    public Task WriteCsvAsync(string model, string csv, CancellationToken cancellationToken) { Csv[model] = csv; return Task.CompletedTask; }

    public string Describe(string model) => $"the labelled rows of '{model}' in memory";
}
