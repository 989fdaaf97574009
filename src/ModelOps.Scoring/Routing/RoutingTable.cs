using System.Collections.Concurrent;
using ModelOps.Registry;

namespace ModelOps.Scoring.Routing;

/// <summary>
/// Each model's routing, read from the registry's <see cref="IRoutingStore"/> and applied for one refresh interval.
/// Reads are shared: concurrent requests for a model never start more than one. From half the interval on, the
/// routing is re-read in the background while requests keep being answered from the cached one, so under steady
/// traffic no request waits on storage; a request that finds the routing older than the interval waits for the
/// one read. When storage cannot be reached, the last routing read keeps applying.
/// </summary>
public sealed class RoutingTable(IRoutingStore store, TimeProvider clock, TimeSpan refresh)
{
    private readonly ConcurrentDictionary<string, Entry> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<Entry>>> _reads = new(StringComparer.Ordinal);

    /// <summary>The model's routing, or null when it has none.</summary>
    public ValueTask<ModelRouting?> GetAsync(string model, CancellationToken cancellationToken)
    {
        if (_routes.TryGetValue(model, out Entry? cached))
        {
            TimeSpan age = clock.GetUtcNow() - cached.ReadAt;
            if (age < refresh / 2)
            {
                return ValueTask.FromResult(cached.Routing);
            }

            if (age < refresh)
            {
                _ = SharedRead(model);
                return ValueTask.FromResult(cached.Routing);
            }
        }

        return ReadNowAsync(model, cancellationToken);
    }

    private async ValueTask<ModelRouting?> ReadNowAsync(string model, CancellationToken cancellationToken)
    {
        Entry entry = await SharedRead(model).WaitAsync(cancellationToken).ConfigureAwait(false);
        return entry.Routing;
    }

    /// <summary>The read in flight for the model, or a new one; it is forgotten once done, read or failed.</summary>
    private Task<Entry> SharedRead(string model)
    {
        var mine = new Lazy<Task<Entry>>(() => ReadAsync(model), LazyThreadSafetyMode.ExecutionAndPublication);
        Lazy<Task<Entry>> read = _reads.GetOrAdd(model, mine);
        Task<Entry> task = read.Value;
        if (ReferenceEquals(read, mine))
        {
            _ = task.ContinueWith(_ => _reads.TryRemove(KeyValuePair.Create(model, mine)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return task;
    }

    private async Task<Entry> ReadAsync(string model)
    {
        // Shared by every waiting request, so no one caller's cancellation ends it.
        await Task.Yield();
        Entry entry;
        try
        {
            entry = new Entry(await store.GetRoutingAsync(model, CancellationToken.None).ConfigureAwait(false), clock.GetUtcNow());
        }
        catch (Exception) when (_routes.TryGetValue(model, out Entry? cached))
        {
            // Storage unreachable: the routing last read keeps applying without anyone waiting for storage, and
            // the next request past half an interval tries again in the background.
            entry = cached with { ReadAt = clock.GetUtcNow() - (refresh / 2) };
        }

        _routes[model] = entry;
        return entry;
    }

    private sealed record Entry(ModelRouting? Routing, DateTimeOffset ReadAt);
}
