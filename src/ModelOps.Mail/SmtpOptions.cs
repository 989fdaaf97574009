namespace ModelOps.Mail;

/// <summary>How the SMTP connection is secured.</summary>
public enum SmtpTlsMode
{
    /// <summary>Plain SMTP (only for a local catcher such as maildev).</summary>
    None,

    /// <summary>Upgrade with STARTTLS, and fail when the server does not offer it (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,
}

/// <summary>
/// The SMTP server approval e-mails go through (section <c>Smtp</c>: <c>Smtp__Host</c>, <c>Smtp__Port</c>,
/// <c>Smtp__From</c>, <c>Smtp__TlsMode</c>, and for servers that need it <c>Smtp__UserName</c>, <c>Smtp__Password</c>;
/// in Azure, e.g. Azure Communication Services' <c>smtp.azurecomm.net</c>, port 587, StartTls). Validated at start.
/// </summary>
public sealed class SmtpOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Smtp";

    public string Host { get; set; } = string.Empty;

    public int Port { get; set; } = 587;

    /// <summary>The sender address, e.g. <c>ModelOps &lt;modelops@example.org&gt;</c>.</summary>
    public string From { get; set; } = string.Empty;

    public SmtpTlsMode TlsMode { get; set; } = SmtpTlsMode.StartTls;

    /// <summary>The account to sign in with; none: no authentication.</summary>
    public string? UserName { get; set; }

    /// <summary>The account's password: a secret, never logged (keep it in Key Vault in Azure).</summary>
    public string? Password { get; set; }

    /// <summary>How long one send may take (default 30 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The problems with these settings, each naming its setting; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Host)) problems.Add("Smtp:Host is required.");
        if (Port is < 1 or > 65535) problems.Add("Smtp:Port must be between 1 and 65535.");
        if (!MimeKit.MailboxAddress.TryParse(From, out _)) problems.Add("Smtp:From must be an e-mail address.");
        if (!Enum.IsDefined(TlsMode)) problems.Add("Smtp:TlsMode must be None, StartTls or SslOnConnect.");
        if (string.IsNullOrEmpty(UserName) != string.IsNullOrEmpty(Password)) problems.Add("Smtp:UserName and Smtp:Password are given together or not at all.");
        if (Timeout <= TimeSpan.Zero) problems.Add("Smtp:Timeout must be positive.");
        return problems;
    }
}
