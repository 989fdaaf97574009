using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;
using ModelOps.Mail;
using ModelOps.Monitoring;
using ModelOps.Monitoring.Alerts;
using ModelOps.Storage.Monitoring;

namespace ModelOps.Pipelines.Monitoring;

/// <summary>
/// Alerts go to the alerts queue always, and by e-mail to their recipients when an SMTP server is set
/// (<c>Smtp__Host</c>, the same settings as approval e-mails). A mail that fails is logged, never lost: the queue has it.
/// </summary>
public sealed partial class AlertDelivery(QueueAlertSink queue, SmtpOptions? smtp, ILogger<AlertDelivery> logger) : IAlertSink
{
    /// <inheritdoc />
    public async Task SendAsync(MonitoringAlert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        await queue.SendAsync(alert, cancellationToken);
        if (smtp is null || alert.Recipients.Count == 0) return;
        try
        {
            await MailAsync(smtp, alert, cancellationToken);
            Log.Mailed(logger, alert.Id, alert.Model, alert.Recipients.Count);
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException or System.Net.Sockets.SocketException or AuthenticationException or ServiceNotConnectedException)
        {
            Log.MailFailed(logger, alert.Id, smtp.Host, smtp.Port, e.GetType().Name);
        }
    }

    private static async Task MailAsync(SmtpOptions smtp, MonitoringAlert alert, CancellationToken cancellationToken)
    {
        using var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        foreach (string to in alert.Recipients)
        {
            if (MailboxAddress.TryParse(to, out MailboxAddress? address)) message.To.Add(address);
        }

        message.Subject = "[ModelOps] " + alert.Subject;
        message.Body = new TextPart("plain")
        {
            Text = $"{alert.Subject}\n\nModel {alert.Model}, version {alert.Version}, {alert.Kind} at {alert.At:u}.\n\n"
                + string.Join("\n", alert.Reasons.Select(r => "- " + r))
                + "\n\nDrift and accuracy history: modelops monitor " + alert.Model + "\n",
        };
        await SmtpDelivery.SendAsync(smtp, message, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5121, Level = LogLevel.Information, Message = "Mailed alert {AlertId} of {Model} to {Recipients} recipients")]
        public static partial void Mailed(ILogger logger, string alertId, string model, int recipients);

        [LoggerMessage(EventId = 5122, Level = LogLevel.Warning, Message = "Could not mail alert {AlertId} through {Host}:{Port} ({Error}); it is on the alerts queue")]
        public static partial void MailFailed(ILogger logger, string alertId, string host, int port, string error);
    }
}
