using System.Globalization;
using System.Net;
using System.Text;
using MimeKit;
using ModelOps.Registry.Promotion;

namespace ModelOps.Mail;

/// <summary>Writes the e-mail that tells a requester (or, on expiry, whoever it is escalated to) how a promotion request ended.</summary>
public static class PromotionNoticeMessage
{
    /// <summary>The subject line.</summary>
    public static string Subject(PromotionNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        PromotionRequest r = notice.Request;
        string prefix = notice.Escalation ? "Undecided promotion" : "Promotion " + Outcome(notice.Stage);
        return $"{prefix}: {r.Model} version {r.CandidateVersion} to '{r.TargetAlias}'";
    }

    /// <summary>The message from <paramref name="from"/> to the notice's recipient, HTML and plain text.</summary>
    public static MimeMessage Create(PromotionNotice notice, MailboxAddress from)
    {
        ArgumentNullException.ThrowIfNull(notice);
        string text = Text(notice);
        string html = "<!DOCTYPE html><html><body style=\"font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#1b1b1b;max-width:640px\">"
            + string.Concat(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => $"<p>{WebUtility.HtmlEncode(line.TrimEnd('\r'))}</p>"))
            + "</body></html>";
        return ApprovalMessage.Message(Subject(notice), from, notice.To, text, html);
    }

    /// <summary>The plain-text part: what was asked, how it ended, who decided with which comment, and the reasons.</summary>
    public static string Text(PromotionNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        PromotionRequest r = notice.Request;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{r.Requester} asked to point '{r.TargetAlias}' of {r.Model} at version {r.CandidateVersion}.");
        text.AppendLine(notice.Escalation
            ? "Nobody decided before the deadline, so the request expired and nothing changed. Ask for it again if it is still wanted."
            : $"The request {Outcome(notice.Stage)}.");
        if (notice.Decision is { } d)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{d.Decision switch { ApprovalDecision.Approve => "Approved", ApprovalDecision.Reject => "Rejected", _ => "Cancelled" }} by {d.Approver} on {d.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC: {d.Comment}");
        }

        foreach (string reason in notice.Reasons)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {reason}");
        }

        return text.ToString();
    }

    private static string Outcome(PromotionStage stage) => stage switch
    {
        PromotionStage.Promoted => "was approved and promoted",
        PromotionStage.Rejected => "was rejected",
        PromotionStage.Expired => "expired undecided",
        PromotionStage.GatesFailed => "was stopped by the gates",
        PromotionStage.Cancelled => "was cancelled",
        PromotionStage.NotPromoted => "was approved but not promoted",
        _ => "ended",
    };
}
