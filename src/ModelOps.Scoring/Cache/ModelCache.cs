using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ModelOps.Registry;
using ModelOps.Scoring.Engines;
using ModelOps.Scoring.Telemetry;

namespace ModelOps.Scoring.Cache;

/// <summary>
/// Compiled model versions by alias and number, shaped like ML.NET's <c>PredictionEnginePool</c> with a
/// <c>UriModelLoader</c>: an alias resolves to a version through the registry; a version loads once, even under
/// concurrent first requests; versions stay within a memory budget (LRU, aliased versions kept); every
/// <see cref="ModelCacheOptions.PollInterval"/> each alias in use is compared by ETag and, on a change, the new
/// version loads in the background and replaces the old atomically; the old one stays cached within the budget (so
/// swapping back loads nothing) and is disposed once released and its last request is done. A version that fails to load never replaces
/// a working one, and when storage is unreachable what is cached keeps serving.
/// </summary>
public sealed class ModelCache : IAsyncDisposable
{
    private readonly ModelRegistry _registry;
    private readonly EngineSelector _engines;
    private readonly ModelCacheOptions _options;
    private readonly TimeProvider _clock;
    private readonly ScoringMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string Model, int Version), Lazy<Task<CachedVersion>>> _versions = new();
    private readonly ConcurrentDictionary<(string Model, string Alias), Lazy<Task<AliasSlot>>> _aliases = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _polling = new(1, 1);
    private ITimer? _timer;

    public ModelCache(ModelRegistry registry, EngineSelector engines, ModelCacheOptions options, TimeProvider clock, ScoringMetrics metrics, ILogger<ModelCache> logger)
    {
        _registry = registry;
        _engines = engines;
        _options = options;
        _clock = clock;
        _metrics = metrics;
        _logger = logger;
        IReadOnlyList<string> problems = options.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }
    }

    /// <summary>Starts polling alias pointers on the clock.</summary>
    public void Start() =>
        _timer ??= _clock.CreateTimer(_ => _ = PollInBackgroundAsync(), null, _options.PollInterval, _options.PollInterval);

    /// <summary>The version <paramref name="alias"/> points at, held until the lease is disposed.</summary>
    public async Task<ModelLease> AcquireAsync(string model, string alias, CancellationToken cancellationToken)
    {
        AliasSlot slot = await GetSlotAsync(model, alias, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            AliasTarget target = slot.Current;
            if (!_versions.ContainsKey((model, target.Version)) && !ReferenceEquals(target, slot.Current))
            {
                // Swapped and released since it was read: never reload the version that was just let go.
                continue;
            }

            CachedVersion cached = await GetVersionAsync(model, target.Version, cancellationToken).ConfigureAwait(false);
            if (cached.TryAcquire(_clock.GetTimestamp()))
            {
                return new ModelLease(cached, alias);
            }

            // Released between lookup and acquire (a swap or eviction won the race): look again.
        }
    }

    /// <summary>Version <paramref name="version"/> by number, held until the lease is disposed.</summary>
    public async Task<ModelLease> AcquireVersionAsync(string model, int version, CancellationToken cancellationToken)
    {
        while (true)
        {
            CachedVersion cached = await GetVersionAsync(model, version, cancellationToken).ConfigureAwait(false);
            if (cached.TryAcquire(_clock.GetTimestamp()))
            {
                return new ModelLease(cached, "version");
            }
        }
    }

    /// <summary>The version each alias in use currently serves (for tests and diagnostics).</summary>
    public IReadOnlyDictionary<(string Model, string Alias), int> Aliases =>
        _aliases.Where(p => p.Value.IsValueCreated && p.Value.Value.IsCompletedSuccessfully)
            .ToDictionary(p => p.Key, p => p.Value.Value.Result.Current.Version);

    /// <summary>The versions loaded now.</summary>
    public IReadOnlyList<(string Model, int Version)> Loaded =>
        _versions.Where(p => p.Value.IsValueCreated && p.Value.Value.IsCompletedSuccessfully).Select(p => p.Key).ToArray();

    /// <summary>One polling round: every alias in use is re-read and, if its ETag changed, swapped once its new version loads.</summary>
    public async Task PollAsync(CancellationToken cancellationToken)
    {
        await _polling.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (((string model, string alias), Lazy<Task<AliasSlot>> lazy) in _aliases)
            {
                if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
                {
                    await PollAliasAsync(model, alias, lazy.Value.Result, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _polling.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (Lazy<Task<CachedVersion>> lazy in _versions.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                lazy.Value.Result.Release();
            }
        }

        _versions.Clear();
        _stopping.Dispose();
        _polling.Dispose();
    }

    private async Task PollInBackgroundAsync()
    {
        try
        {
            await PollAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (ObjectDisposedException)
        {
            // The timer fired as the cache was disposed.
        }
    }

    private async Task PollAliasAsync(string model, string alias, AliasSlot slot, CancellationToken cancellationToken)
    {
        AliasTarget current = slot.Current;
        AliasPointer pointer;
        try
        {
            pointer = await _registry.GetAliasAsync(model, alias, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _metrics.StorageFailed(model);
            ScoringLog.PollFailed(_logger, model, alias, current.Version, e);
            return;
        }

        if (pointer.ETag == current.ETag || pointer.ETag == slot.FailedETag)
        {
            return;
        }

        if (pointer.Version == current.Version)
        {
            slot.Current = current with { ETag = pointer.ETag };
            return;
        }

        try
        {
            await GetVersionAsync(model, pointer.Version, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            slot.FailedETag = pointer.ETag;
            return;
        }

        slot.Current = new AliasTarget(pointer.Version, pointer.ETag);
        _metrics.Swapped(model, alias, pointer.Version);
        ScoringLog.AliasSwapped(_logger, model, alias, current.Version, pointer.Version);

        // The old version leaves the alias but stays cached: requests in flight finish on it, and swapping back
        // needs no reload. No longer aliased, it is the first the budget releases when room is needed.
        EnforceBudget(model, pointer.Version);
    }

    private Task<AliasSlot> GetSlotAsync(string model, string alias, CancellationToken cancellationToken)
    {
        Lazy<Task<AliasSlot>> lazy = _aliases.GetOrAdd((model, alias), key => new Lazy<Task<AliasSlot>>(() => ResolveAsync(key.Model, key.Alias)));
        return AwaitOrForgetAsync(_aliases, (model, alias), lazy, cancellationToken);
    }

    private async Task<AliasSlot> ResolveAsync(string model, string alias)
    {
        AliasPointer pointer = await Storage(() => _registry.GetAliasAsync(model, alias, _stopping.Token), model).ConfigureAwait(false);
        await GetVersionAsync(model, pointer.Version, _stopping.Token).ConfigureAwait(false);
        return new AliasSlot(new AliasTarget(pointer.Version, pointer.ETag));
    }

    private async Task<CachedVersion> GetVersionAsync(string model, int version, CancellationToken cancellationToken)
    {
        if (_versions.TryGetValue((model, version), out Lazy<Task<CachedVersion>>? known) && known.IsValueCreated && known.Value.IsCompletedSuccessfully)
        {
            return known.Value.Result;
        }

        bool created = false;
        Lazy<Task<CachedVersion>> lazy = _versions.GetOrAdd((model, version), key =>
        {
            created = true;
            return new Lazy<Task<CachedVersion>>(() => LoadAsync(key.Model, key.Version));
        });
        CachedVersion cached = await AwaitOrForgetAsync(_versions, (model, version), lazy, cancellationToken).ConfigureAwait(false);
        if (created)
        {
            // Once per load, after the new version counts towards the budget.
            EnforceBudget(model, version);
        }

        return cached;
    }

    /// <summary>Awaits a shared load; a failed one is forgotten so the next request tries again.</summary>
    private static async Task<T> AwaitOrForgetAsync<TKey, T>(ConcurrentDictionary<TKey, Lazy<Task<T>>> map, TKey key, Lazy<Task<T>> lazy, CancellationToken cancellationToken)
        where TKey : notnull
    {
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (lazy.Value.IsFaulted || lazy.Value.IsCanceled)
        {
            map.TryRemove(KeyValuePair.Create(key, lazy));
            throw;
        }
    }

    private async Task<CachedVersion> LoadAsync(string model, int version)
    {
        CancellationToken stopping = _stopping.Token;
        await Task.Yield();
        Model info = await Storage(() => _registry.GetModelAsync(model, stopping), model).ConfigureAwait(false);
        ScoringSession? session = null;
        try
        {
            byte[] artifact = await _registry.ReadArtifactAsync(model, version, stopping).ConfigureAwait(false);
            session = _engines.Load(artifact, EngineSelector.PrefersOnnxRuntime(info.Tags), stopping);
            var loaded = new LoadedModel(model, version, session, artifact.Length);
            loaded.WarmUp(stopping);
            _metrics.Loaded(model, version, session.Engine.ToString());
            ScoringLog.VersionLoaded(_logger, model, version, session.Engine.ToString(), artifact.Length);
            return new CachedVersion(loaded, _clock.GetTimestamp());
        }
        catch (Exception e) when (e is not OperationCanceledException and not RegistryNotFoundException)
        {
            session?.Dispose();
            _metrics.LoadFailed(model, version);
            ScoringLog.VersionLoadFailed(_logger, model, version, e);
            throw new ModelUnavailableException($"Version {version} of '{model}' cannot be loaded right now; the app's logs say why.", e);
        }
    }

    /// <summary>Runs a registry read; anything but "not found" and cancellation means storage cannot be reached now.</summary>
    private async Task<T> Storage<T>(Func<Task<T>> read, string model)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RegistryException and not OperationCanceledException)
        {
            _metrics.StorageFailed(model);
            throw new ModelUnavailableException($"The registry of '{model}' cannot be reached right now.", e);
        }
    }

    private bool IsAliased(string model, int version) =>
        _aliases.Any(p => p.Key.Model == model && p.Value.IsValueCreated && p.Value.Value.IsCompletedSuccessfully && p.Value.Value.Result.Current.Version == version);

    private void Release(string model, int version)
    {
        if (_versions.TryRemove((model, version), out Lazy<Task<CachedVersion>>? lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
        {
            lazy.Value.Result.Release();
            _metrics.Evicted(model, version);
            ScoringLog.VersionReleased(_logger, model, version);
        }
    }

    /// <summary>Releases the least recently used versions no alias points at until the cache fits its budget.</summary>
    private void EnforceBudget(string justLoadedModel, int justLoadedVersion)
    {
        var loaded = _versions.Where(p => p.Value.IsValueCreated && p.Value.Value.IsCompletedSuccessfully)
            .Select(p => (p.Key, Cached: p.Value.Value.Result)).ToList();
        long total = loaded.Sum(v => v.Cached.Model.ArtifactBytes);
        foreach (var (key, cached) in loaded.OrderBy(v => v.Cached.LastUsed))
        {
            if (total <= _options.MemoryBudgetBytes)
            {
                return;
            }

            if (key == (justLoadedModel, justLoadedVersion) || IsAliased(key.Model, key.Version))
            {
                continue;
            }

            Release(key.Model, key.Version);
            total -= cached.Model.ArtifactBytes;
        }
    }

    private sealed record AliasTarget(int Version, string ETag);

    private sealed class AliasSlot(AliasTarget current)
    {
        private AliasTarget _current = current;

        /// <summary>Swapped as one reference, so a reader sees the old pair or the new one, never a mix.</summary>
        public AliasTarget Current
        {
            get => Volatile.Read(ref _current);
            set => Volatile.Write(ref _current, value);
        }

        /// <summary>The ETag whose version failed to load: not retried until the alias moves again.</summary>
        public string? FailedETag { get; set; }
    }
}
