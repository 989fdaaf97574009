using System.Globalization;
using System.Net;
using System.Text;
using MimeKit;
using ModelOps.Registry.Promotion;

namespace ModelOps.Mail;

/// <summary>Writes an approval e-mail as HTML and plain text: what changes, why, metrics against the champion, gate results, and the two links.</summary>
public static class ApprovalMessage
{
    /// <summary>The subject line.</summary>
    public static string Subject(ApprovalMail mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        return $"Approve promotion: {mail.Request.Model} version {mail.Request.CandidateVersion} to '{mail.Request.TargetAlias}'";
    }

    /// <summary>The message from <paramref name="from"/> to the approver, with both parts.</summary>
    public static MimeMessage Create(ApprovalMail mail, MailboxAddress from)
    {
        ArgumentNullException.ThrowIfNull(mail);
        return Message(Subject(mail), from, mail.Approver, Text(mail), Html(mail));
    }

    /// <summary>A message of both parts from <paramref name="from"/> to <paramref name="to"/> (every e-mail the flow sends).</summary>
    internal static MimeMessage Message(string subject, MailboxAddress from, string to, string text, string html)
    {
        var message = new MimeMessage { Subject = subject };
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(to));
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }

    /// <summary>The plain-text part.</summary>
    public static string Text(ApprovalMail mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        PromotionRequest r = mail.Request;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{r.Requester} asks to point '{r.TargetAlias}' of {r.Model} at version {r.CandidateVersion}{(mail.ChampionVersion is { } v ? $" (now version {v})" : string.Empty)}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Why: {Reason(r.Reason)}{(r.Note.Length > 0 ? " — " + r.Note : string.Empty)}");
        text.AppendLine();
        text.AppendLine("Metrics (challenger / champion):");
        foreach (MetricComparison m in mail.Metrics)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {m.Metric}: {N(m.Challenger)} / {(m.Champion is { } c ? N(c) : "—")}");
        }

        text.AppendLine();
        text.AppendLine("Gates:");
        foreach (GateResult g in mail.Gates)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {g.Gate}: {(g.Passed ? "passed" : "FAILED")} — {string.Join(" ", g.Reasons)}");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Approve: {mail.ApproveLink.AbsoluteUri}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Reject:  {mail.RejectLink.AbsoluteUri}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Each link opens a confirmation page; nothing is decided until you confirm there with a comment. The links are yours alone, work once, and expire {mail.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC.");
        return text.ToString();
    }

    /// <summary>The HTML part: inline styles only (mail clients drop style sheets), every value encoded.</summary>
    public static string Html(ApprovalMail mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        PromotionRequest r = mail.Request;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><body style=\"font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#1b1b1b;max-width:640px\">");
        html.Append(CultureInfo.InvariantCulture, $"<h2 style=\"font-size:18px\">Promotion of {E(r.Model)} version {r.CandidateVersion} to &#39;{E(r.TargetAlias)}&#39;</h2>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{E(r.Requester)} asks to point <b>{E(r.TargetAlias)}</b> at version <b>{r.CandidateVersion}</b>{(mail.ChampionVersion is { } v ? $" (now version {v})" : string.Empty)}.</p>");
        html.Append(CultureInfo.InvariantCulture, $"<p><b>Why:</b> {E(Reason(r.Reason))}{(r.Note.Length > 0 ? " — " + E(r.Note) : string.Empty)}</p>");
        html.Append("<table style=\"border-collapse:collapse\" cellpadding=\"4\"><tr><th align=\"left\">Metric</th><th align=\"right\">Challenger</th><th align=\"right\">Champion</th></tr>");
        foreach (MetricComparison m in mail.Metrics)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(m.Metric)}</td><td align=\"right\">{N(m.Challenger)}</td><td align=\"right\">{(m.Champion is { } c ? N(c) : "—")}</td></tr>");
        }

        html.Append("</table><h3 style=\"font-size:15px\">Gates</h3><ul>");
        foreach (GateResult g in mail.Gates)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li><b style=\"color:{(g.Passed ? "#107c10" : "#a4262c")}\">{E(g.Gate)}: {(g.Passed ? "passed" : "failed")}</b> — {E(string.Join(" ", g.Reasons))}</li>");
        }

        html.Append("</ul><p>");
        html.Append(CultureInfo.InvariantCulture, $"<a href=\"{E(mail.ApproveLink.AbsoluteUri)}\" style=\"background:#107c10;color:#fff;padding:8px 16px;text-decoration:none;border-radius:4px\">Approve</a> ");
        html.Append(CultureInfo.InvariantCulture, $"<a href=\"{E(mail.RejectLink.AbsoluteUri)}\" style=\"background:#a4262c;color:#fff;padding:8px 16px;text-decoration:none;border-radius:4px\">Reject</a>");
        html.Append(CultureInfo.InvariantCulture, $"</p><p style=\"color:#555;font-size:12px\">Each link opens a confirmation page; nothing is decided until you confirm there with a comment. The links are yours alone, work once, and expire {mail.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC.</p>");
        html.Append("</body></html>");
        return html.ToString();
    }

    private static string Reason(PromotionReason reason) => reason switch
    {
        PromotionReason.Drift => "the champion's inputs drifted",
        PromotionReason.Accuracy => "accuracy: the challenger measured better",
        _ => "requested by hand",
    };

    private static string N(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string E(string value) => WebUtility.HtmlEncode(value);
}
