using System.Globalization;
using System.Text;
using ModelOps.Learning.Drift;
using ModelOps.Learning.Evaluation;
using ModelOps.Learning.Fairness;
using ModelOps.Registry.Promotion;
using static ModelOps.Reports.Markup;

namespace ModelOps.Reports;

/// <summary>
/// The confirmation form on the approval page: GET shows it, POST to <see cref="Action"/> with a comment decides.
/// The token travels in a hidden field so the decision is posted, never taken from a prefetched GET.
/// </summary>
public sealed record ApprovalForm(Uri Action, ApprovalDecision Decision, string Token, string Approver, DateTimeOffset ExpiresAt);

/// <summary>
/// The model report as one self-contained HTML page: inline CSS, inline SVG charts, no scripts, fonts or anything
/// fetched, every text encoded — it works offline, in mail-scanner sandboxes and in headless browsers. The approval
/// page adds the confirmation form; <c>modelops report</c> renders the same page without it.
/// </summary>
public static class ModelReportPage
{
    /// <summary>The field the comment is posted in (mandatory: the page marks it required, the server must check it too).</summary>
    public const string CommentField = "comment";

    /// <summary>The field the token is posted in.</summary>
    public const string TokenField = "token";

    /// <summary>The field the decision is posted in (<c>approve</c> or <c>reject</c>).</summary>
    public const string DecisionField = "decision";

