using System.Globalization;

namespace ModelOps.Monitoring.Payloads;

/// <summary>One feature as logged: a number (booleans as 0/1), a text, or nothing.</summary>
public readonly record struct FeatureValue(double Number, string? Text)
{
    /// <summary>No value (null in the log).</summary>
    public static FeatureValue Missing { get; } = new(double.NaN, null);

    /// <summary>True when the log held a number.</summary>
    public bool IsNumber => Text is null && !double.IsNaN(Number);

    /// <summary>True when the log held nothing usable.</summary>
    public bool IsMissing => Text is null && double.IsNaN(Number);

    /// <summary>The value as a category: the text, or the number in invariant form.</summary>
    public string? AsCategory() => Text ?? (double.IsNaN(Number) ? null : Number.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>The value as a number: the number, or the text parsed invariantly (NaN when it is not a number).</summary>
    public double AsNumber() =>
        Text is null ? Number : double.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) ? x : double.NaN;
}

/// <summary>
/// One scored row read back from the payload log (the JSONL the scoring app writes): which request and row,
/// the entity key, which version and alias served it, the features as sent, the positive-class probability
/// (<see cref="Score"/>) and the label the model gave. Refused rows and rows without outputs are not read as predictions.
/// </summary>
public sealed record LoggedPrediction(
    DateTimeOffset Timestamp,
    string RequestId,
    int Row,
    string? Key,
    int Version,
    string? Alias,
    bool Shadow,
    double Score,
    string? Label,
    IReadOnlyDictionary<string, FeatureValue> Features);
