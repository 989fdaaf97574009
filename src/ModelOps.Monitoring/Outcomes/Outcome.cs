using System.Globalization;
using ModelOps.Monitoring.Payloads;

namespace ModelOps.Monitoring.Outcomes;

/// <summary>
/// What really happened to a scored row, known later: keyed by the scoring request (<see cref="RequestId"/> and
/// <see cref="Row"/>, 0 for a single-row request) or by the entity (<see cref="Key"/>, the routing key logged with
/// the row); the observed <see cref="Label"/> (a class of the model, e.g. <c>yes</c>), and optionally the business
/// value it brought (<see cref="Value"/>, e.g. the revenue of a conversion).
/// </summary>
public sealed record Outcome(string? RequestId, int? Row, string? Key, string Label, double? Value, DateTimeOffset? ObservedAt)
{
    /// <summary>The longest id, key or label accepted (table key limits leave room for the prefix).</summary>
    public const int MaxLength = 512;

    /// <summary>The join key: <c>r:{requestId}:{row}</c> when keyed by request, else <c>k:{key}</c>.</summary>
    public string JoinKey => RequestId is { Length: > 0 } ? ByRequest(RequestId, Row ?? 0) : ByEntity(Key!);

    /// <summary>The join key of a logged row by its request.</summary>
    public static string ByRequest(string requestId, int row) => string.Create(CultureInfo.InvariantCulture, $"r:{requestId}:{row}");

    /// <summary>The join key of a logged row by its entity key.</summary>
    public static string ByEntity(string key) => "k:" + key;

    /// <summary>The problems with this outcome, each naming its field under <paramref name="at"/> (e.g. <c>outcomes[3]</c>); empty when valid.</summary>
    public IReadOnlyList<string> Problems(string at)
    {
        var problems = new List<string>();
        bool byRequest = !string.IsNullOrEmpty(RequestId), byKey = !string.IsNullOrEmpty(Key);
        if (!byRequest && !byKey) problems.Add($"{at}.requestId: give requestId (with row) or key.");
        if (byRequest && RequestId!.Length > MaxLength) problems.Add($"{at}.requestId: at most {MaxLength} characters.");
        if (byKey && Key!.Length > MaxLength) problems.Add($"{at}.key: at most {MaxLength} characters.");
        if (Row is < 0) problems.Add($"{at}.row: must be 0 or more.");
        if (string.IsNullOrEmpty(Label)) problems.Add($"{at}.label: is required.");
        else if (Label.Length > MaxLength) problems.Add($"{at}.label: at most {MaxLength} characters.");
        if (Value is { } v && !double.IsFinite(v)) problems.Add($"{at}.value: must be a finite number.");
        return problems;
    }
}

/// <summary>A logged prediction with its outcome: the pair realized accuracy, retraining and champion–challenger work on.</summary>
public sealed record LabelledPrediction(LoggedPrediction Prediction, Outcome Outcome);

/// <summary>
/// Joins outcomes to logged predictions: by request id and row first, else by entity key (the latest outcome of an
/// entity is its outcome). Built once per run from the outcomes stored for the model.
/// </summary>
public sealed class OutcomeIndex
{
    private readonly Dictionary<string, Outcome> _byKey = new(StringComparer.Ordinal);

    public OutcomeIndex(IEnumerable<Outcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        foreach (Outcome outcome in outcomes.OrderBy(o => o.ObservedAt ?? DateTimeOffset.MinValue))
        {
            _byKey[outcome.JoinKey] = outcome;
        }
    }

    /// <summary>Outcomes indexed.</summary>
    public int Count => _byKey.Count;

    /// <summary>The outcome of <paramref name="prediction"/>, or null when none has arrived.</summary>
    public Outcome? Find(LoggedPrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        if (_byKey.TryGetValue(Outcome.ByRequest(prediction.RequestId, prediction.Row), out Outcome? byRequest)) return byRequest;
        return prediction.Key is { } key && _byKey.TryGetValue(Outcome.ByEntity(key), out Outcome? byEntity) ? byEntity : null;
    }
}
