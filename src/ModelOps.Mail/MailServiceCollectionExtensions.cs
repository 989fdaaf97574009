using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelOps.Registry.Promotion;

namespace ModelOps.Mail;

/// <summary>Registers the SMTP approval mailer with its settings bound from <c>Smtp</c> and validated at start.</summary>
public static class MailServiceCollectionExtensions
{
    /// <summary>Adds <see cref="IApprovalMailer"/> over SMTP and the links' base URL; the host refuses to start when <c>Smtp:*</c> or <c>Approvals:BaseUrl</c> is invalid.</summary>
    public static IServiceCollection AddSmtpApprovalMailer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SmtpOptions>()
            .Bind(configuration.GetSection(SmtpOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SmtpOptions>>(new ProblemsValidation<SmtpOptions>(o => o.Problems()));
        services.AddOptions<ApprovalLinkOptions>().Bind(configuration.GetSection(ApprovalLinkOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApprovalLinkOptions>>(new ProblemsValidation<ApprovalLinkOptions>(o => o.Problems()));
        services.AddSingleton<IApprovalMailer, SmtpApprovalMailer>();
        return services;
    }

    /// <summary>Options validation through the options' own <c>Problems()</c>, so every problem is listed by setting name.</summary>
    private sealed class ProblemsValidation<T>(Func<T, IReadOnlyList<string>> problems) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            problems(options) is { Count: > 0 } found ? ValidateOptionsResult.Fail(found) : ValidateOptionsResult.Success;
    }
}