    /// <summary>Renders <paramref name="report"/>, with the confirmation <paramref name="form"/> when given.</summary>
    public static string Render(ModelReport report, ApprovalForm? form = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder();
        string title = $"{report.Model} — version {report.Challenger.Version?.ToString(CultureInfo.InvariantCulture) ?? "?"}";
        html.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>Model report: {E(title)}</title><style>{Style}</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>Model report: {E(title)}</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">{Summary(report)} Generated {report.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC.</p>");
        if (form is not null) Form(html, report, form);
        Metrics(html, report);
        Charts(html, report);
        Drift(html, report.Drift);
        Features(html, report);
        Fairness(html, report.Fairness);
        Gates(html, report.Gates);
        html.Append("</body></html>");
        return html.ToString();
    }

    private static string Summary(ModelReport report)
    {
        string champion = report.Champion is { Version: { } v } ? $"Champion: version {v}." : "No champion to compare with.";
        string request = report.Request is { } r
            ? $" Requested by {E(r.Requester)} to become &#39;{E(r.TargetAlias)}&#39; ({E(r.Reason.ToString().ToLowerInvariant())}{(r.Note.Length > 0 ? ": " + E(r.Note) : string.Empty)})."
            : string.Empty;
        return E(champion) + request;
    }

    private static void Form(StringBuilder html, ModelReport report, ApprovalForm form)
    {
        string verb = form.Decision == ApprovalDecision.Approve ? "approve" : "reject";
        html.Append(CultureInfo.InvariantCulture, $"<h2>Confirm: {E(verb)}</h2><form method=\"post\" action=\"{E(form.Action.AbsoluteUri)}\">");
        html.Append(CultureInfo.InvariantCulture, $"<p>You, {E(form.Approver)}, are about to <b>{E(verb)}</b> version {report.Challenger.Version} of {E(report.Model)}. Nothing is decided until you submit. The link expires {form.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC and works once.</p>");
        html.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{TokenField}\" value=\"{E(form.Token)}\"><input type=\"hidden\" name=\"{DecisionField}\" value=\"{E(verb)}\">");
        html.Append(CultureInfo.InvariantCulture, $"<p><label for=\"comment\">Comment (required)</label><br><textarea id=\"comment\" name=\"{CommentField}\" required minlength=\"3\" maxlength=\"500\"></textarea></p>");
        html.Append(CultureInfo.InvariantCulture, $"<button type=\"submit\" class=\"{E(verb)}\">{(form.Decision == ApprovalDecision.Approve ? "Approve" : "Reject")}</button></form>");
    }

    private static void Metrics(StringBuilder html, ModelReport report)
    {
        html.Append("<h2>Metrics: challenger against champion</h2>");
        string[] names = report.Challenger.Metrics.Keys.Union(report.Champion?.Metrics.Keys ?? [], StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (names.Length == 0)
        {
            html.Append("<p class=\"muted\">No metrics recorded.</p>");
            return;
        }

        html.Append(CultureInfo.InvariantCulture, $"<table id=\"metrics\"><tr><th>Metric</th><th>Challenger{V(report.Challenger.Version)}</th>{(report.Champion is null ? string.Empty : $"<th>Champion{V(report.Champion.Version)}</th><th>Difference</th>")}</tr>");
        foreach (string name in names)
        {
            double? a = report.Challenger.Metrics.TryGetValue(name, out double x) ? x : null;
            double? b = report.Champion?.Metrics.TryGetValue(name, out double y) == true ? y : null;
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(name)}</td><td>{N(a)}</td>");
            if (report.Champion is not null) html.Append(CultureInfo.InvariantCulture, $"<td>{N(b)}</td><td>{N(a - b)}</td>");
            html.Append("</tr>");
        }

        html.Append("</table>");
        if (report.Comparison is { } c)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>DeLong test on the AUROC difference: z = {N(c.Z)}, p = {E(c.PValue.ToString("G3", CultureInfo.InvariantCulture))} ({c.Positives} positive, {c.Negatives} negative rows).</p>");
        }
    }

    private static void Charts(StringBuilder html, ModelReport report)
    {
        var curves = new List<(string, string, BinaryClassificationReport)>();
        if (report.Challenger.Evaluation is { } challenger) curves.Add(($"Challenger{V(report.Challenger.Version)}", SvgCharts.ChallengerColour, challenger));
        if (report.Champion?.Evaluation is { } champion) curves.Add(($"Champion{V(report.Champion.Version)}", SvgCharts.ChampionColour, champion));
        html.Append("<h2>ROC, lift and calibration</h2>");
        if (curves.Count == 0)
        {
            html.Append("<p class=\"muted\">No evaluation curves are stored for these versions (the registry keeps metrics only; pass the training reports to draw them).</p>");
            return;
        }

        html.Append("<div class=\"charts\">").Append(SvgCharts.Roc(curves)).Append(SvgCharts.Lift(curves)).Append(SvgCharts.Calibration(curves)).Append("</div>");
    }

    private static void Drift(StringBuilder html, DriftReport? drift)
    {
        html.Append("<h2>Drift summary</h2>");
        if (drift is null)
        {
            html.Append("<p class=\"muted\">No drift report for this period.</p>");
            return;
        }

        html.Append(CultureInfo.InvariantCulture, $"<p>{(drift.DatasetDrift ? "<span class=\"fail\">Dataset drift</span>" : "<span class=\"pass\">No dataset drift</span>")}: {N(drift.DriftedShare)} of columns drifted ({E(drift.Rule)}).</p>");
        html.Append("<table id=\"drift\"><tr><th>Column</th><th>Method</th><th>Score</th><th>Threshold</th><th>PSI</th><th>Drifted</th></tr>");
        foreach (ColumnDrift c in drift.Columns.OrderByDescending(c => c.Drifted).ThenByDescending(c => c.Score))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(c.Name)}</td><td>{E(c.Method)}</td><td>{N(c.Score)}</td><td>{N(c.Threshold)}</td><td>{N(c.Psi)}</td><td class=\"{(c.Drifted ? "fail" : "pass")}\">{(c.Drifted ? "yes" : "no")}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void Features(StringBuilder html, ModelReport report)
    {
        html.Append("<h2>Top features</h2>");
        if (report.TopFeatures.Count == 0)
        {
            html.Append("<p class=\"muted\">No feature importance recorded.</p>");
            return;
        }

        html.Append(SvgCharts.Features(report.TopFeatures, report.ImportanceMethod.Length > 0 ? report.ImportanceMethod : "not recorded"));
    }

    private static void Fairness(StringBuilder html, FairnessReport? fairness)
    {
        html.Append("<h2>Fairness</h2>");
        if (fairness is null)
        {
            html.Append("<p class=\"muted\">No fairness report (no sensitive column configured).</p>");
            return;
        }

        html.Append(CultureInfo.InvariantCulture, $"<p>Sensitive column <b>{E(fairness.SensitiveColumn)}</b> at threshold {N(fairness.Threshold)}: disparate impact {N(fairness.DisparateImpact)}, demographic-parity difference {N(fairness.DemographicParityDifference)}, equal-opportunity difference {N(fairness.EqualOpportunityDifference)}.</p>");
        html.Append("<table id=\"fairness\"><tr><th>Group</th><th>Rows</th><th>Selection rate</th><th>True-positive rate</th><th>AUROC</th></tr>");
        foreach (GroupFairness g in fairness.Groups)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(g.Group)}</td><td>{g.Rows}</td><td>{N(g.SelectionRate)}</td><td>{N(g.TruePositiveRate)}</td><td>{N(g.Auroc)}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void Gates(StringBuilder html, IReadOnlyList<GateResult> gates)
    {
        html.Append("<h2>Gate results</h2>");
        if (gates.Count == 0)
        {
            html.Append("<p class=\"muted\">No gates have run for this version.</p>");
            return;
        }

        html.Append("<table id=\"gates\"><tr><th>Gate</th><th>Result</th><th style=\"text-align:left\">Reasons</th></tr>");
        foreach (GateResult g in gates)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(g.Gate)}</td><td class=\"{(g.Passed ? "pass" : "fail")}\">{(g.Passed ? "passed" : "failed")}</td><td style=\"text-align:left\">{E(string.Join(" ", g.Reasons))}</td></tr>");
        }

        html.Append("</table>");
    }

    private static string V(int? version) => version is { } v ? " v" + v.ToString(CultureInfo.InvariantCulture) : string.Empty;
}
