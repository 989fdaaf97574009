namespace ModelOps.Storage.Monitoring;

/// <summary>
/// Where monitoring keeps its data (section <c>Monitoring</c>): the payload container the scoring app writes, the
/// history and outcome tables, the spec container, and the queues it writes and reads.
/// </summary>
public sealed class MonitoringStorageOptions
{
    /// <summary>
    /// The container of the payload logs (<c>payloads/{model}/{yyyy}/{MM}/{dd}/{HH}/…</c>); the default is the
    /// scoring app's default (<c>Scoring__Payloads__Container</c>), so monitoring reads where scoring writes.
    /// </summary>
    public string PayloadContainer { get; set; } = "monitoring";

    /// <summary>The container of the pipeline specs retraining fits (<c>specs/{model}/{sha256}.json</c>).</summary>
    public string SpecContainer { get; set; } = "monitoring";

    /// <summary>Drift, accuracy and alert history, and each model's monitoring state.</summary>
    public string HistoryTable { get; set; } = "MonitoringHistory";

    /// <summary>Outcomes waiting to be joined to predictions.</summary>
    public string OutcomeTable { get; set; } = "Outcomes";

    /// <summary>Alerts for other systems, one JSON message each.</summary>
    public string AlertQueue { get; set; } = "alerts";

    /// <summary>Promotion requests for the approval workflow.</summary>
    public string PromotionQueue { get; set; } = "promotion-requests";

    /// <summary>Retrain requests (drift, accuracy, schedule, new labels).</summary>
    public string RetrainQueue { get; set; } = "retrain-requests";

    /// <summary>Champion–challenger requests, sent after a retrain and on the monitoring schedule.</summary>
    public string ChallengerQueue { get; set; } = "challenger-requests";

    /// <summary>The problems with these names, each naming its setting; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach ((string name, string value) in new[] { ("PayloadContainer", PayloadContainer), ("SpecContainer", SpecContainer), ("AlertQueue", AlertQueue), ("PromotionQueue", PromotionQueue), ("RetrainQueue", RetrainQueue), ("ChallengerQueue", ChallengerQueue) })
        {
            if (!IsLowerName(value)) problems.Add($"Monitoring:{name} must be 3-63 lowercase letters, digits and single hyphens.");
        }

        foreach ((string name, string value) in new[] { ("HistoryTable", HistoryTable), ("OutcomeTable", OutcomeTable) })
        {
            if (!(value.Length is >= 3 and <= 63 && char.IsAsciiLetter(value[0]) && value.All(char.IsAsciiLetterOrDigit))) problems.Add($"Monitoring:{name} must be 3-63 letters and digits, starting with a letter.");
        }

        return problems;
    }

    private static bool IsLowerName(string name) =>
        name.Length is >= 3 and <= 63 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && name[0] != '-' && name[^1] != '-' && !name.Contains("--", StringComparison.Ordinal);
}
