using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelOps.Hosting;
using ModelOps.Mail;
using ModelOps.Registry;
using ModelOps.Registry.Promotion;
using ModelOps.Storage;
using ModelOps.Storage.Promotion;

namespace ModelOps.Pipelines.Promotion;

/// <summary>Storage names of the promotion flow (section <c>Promotion</c>).</summary>
public sealed class PromotionStorageOptions
{
    public string TokenTable { get; set; } = TableApprovalTokenStore.DefaultTableName;

    public string RecordContainer { get; set; } = BlobPromotionRecords.DefaultContainerName;

    public string LabelledRowsContainer { get; set; } = BlobLabelledRows.DefaultContainerName;
}

/// <summary>
/// Whether promotion can run here: it needs mail (<c>Smtp:Host</c>, <c>Smtp:From</c>) and the approval links' base
/// (<c>Approvals:BaseUrl</c>). Without <c>Smtp:Host</c> the app still starts (the registry works) and requests are
/// refused with the missing settings; with it, every mail and link setting is validated at start.
/// </summary>
public sealed class PromotionReadiness(IReadOnlyList<string> problems)
{
    public IReadOnlyList<string> Problems { get; } = problems;

    public void ThrowIfNotReady()
    {
        if (Problems.Count > 0) throw new PromotionNotConfiguredException(Problems);
    }
}

/// <summary>Registers the promotion flow: gates, tokens, records, mail, the approval page and the starter.</summary>
public static class PromotionServices
{
    /// <summary>
    /// Adds the promotion flow. Settings: <c>Promotion__*</c> (gates: <see cref="PromotionGateOptions"/>; flow:
    /// <c>ApprovalDeadline</c>, <c>EscalateTo</c>; storage: <c>TokenTable</c>, <c>RecordContainer</c>, <c>LabelledRowsContainer</c>),
    /// <c>Smtp__*</c>, <c>Approvals__BaseUrl</c>; needs <c>AddModelRegistry</c>.
    /// </summary>
    public static IServiceCollection AddPromotion(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(PromotionGateOptions.Section);
        Validated<PromotionGateOptions>(services, section, o => o.Problems());
        Validated<PromotionFlowOptions>(services, section, o => o.Problems());
        Validated<ApprovalTokenOptions>(services, section, o => o.Problems());
        services.AddOptions<PromotionStorageOptions>().Bind(section);

        bool mailConfigured = !string.IsNullOrWhiteSpace(configuration["Smtp:Host"]);
        if (mailConfigured)
        {
            services.AddSmtpApprovalMailer(configuration);
            services.AddSingleton(new PromotionReadiness([]));
        }
        else
        {
            services.AddSingleton<IApprovalMailer, UnconfiguredMailer>();
            services.AddOptions<ApprovalLinkOptions>().Bind(configuration.GetSection(ApprovalLinkOptions.Section));
            services.AddSingleton(new PromotionReadiness(["Smtp:Host is not set (also Smtp:From, Smtp:Port, Smtp:TlsMode).", .. new ApprovalLinkOptions { BaseUrl = configuration["Approvals:BaseUrl"] ?? string.Empty }.Problems()]));
        }

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<PromotionGateOptions>>().Value);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<PromotionFlowOptions>>().Value);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ApprovalTokenOptions>>().Value);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ApprovalLinkOptions>>().Value);
        services.AddSingleton<IApprovalTokenStore>(sp => new TableApprovalTokenStore(
            sp.GetRequiredService<StorageConnection>().CreateTableServiceClient().GetTableClient(Storage(sp).TokenTable)));
        services.AddSingleton<IPromotionRecords>(sp => new BlobPromotionRecords(
            sp.GetRequiredService<StorageConnection>().CreateBlobServiceClient().GetBlobContainerClient(Storage(sp).RecordContainer)));
        services.AddSingleton<ILabelledRows>(sp => new BlobLabelledRows(
            sp.GetRequiredService<StorageConnection>().CreateBlobServiceClient().GetBlobContainerClient(Storage(sp).LabelledRowsContainer)));
        services.AddSingleton(sp => new ApprovalTokens(
            sp.GetRequiredService<IApprovalTokenStore>(), System.Security.Cryptography.RandomNumberGenerator.Create(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ApprovalTokenOptions>()));
        services.AddSingleton<PromotionGates>();
        services.AddSingleton<PromotionEvidence>();
        services.AddSingleton<PromotionSteps>();
        services.AddSingleton<PromotionRollback>();
        services.AddSingleton<ApprovalDesk>();
        services.AddSingleton<ApprovalPage>();
        services.AddSingleton<PromotionStarter>();
        services.AddSingleton<IProblemMapping, PromotionProblemMapping>();
        services.AddJsonContext(PromotionApiJsonContext.Default);
        return services;
    }

    private static PromotionStorageOptions Storage(IServiceProvider services) => services.GetRequiredService<IOptions<PromotionStorageOptions>>().Value;

    private static void Validated<T>(IServiceCollection services, IConfigurationSection section, Func<T, IReadOnlyList<string>> problems)
        where T : class
    {
        services.AddOptions<T>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new ProblemsValidation<T>(problems));
    }

    private sealed class ProblemsValidation<T>(Func<T, IReadOnlyList<string>> problems) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            problems(options) is { Count: > 0 } found ? ValidateOptionsResult.Fail(found) : ValidateOptionsResult.Success;
    }

    /// <summary>Stands in while mail is not configured: requests are refused before any step would mail.</summary>
    private sealed class UnconfiguredMailer : IApprovalMailer
    {
        public Task SendAsync(ApprovalMail mail, CancellationToken cancellationToken) => throw new PromotionNotConfiguredException(["Smtp:Host is not set."]);

        public Task SendNoticeAsync(PromotionNotice notice, CancellationToken cancellationToken) => throw new PromotionNotConfiguredException(["Smtp:Host is not set."]);
    }
}
