using ModelOps.Monitoring.Retraining;

namespace ModelOps.Monitoring;

/// <summary>
/// Changes to a model's monitoring state as compare-and-swap: the cycle, a retrain and a champion–challenger run each
/// change their own fields of the same state, and may run at once, so each change is applied to the state as read and
/// saved only if nobody saved in between; on a conflict the state is read again and the change applied again.
/// </summary>
public static class MonitoringStateUpdates
{
    /// <summary>
    /// How often a change is tried before giving up. Every conflict means another writer's save landed, so a change
    /// loses at most once per concurrent writer; the few jobs that touch one model's state stay far below this.
    /// </summary>
    public const int MaxAttempts = 10;

    /// <summary>Applies <paramref name="change"/> to the state of <paramref name="model"/> and returns the state saved.</summary>
    public static async Task<MonitoringState> UpdateStateAsync(this IMonitoringHistory history, string model, Func<MonitoringState, MonitoringState> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(change);
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            StoredState stored = await history.ReadStateAsync(model, cancellationToken).ConfigureAwait(false);
            MonitoringState changed = change(stored.State);
            if (changed == stored.State && stored.Version is not null)
            {
                return changed;
            }

            if (await history.TrySaveStateAsync(changed, stored.Version, cancellationToken).ConfigureAwait(false))
            {
                return changed;
            }
        }

        throw new MonitoringStateConflictException(model, MaxAttempts);
    }
}

/// <summary>The state kept changing under a change for every attempt; the job's message is retried later.</summary>
public sealed class MonitoringStateConflictException(string model, int attempts)
    : Exception($"The monitoring state of '{model}' was changed by another writer on each of {attempts} attempts.");
