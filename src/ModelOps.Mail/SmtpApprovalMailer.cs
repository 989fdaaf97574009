using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using ModelOps.Registry.Promotion;

namespace ModelOps.Mail;

/// <summary>
/// Sends approval e-mails over SMTP with MailKit: one connection per message (sending is a retried activity, so
/// nothing is held between calls). Failures throw so the caller retries; the links are never logged.
/// </summary>
public sealed partial class SmtpApprovalMailer : IApprovalMailer
{
    private readonly SmtpOptions _options;
    private readonly MailboxAddress _from;
    private readonly ILogger<SmtpApprovalMailer> _logger;

    /// <summary>A mailer with <paramref name="options"/>; throws naming every invalid setting.</summary>
    public SmtpApprovalMailer(IOptions<SmtpOptions> options, ILogger<SmtpApprovalMailer> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        IReadOnlyList<string> problems = _options.Problems();
        if (problems.Count > 0) throw new OptionsValidationException(SmtpOptions.Section, typeof(SmtpOptions), problems);
        _from = MailboxAddress.Parse(_options.From);
        _logger = logger;
    }

    public async Task SendAsync(ApprovalMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        using MimeMessage message = ApprovalMessage.Create(mail, _from);
        await DeliverAsync(message, mail.Request, cancellationToken);
    }

    public async Task SendNoticeAsync(PromotionNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        using MimeMessage message = PromotionNoticeMessage.Create(notice, _from);
        await DeliverAsync(message, notice.Request, cancellationToken);
    }

    private async Task DeliverAsync(MimeMessage message, PromotionRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await SmtpDelivery.SendAsync(_options, message, cancellationToken);
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException or System.Net.Sockets.SocketException or AuthenticationException)
        {
            Log.SendFailed(_logger, request.Id, _options.Host, _options.Port, e.GetType().Name);
            throw;
        }

        Log.Sent(_logger, request.Id, request.Model, request.CandidateVersion);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Sent an e-mail about promotion request {RequestId} ({Model} version {Version}).")]
        public static partial void Sent(ILogger logger, string requestId, string model, int version);

        [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Sending an e-mail about promotion request {RequestId} through {Host}:{Port} failed ({Error}); it will be retried.")]
        public static partial void SendFailed(ILogger logger, string requestId, string host, int port, string error);
    }
}
