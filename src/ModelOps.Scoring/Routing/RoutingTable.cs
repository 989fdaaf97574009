using System.Collections.Concurrent;
using ModelOps.Registry;

namespace ModelOps.Scoring.Routing;

/// <summary>
/// Each model's routing, read from the registry's <see cref="IRoutingStore"/> and kept for one refresh interval;
/// when storage cannot be reached, the last routing read keeps applying.
/// </summary>
public sealed class RoutingTable(IRoutingStore store, TimeProvider clock, TimeSpan refresh)
{
    private readonly ConcurrentDictionary<string, (ModelRouting? Routing, DateTimeOffset ReadAt)> _routes = new(StringComparer.Ordinal);

    /// <summary>The model's routing, or null when it has none.</summary>
    public async Task<ModelRouting?> GetAsync(string model, CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        if (_routes.TryGetValue(model, out var cached) && now - cached.ReadAt < refresh)
        {
            return cached.Routing;
        }

        try
        {
            ModelRouting? routing = await store.GetRoutingAsync(model, cancellationToken).ConfigureAwait(false);
            _routes[model] = (routing, now);
            return routing;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested && _routes.TryGetValue(model, out cached))
        {
            // Storage unreachable: keep routing as last read.
            return cached.Routing;
        }
    }
}
