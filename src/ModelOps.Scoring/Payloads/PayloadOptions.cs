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

    /// <summary>The most records in one written batch (default 500).</summary>
    public int BatchSize { get; set; } = 500;

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

        return problems;
    }
}
