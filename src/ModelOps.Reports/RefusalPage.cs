using System.Globalization;
using System.Text;
using ModelOps.Registry.Promotion;
using static ModelOps.Reports.Markup;

namespace ModelOps.Reports;

/// <summary>The page (and 4xx status) for a token the approval page refuses: it says why, and that nothing changed.</summary>
public static class RefusalPage
{
    /// <summary>The HTTP status for <paramref name="refusal"/>: 404 forged, 410 expired, 409 used or decided, 403 for the wrong person.</summary>
    public static int StatusCode(TokenRefusal refusal) => refusal switch
    {
        TokenRefusal.Forged => 404,
        TokenRefusal.Expired => 410,
        TokenRefusal.AlreadyUsed or TokenRefusal.RequestDecided => 409,
        _ => 403,
    };

    /// <summary>The page for <paramref name="refusal"/>; <paramref name="earlier"/> is the decision already made, when known.</summary>
    public static string Render(TokenRefusal refusal, RecordedDecision? earlier = null)
    {
        (string title, string detail) = refusal switch
        {
            TokenRefusal.Forged => ("This link is not valid", "The link does not match any approval request: it may be incomplete or altered. Open it again from the e-mail, without editing it."),
            TokenRefusal.Expired => ("This link has expired", "Approval links work for a limited time. Ask the requester for a new request if a decision is still needed."),
            TokenRefusal.AlreadyUsed => ("This link was used already", "Each link decides once."),
            TokenRefusal.RequestDecided => ("This request was decided already", "Another approver decided first."),
            TokenRefusal.WrongApprover => ("This link belongs to another approver", "Approval links are personal. Use the link from your own e-mail."),
            TokenRefusal.SelfApproval => ("You cannot approve your own request", "Promotions need a second person (four-eyes rule)."),
            _ => ("You are not an approver of this model", "Only the approvers listed on the model card can decide its promotions."),
        };
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(title)}</title><style>{Style}</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"refusal\" id=\"refusal\" data-reason=\"{E(refusal.ToString())}\"><h1>{E(title)}</h1><p>{E(detail)}</p>");
        if (earlier is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>Decision on record: <b>{E(DecisionPage.Verb(earlier.Decision))}</b> by {E(earlier.Approver)} on {earlier.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC — “{E(earlier.Comment)}”.</p>");
        }

        html.Append("<p><b>Nothing was changed.</b></p></div></body></html>");
        return html.ToString();
    }
}
