using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelOps.Registry.Promotion;

namespace ModelOps.Mail;

/// <summary>Registers the SMTP approval mailer with its settings bound from <c>Smtp</c> and validated at start.</summary>
public static class MailServiceCollectionExtensions
{
    /// <summary>Adds <see cref="IApprovalMailer"/> over SMTP; the host refuses to start when <c>Smtp:*</c> is invalid.</summary>
    public static IServiceCollection AddSmtpApprovalMailer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SmtpOptions>()
            .Bind(configuration.GetSection(SmtpOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidation>();
        services.AddSingleton<IApprovalMailer, SmtpApprovalMailer>();
        return services;
    }

    private sealed class SmtpOptionsValidation : IValidateOptions<SmtpOptions>
    {
        public ValidateOptionsResult Validate(string? name, SmtpOptions options) =>
            options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
