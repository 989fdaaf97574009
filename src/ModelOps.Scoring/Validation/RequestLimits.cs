namespace ModelOps.Scoring.Validation;

/// <summary>
/// Bounds on what one scoring request may cost before it is refused (section <c>Scoring</c>, e.g.
/// <c>Scoring__MaxBodyBytes</c>). Every limit is checked while reading, so a hostile body stops early.
/// </summary>
public sealed class RequestLimits
{
    /// <summary>The largest body accepted, in bytes (default 4 MiB).</summary>
    public int MaxBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The deepest JSON nesting accepted (default 8: a body, its rows, a row, a vector).</summary>
    public int MaxDepth { get; set; } = 8;

    /// <summary>The most rows in one request (default 1,000).</summary>
    public int MaxRows { get; set; } = 1000;

    /// <summary>The most fields in one row (default 1,024).</summary>
    public int MaxFieldsPerRow { get; set; } = 1024;

    /// <summary>The longest string value or field name, in UTF-8 bytes (default 1,024).</summary>
    public int MaxStringBytes { get; set; } = 1024;

    /// <summary>The longest numeric array (a vector input), in elements (default 65,536).</summary>
    public int MaxArrayLength { get; set; } = 65_536;

    /// <summary>The most reason codes a row may ask for (default 20).</summary>
    public int MaxExplain { get; set; } = 20;

    /// <summary>The problems with these settings, empty when valid (for ValidateOnStart).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        Check(MaxBodyBytes, 16, 256 * 1024 * 1024, nameof(MaxBodyBytes));
        Check(MaxDepth, 3, 64, nameof(MaxDepth));
        Check(MaxRows, 1, 1_000_000, nameof(MaxRows));
        Check(MaxFieldsPerRow, 1, 100_000, nameof(MaxFieldsPerRow));
        Check(MaxStringBytes, 1, 1024 * 1024, nameof(MaxStringBytes));
        Check(MaxArrayLength, 1, 10_000_000, nameof(MaxArrayLength));
        Check(MaxExplain, 0, 1000, nameof(MaxExplain));
        return problems;

        void Check(int value, int min, int max, string name)
        {
            if (value < min || value > max)
            {
                problems.Add($"Scoring:{name} must be between {min} and {max}.");
            }
        }
    }
}
