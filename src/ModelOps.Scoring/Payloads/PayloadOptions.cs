namespace ModelOps.Scoring.Payloads;

/// <summary>Payload logging settings (section <c>Scoring:Payloads</c>, e.g. <c>Scoring__Payloads__SampleRate</c>).</summary>
public sealed class PayloadOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Scoring:Payloads";

    /// <summary>The share of scored rows logged, 0 to 1 (default 1). Refused requests are always logged.</summary>
    public double SampleRate { get; set; } = 1.0;

    /// <summary>Records buffered before new ones are dropped (default 10,000).</summary>
    public int Capacity { get; set; } = 10_000;

    /// <summary>
    /// The most records in one written batch (default 5,000, a few megabytes of JSONL). A batch is written a second
    /// after its first record at the latest, so this only bounds blobs under heavy traffic: larger ones mean fewer
    /// storage writes (billed per operation) and fewer blobs for drift jobs to list and open.
    /// </summary>
    public int BatchSize { get; set; } = 5_000;

    /// <summary>The blob container payload batches go to (default <c>monitoring</c>); blob names start <c>payloads/</c>.</summary>
    public string Container { get; set; } = "monitoring";

    /// <summary>The problems with these settings, empty when valid (for ValidateOnStart).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (SampleRate is < 0 or > 1 || double.IsNaN(SampleRate))
        {
            problems.Add("Scoring:Payloads:SampleRate must be between 0 and 1.");
        }

        if (Capacity is < 1 or > 10_000_000)
        {
            problems.Add("Scoring:Payloads:Capacity must be between 1 and 10,000,000.");
        }

        if (BatchSize < 1 || BatchSize > Capacity)
        {
            problems.Add("Scoring:Payloads:BatchSize must be between 1 and Capacity.");
        }

        if (Container is not { Length: >= 3 and <= 63 } c || c[0] == '-' || c[^1] == '-' || c.Contains("--", StringComparison.Ordinal)
            || !c.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '-'))
        {
            problems.Add("Scoring:Payloads:Container must be 3-63 lowercase letters, digits and single hyphens.");
        }

        return problems;
    }
}
