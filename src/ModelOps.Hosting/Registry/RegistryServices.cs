using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ModelOps.Registry;
using ModelOps.Storage;
using ModelOps.Storage.Registry;

namespace ModelOps.Hosting.Registry;

/// <summary>Registers the model registry on Azure Storage (connection <c>AzureWebJobsStorage</c>, see <see cref="StorageConnection"/>) with validated settings.</summary>
public static class RegistryServices
{
    /// <summary>The storage connection the registry uses.</summary>
    public const string ConnectionSetting = StorageConnection.DefaultName;

    /// <summary>
    /// Adds <see cref="ModelRegistry"/> and its adapters. Settings: <c>Registry__AuditKey</c> (base64, ≥ 32 bytes,
    /// required), <c>Registry__MaxArtifactBytes</c>, <c>Registry__TableName</c>, <c>Registry__ArtifactContainer</c>;
    /// they are validated when the app starts.
    /// </summary>
    public static IServiceCollection AddModelRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RegistryOptions>().Bind(configuration.GetSection(RegistryOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RegistryOptions>, RegistryOptionsValidation>();
        services.AddOptions<RegistryStorageOptions>().Bind(configuration.GetSection(RegistryOptions.Section))
            .Validate(o => IsTableName(o.TableName), "Registry:TableName must be 3-63 letters and digits, starting with a letter.")
            .Validate(o => IsContainerName(o.ArtifactContainer), "Registry:ArtifactContainer must be 3-63 lowercase letters, digits and single hyphens.")
            .ValidateOnStart();
        services.AddSingleton<IProblemMapping, RegistryProblemMapping>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<RegistryOptions>>().Value);
        services.TryAddSingleton(_ => StorageConnection.FromConfiguration(configuration, ConnectionSetting));
        services.AddSingleton<IRegistryStore>(sp => ModelRegistryFactory.CreateStore(
            sp.GetRequiredService<StorageConnection>(), sp.GetRequiredService<IOptions<RegistryStorageOptions>>().Value));
        services.AddSingleton<IArtifactStore>(sp => ModelRegistryFactory.CreateArtifactStore(
            sp.GetRequiredService<StorageConnection>(), sp.GetRequiredService<IOptions<RegistryStorageOptions>>().Value));
        services.AddSingleton<IRoutingStore>(sp => ModelRegistryFactory.CreateRoutingStore(
            sp.GetRequiredService<StorageConnection>(), sp.GetRequiredService<IOptions<RegistryStorageOptions>>().Value));
        services.AddSingleton<IModelArtifactValidator>(sp => new OnnxArtifactValidator(sp.GetRequiredService<RegistryOptions>()));
        services.AddSingleton(sp => new AuditChain(sp.GetRequiredService<RegistryOptions>().AuditKeyBytes()));
        services.AddSingleton<ModelRegistry>();
        return services;
    }

    private static bool IsTableName(string name) =>
        name.Length is >= 3 and <= 63 && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);

    private static bool IsContainerName(string name) =>
        name.Length is >= 3 and <= 63 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && name[0] != '-' && name[^1] != '-' && !name.Contains("--", StringComparison.Ordinal);

    private sealed class RegistryOptionsValidation : IValidateOptions<RegistryOptions>
    {
        public ValidateOptionsResult Validate(string? name, RegistryOptions options)
        {
            IReadOnlyList<string> problems = options.Problems();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
