using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using ModelOps.Registry.Promotion;
using ModelOps.Reports;

namespace ModelOps.Pipelines.Promotion;

/// <summary>An HTML answer of the approval page: its status code and the page.</summary>
public sealed record PageAnswer(int StatusCode, string Html);

/// <summary>
/// The approval page (<c>/api/approvals/{requestId}</c>, anonymous, token-protected). GET shows the confirmation form
/// above the model report and never decides; POST (form fields <c>token</c>, <c>decision</c>, <c>comment</c>) decides
/// through <see cref="ApprovalDesk"/>. Refusals are a page with a 4xx, and change nothing.
/// </summary>
public sealed class ApprovalPage(ApprovalDesk desk, ApprovalLinkOptions links, TimeProvider clock)
{
    /// <summary>The confirmation page for the link's token and decision.</summary>
    public async Task<PageAnswer> OpenAsync(string requestId, IQueryCollection query, string? presentedApprover, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (ParseDecision(query[ModelReportPage.DecisionField].ToString()) is not { } decision)
        {
            return new PageAnswer(StatusCodes.Status400BadRequest, DecisionPage.Invalid(["the link's 'decision' must be approve or reject."]));
        }

        string token = query[ModelReportPage.TokenField].ToString();
        ApprovalAnswer answer = await desk.OpenAsync(requestId, token, presentedApprover, cancellationToken);
        if (answer.Check.Refusal is { } refusal)
        {
            return new PageAnswer(RefusalPage.StatusCode(refusal), RefusalPage.Render(refusal, answer.Check.EarlierDecision));
        }

        ApprovalTokenRecord stored = answer.Check.Token!.Token;
        var form = new ApprovalForm(ActionFor(requestId), decision, token, stored.Approver, stored.ExpiresAt);
        return new PageAnswer(StatusCodes.Status200OK, ModelReportPage.Render(ModelReport.FromPromotion(answer.Record!, clock.GetUtcNow()), form));
    }

    /// <summary>Decides with the posted form; <paramref name="signal"/> wakes the orchestration once the decision is on record.</summary>
    public async Task<PageAnswer> DecideAsync(string requestId, IFormCollection form, string? presentedApprover, IDecisionSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (ParseDecision(form[ModelReportPage.DecisionField].ToString()) is not { } decision)
        {
            return new PageAnswer(StatusCodes.Status400BadRequest, DecisionPage.Invalid(["'decision' must be approve or reject."]));
        }

        ApprovalAnswer answer;
        try
        {
            answer = await desk.DecideAsync(requestId, form[ModelReportPage.TokenField].ToString(), presentedApprover, decision, form[ModelReportPage.CommentField].ToString(), signal, cancellationToken);
        }
        catch (InvalidPromotionRequestException e)
        {
            return new PageAnswer(StatusCodes.Status400BadRequest, DecisionPage.Invalid(e.Problems));
        }

        return answer.Check.Refusal is { } refusal
            ? new PageAnswer(RefusalPage.StatusCode(refusal), RefusalPage.Render(refusal, answer.Check.EarlierDecision))
            : new PageAnswer(StatusCodes.Status200OK, DecisionPage.Recorded(answer.Check.Decision!, answer.Record!.Request));
    }

    private Uri ActionFor(string requestId) => new($"{links.BaseUri.AbsoluteUri.TrimEnd('/')}/approvals/{Uri.EscapeDataString(requestId)}");

    private static ApprovalDecision? ParseDecision(string value) => value switch
    {
        "approve" => ApprovalDecision.Approve,
        "reject" => ApprovalDecision.Reject,
        _ => null,
    };
}

/// <summary>Raises the decision event on the request's orchestration instance.</summary>
public sealed class DurableDecisionSignal(DurableTaskClient client) : IDecisionSignal
{
    public Task RaiseAsync(RecordedDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return client.RaiseEventAsync(decision.RequestId, PromotionOrchestration.DecisionEvent, decision.Decision.ToString(), cancellationToken);
    }
}
