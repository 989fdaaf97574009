using ModelOps.Learning.Pipelines;
using ModelOps.Monitoring.Accuracy;
using ModelOps.Monitoring.Alerts;
using ModelOps.Monitoring.Drift;
using ModelOps.Monitoring.Outcomes;
using ModelOps.Monitoring.Retraining;
using ModelOps.Registry.Promotion;

namespace ModelOps.Monitoring;

/// <summary>The payload logs of a model: the JSONL documents written for the hours that overlap a window.</summary>
public interface IPayloadLog
{
    /// <summary>Each document of <paramref name="model"/> whose hour overlaps [<paramref name="from"/>, <paramref name="to"/>), oldest hour first; the caller disposes each stream.</summary>
    IAsyncEnumerable<Stream> OpenAsync(string model, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>Where outcomes wait to be joined to predictions; saving the same outcome twice keeps one.</summary>
public interface IOutcomeStore
{
    Task SaveAsync(string model, IReadOnlyList<Outcome> outcomes, CancellationToken cancellationToken);

    /// <summary>The outcomes of <paramref name="model"/> recorded at or after <paramref name="since"/>.</summary>
    Task<IReadOnlyList<Outcome>> ListAsync(string model, DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>One line of a model's monitoring history, newest first when listed.</summary>
public sealed record HistoryEntry(DateTimeOffset At, DriftWindow? Drift, RealizedAccuracy? Accuracy, MonitoringAlert? Alert);

/// <summary>The drift, accuracy and alert history of each model, and the state retraining decisions need.</summary>
public interface IMonitoringHistory
{
    Task AddDriftAsync(DriftWindow window, CancellationToken cancellationToken);

    Task AddAccuracyAsync(RealizedAccuracy accuracy, CancellationToken cancellationToken);

    Task AddAlertAsync(MonitoringAlert alert, CancellationToken cancellationToken);

    /// <summary>The latest <paramref name="take"/> entries of each kind for <paramref name="model"/>, newest first.</summary>
    Task<IReadOnlyList<HistoryEntry>> ListAsync(string model, int take, CancellationToken cancellationToken);

    Task<MonitoringState> GetStateAsync(string model, CancellationToken cancellationToken);

    /// <summary>The state of <paramref name="model"/> with the version it was read at, for a conditional save.</summary>
    Task<StoredState> ReadStateAsync(string model, CancellationToken cancellationToken);

    /// <summary>
    /// Saves <paramref name="state"/> only if the stored state is still at <paramref name="readAt"/> (null: only if none
    /// was ever saved); false when another writer saved in between, so the caller re-reads and re-applies its change.
    /// Use <see cref="MonitoringStateUpdates.UpdateStateAsync"/> rather than calling this directly.
    /// </summary>
    Task<bool> TrySaveStateAsync(MonitoringState state, string? readAt, CancellationToken cancellationToken);
}

/// <summary>A model's monitoring state as read, and the version it was read at (null when it was never saved).</summary>
public sealed record StoredState(MonitoringState State, string? Version);

/// <summary>Where alerts go: the owners' mailboxes, a queue for other systems.</summary>
public interface IAlertSink
{
    Task SendAsync(MonitoringAlert alert, CancellationToken cancellationToken);
}

/// <summary>The pipeline specs models were trained from, by the spec's SHA-256 (the hash lineage records).</summary>
public interface IPipelineSpecStore
{
    Task<PipelineSpec?> FindAsync(string model, string specSha256, CancellationToken cancellationToken);

    Task SaveAsync(string model, PipelineSpec spec, CancellationToken cancellationToken);
}

/// <summary>Where promotion requests go to be gated and approved.</summary>
public interface IPromotionRequestSink
{
    Task SubmitAsync(PromotionRequest request, CancellationToken cancellationToken);
}
