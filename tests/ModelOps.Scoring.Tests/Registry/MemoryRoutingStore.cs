using System.Globalization;
using ModelOps.Registry;

namespace ModelOps.Scoring.Tests.Registry;

/// <summary>The routing port in memory, with the same compare-and-swap rule an adapter must keep.</summary>
internal sealed class MemoryRoutingStore : IRoutingStore
{
    private readonly Dictionary<string, ModelRouting> _routes = new(StringComparer.Ordinal);
    private int _etag;

    public Task<ModelRouting?> GetRoutingAsync(string model, CancellationToken cancellationToken)
    {
        lock (_routes)
        {
            return Task.FromResult(_routes.GetValueOrDefault(model));
        }
    }

    public Task<ModelRouting> SetRoutingAsync(ModelRouting routing, string? ifMatch, CancellationToken cancellationToken)
    {
        routing.Check();
        lock (_routes)
        {
            _routes.TryGetValue(routing.Model, out ModelRouting? current);
            if (current?.ETag != ifMatch)
            {
                throw new StoreConflictException("The routing changed since it was read.");
            }

            ModelRouting stored = routing with { ETag = "r" + (++_etag).ToString(CultureInfo.InvariantCulture) };
            _routes[routing.Model] = stored;
            return Task.FromResult(stored);
        }
    }

    /// <summary>As the plain write: this port keeps no audit log (the table adapter's audited write is tested on Azurite).</summary>
    public Task<ModelRouting> SetRoutingAsync(ModelRouting routing, string? ifMatch, AuditEntry entry, AuditHead head, CancellationToken cancellationToken) =>
        SetRoutingAsync(routing, ifMatch, cancellationToken);
}
