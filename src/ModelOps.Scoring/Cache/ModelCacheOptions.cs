namespace ModelOps.Scoring.Cache;

/// <summary>The model cache's settings (section <c>Scoring:Cache</c>, e.g. <c>Scoring__Cache__PollInterval</c>).</summary>
public sealed class ModelCacheOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Scoring:Cache";

    /// <summary>How often alias pointers are compared by ETag (default 10 s).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The artifact bytes the cache may hold (default 1 GiB). Versions an alias points at are always kept; beyond
    /// the budget the least recently used other versions are released.
    /// </summary>
    public long MemoryBudgetBytes { get; set; } = 1L << 30;

    /// <summary>The problems with these settings, empty when valid (for ValidateOnStart).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (PollInterval < TimeSpan.FromMilliseconds(100) || PollInterval > TimeSpan.FromHours(1))
        {
            problems.Add("Scoring:Cache:PollInterval must be between 100 ms and 1 hour.");
        }

        if (MemoryBudgetBytes <= 0)
        {
            problems.Add("Scoring:Cache:MemoryBudgetBytes must be positive.");
        }

        return problems;
    }
}
