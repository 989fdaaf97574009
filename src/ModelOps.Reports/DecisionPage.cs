using System.Globalization;
using System.Text;
using ModelOps.Registry.Promotion;
using static ModelOps.Reports.Markup;

namespace ModelOps.Reports;

/// <summary>The approval page's answers to a post: the decision recorded, or a form that cannot be used as posted (400).</summary>
public static class DecisionPage
{
    /// <summary>The page confirming <paramref name="decision"/>.</summary>
    public static string Recorded(RecordedDecision decision, PromotionRequest request)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(request);
        string verb = Verb(decision.Decision);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Decision recorded</title><style>{Style}</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<div id=\"decision\" data-decision=\"{E(verb)}\"><h1>Decision recorded: {E(verb)}</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p>You {E(verb)} version {request.CandidateVersion} of {E(request.Model)} becoming &#39;{E(request.TargetAlias)}&#39; on {decision.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC, with the comment “{E(decision.Comment)}”.</p>");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">{E(request.Requester)} will be told. The link cannot be used again.</p></div></body></html>");
        return html.ToString();
    }

    /// <summary>How a decision reads in a sentence: approved, rejected or cancelled.</summary>
    public static string Verb(ApprovalDecision decision) => decision switch
    {
        ApprovalDecision.Approve => "approved",
        ApprovalDecision.Reject => "rejected",
        _ => "cancelled",
    };

    /// <summary>The page for a post that is missing something (a comment, a decision); nothing was decided.</summary>
    public static string Invalid(IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Nothing was decided</title><style>{Style}</style></head><body>");
        html.Append("<div class=\"refusal\" id=\"refusal\" data-reason=\"Invalid\"><h1>Nothing was decided</h1><ul>");
        foreach (string problem in problems) html.Append(CultureInfo.InvariantCulture, $"<li>{E(problem)}</li>");
        html.Append("</ul><p>Go back, complete the form and submit it again: your link still works.</p></div></body></html>");
        return html.ToString();
    }
}
