using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ModelOps.Mail;

/// <summary>
/// One message over SMTP with the configured transport security and, when a user name is set, authentication:
/// the one place approval e-mails and monitoring alerts are sent from. Failures surface as MailKit's exceptions.
/// </summary>
public static class SmtpDelivery
{
    /// <summary>Connects, authenticates if configured, sends <paramref name="message"/> and disconnects.</summary>
    public static async Task SendAsync(SmtpOptions options, MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(message);
        using var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        SecureSocketOptions security = options.TlsMode switch
        {
            SmtpTlsMode.None => SecureSocketOptions.None,
            SmtpTlsMode.SslOnConnect => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(options.Host, options.Port, security, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(options.UserName))
        {
            await client.AuthenticateAsync(options.UserName, options.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
        }

        await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
    }
}
