using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ModelOps.Registry.Promotion;

namespace ModelOps.Mail.Tests;

public sealed class MailSettingsTests
{
    [Fact]
    public void Start_up_validation_refuses_missing_smtp_and_link_settings_naming_each()
    {
        using ServiceProvider services = Services(new Dictionary<string, string?> { ["Smtp:Port"] = "587" });

        Exception? refused = Record.Exception(() => services.GetRequiredService<IStartupValidator>().Validate());

        refused.Should().NotBeNull();
        refused!.ToString().Should()
            .Contain("Smtp:Host is required.").And.Contain("Smtp:From must be an e-mail address.").And.Contain("Approvals:BaseUrl must be an absolute http(s) URL");
    }

    [Fact]
    public void The_settings_bind_from_the_smtp_and_approvals_sections()
    {
        using ServiceProvider services = Services(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "smtp.azurecomm.net",
            ["Smtp:Port"] = "587",
            ["Smtp:From"] = "modelops@example.org",
            ["Smtp:TlsMode"] = "StartTls",
            ["Smtp:UserName"] = "app",
            ["Smtp:Password"] = "secret",
            ["Approvals:BaseUrl"] = "https://pipelines.example.org/api/",
        });

        services.GetRequiredService<IStartupValidator>().Validate();

        SmtpOptions smtp = services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        smtp.Host.Should().Be("smtp.azurecomm.net");
        smtp.TlsMode.Should().Be(SmtpTlsMode.StartTls);
        services.GetRequiredService<IOptions<ApprovalLinkOptions>>().Value.BaseUri.Should().Be(new Uri("https://pipelines.example.org/api/"));
        services.GetRequiredService<IApprovalMailer>().Should().BeOfType<SmtpApprovalMailer>();
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        return services.AddSmtpApprovalMailer(configuration).BuildServiceProvider();
    }
}
