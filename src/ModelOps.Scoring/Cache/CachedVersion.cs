namespace ModelOps.Scoring.Cache;

/// <summary>
/// One loaded version in the cache, reference-counted: the cache holds one reference while the version is cached,
/// each <see cref="ModelLease"/> one more. The session is disposed when the last reference goes, so requests in
/// flight finish on a version even after a swap has released it from the cache.
/// </summary>
internal sealed class CachedVersion(LoadedModel model, long now)
{
    private int _references = 1;
    private long _lastUsed = now;

    public LoadedModel Model { get; } = model;

    public long LastUsed => Volatile.Read(ref _lastUsed);

    /// <summary>Adds a reference unless the version is already released.</summary>
    public bool TryAcquire(long now)
    {
        while (true)
        {
            int current = Volatile.Read(ref _references);
            if (current == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                Volatile.Write(ref _lastUsed, now);
                return true;
            }
        }
    }

    /// <summary>Drops a reference; the last one disposes the session.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Model.Dispose();
        }
    }
}

/// <summary>A version held for one request; dispose it when the request is done with the model.</summary>
public sealed class ModelLease : IDisposable
{
    private CachedVersion? _version;

    internal ModelLease(CachedVersion version, string alias)
    {
        _version = version;
        Alias = alias;
    }

    /// <summary>The loaded version.</summary>
    public LoadedModel Model => (_version ?? throw new ObjectDisposedException(nameof(ModelLease))).Model;

    /// <summary>The alias it was resolved through (or <c>version</c> when asked for by number).</summary>
    public string Alias { get; }

    /// <inheritdoc />
    public void Dispose() => Interlocked.Exchange(ref _version, null)?.Release();
}
