using System.Text.Json;
using System.Text.RegularExpressions;
using ModelOps.Testing;

namespace ModelOps.Functions.Tests;

/// <summary>The settings the apps run with locally and in Azure stay in step.</summary>
public sealed partial class DeploymentSettingsTests
{
    // Set by the platform in Azure and meaningless locally.
    private static readonly string[] PlatformOnly =
    [
        "FUNCTIONS_EXTENSION_VERSION",
        "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        "FUNCTIONS_REQUEST_BODY_SIZE_LIMIT", // read by the Functions host, not by the apps
    ];

    private static string Bicep(params string[] path) => File.ReadAllText(Path.Combine([RepositoryLayout.Root, "infra", "bicep", .. path]));

    [GeneratedRegex(@"\{\s*name:\s*'([^']+)'\s*,\s*value:", RegexOptions.CultureInvariant)]
    private static partial Regex AppSetting();

    private static HashSet<string> BicepSettings() =>
        AppSetting().Matches(Bicep("modules", "functionapp.bicep"))
            .Select(m => m.Groups[1].Value)
            .ToHashSet(StringComparer.Ordinal);

    private static HashSet<string> LocalSettings()
    {
        using JsonDocument sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryLayout.Root, "local.settings.sample.json")));
        return sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public void Every_local_setting_is_set_in_the_bicep_app_settings()
    {
        HashSet<string> bicep = BicepSettings();

        IEnumerable<string> missing = LocalSettings().Where(name => name == "AzureWebJobsStorage"
            ? !bicep.Any(b => b.StartsWith("AzureWebJobsStorage__", StringComparison.Ordinal))
            : !bicep.Contains(name));

        bicep.Should().NotBeEmpty();
        missing.Should().BeEmpty("every app setting used locally must be configured in Azure too");
    }

    [Fact]
    public void Every_bicep_app_setting_is_documented_in_the_local_sample()
    {
        HashSet<string> local = LocalSettings();

        IEnumerable<string> missing = BicepSettings().Where(name =>
            !PlatformOnly.Contains(name)
            && !(name.StartsWith("AzureWebJobsStorage__", StringComparison.Ordinal) && local.Contains("AzureWebJobsStorage"))
            && !local.Contains(name));

        missing.Should().BeEmpty("local.settings.sample.json lists every setting the apps read");
    }

    [Fact]
    public void Both_plans_run_the_apps_as_dotnet_isolated_workers_on_dotnet_10_with_flex_consumption_by_default()
    {
        string app = Bicep("modules", "functionapp.bicep");
        using JsonDocument sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryLayout.Root, "local.settings.sample.json")));

        app.Should().Contain("runtime: { name: 'dotnet-isolated', version: dotnetVersion }");
        app.Should().Contain("linuxFxVersion: 'DOTNET-ISOLATED|${dotnetVersion}'");
        app.Should().Contain("param dotnetVersion string = '10.0'");
        app.Should().Contain("{ name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }");
        app.Should().NotContain("'custom'");
        Bicep("main.bicep").Should().Contain("param hostingPlan string = 'FlexConsumption'");
        sample.RootElement.GetProperty("Values").GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString().Should().Be("dotnet-isolated");
    }

    [Fact]
    public void Storage_in_azure_is_identity_based_with_all_three_service_uris()
    {
        HashSet<string> bicep = BicepSettings();

        bicep.Should().Contain(
        [
            "AzureWebJobsStorage__credential",
            "AzureWebJobsStorage__clientId",
            "AzureWebJobsStorage__blobServiceUri",
            "AzureWebJobsStorage__queueServiceUri",
            "AzureWebJobsStorage__tableServiceUri",
        ]);
        bicep.Should().NotContain("AzureWebJobsStorage");
    }
}
