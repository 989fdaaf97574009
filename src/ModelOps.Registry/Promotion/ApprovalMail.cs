namespace ModelOps.Registry.Promotion;

/// <summary>One metric of the challenger beside the champion's (null when there is no champion or it lacks the metric).</summary>
public sealed record MetricComparison(string Metric, double Challenger, double? Champion);

/// <summary>
/// The e-mail asking one approver to decide a request: what changes (model, alias, champion → challenger), why,
/// the metrics against the champion, the gate results, and the two links that carry the approver's token.
/// The links are secrets: adapters never log them.
/// </summary>
public sealed record ApprovalMail(
    PromotionRequest Request,
    string Approver,
    int? ChampionVersion,
    IReadOnlyList<MetricComparison> Metrics,
    IReadOnlyList<GateResult> Gates,
    Uri ApproveLink,
    Uri RejectLink,
    DateTimeOffset ExpiresAt);

/// <summary>Sends approval e-mails. At least once: a duplicate is harmless (the token is single-use), a lost one is not, so failures throw.</summary>
public interface IApprovalMailer
{
    Task SendAsync(ApprovalMail mail, CancellationToken cancellationToken);

    /// <summary>Tells <see cref="PromotionNotice.To"/> how a request ended (at least once, like approval e-mails).</summary>
    Task SendNoticeAsync(PromotionNotice notice, CancellationToken cancellationToken);
}

/// <summary>Where approvers' links point (section <c>Approvals</c>: <c>Approvals__BaseUrl</c>, e.g. the Pipelines app's <c>https://…/api/</c>).</summary>
public sealed class ApprovalLinkOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Approvals";

    /// <summary>The absolute http(s) URL the approval page's routes hang under.</summary>
    public string BaseUrl { get; set; } = string.Empty;

    /// <summary><see cref="BaseUrl"/> as a URI; throws when it is invalid (see <see cref="Problems"/>).</summary>
    public Uri BaseUri => Problems() is { Count: 0 } ? new Uri(BaseUrl) : throw new InvalidOperationException(string.Join(" ", Problems()));

    /// <summary>The problems with these settings; empty when valid.</summary>
    public IReadOnlyList<string> Problems() =>
        Uri.TryCreate(BaseUrl, UriKind.Absolute, out Uri? uri) && uri.Scheme is "https" or "http" && string.IsNullOrEmpty(uri.Query)
            ? []
            : ["Approvals:BaseUrl must be an absolute http(s) URL without a query."];
}

/// <summary>The links of the approval page: <c>{base}/approvals/{requestId}?token=…&amp;decision=approve|reject</c>.</summary>
public static class ApprovalLinks
{
    /// <summary>The link that opens the confirmation page for <paramref name="decision"/>.</summary>
    public static Uri For(Uri baseUrl, string requestId, string token, ApprovalDecision decision)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        string root = baseUrl.AbsoluteUri.TrimEnd('/');
        return new Uri($"{root}/approvals/{Uri.EscapeDataString(requestId)}?token={Uri.EscapeDataString(token)}&decision={(decision == ApprovalDecision.Approve ? "approve" : "reject")}");
    }
}
