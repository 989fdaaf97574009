using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using ModelOps.Testing;

namespace ModelOps.Storage.Tests;

/// <summary>One way to connect: a connection string, the identity-based settings Functions reads, or local Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class StorageConnectionTests(AzuriteFixture azurite)
{
    // What the Bicep module's expressions stand for in a deployment (the test needs no Azure).
    private static readonly Dictionary<string, string> DeployedValues = new(StringComparer.Ordinal)
    {
        ["settings.blobServiceUri"] = "https://modelopsdata.blob.core.windows.net/",
        ["settings.queueServiceUri"] = "https://modelopsdata.queue.core.windows.net/",
        ["settings.tableServiceUri"] = "https://modelopsdata.table.core.windows.net/",
        ["settings.identityClientId"] = "6f1c2d3e-0000-4000-8000-000000000001",
    };

    [GeneratedRegex(@"\{\s*name:\s*'(AzureWebJobsStorage[^']*)'\s*,\s*value:\s*([^}]+?)\s*\}", RegexOptions.CultureInvariant)]
    private static partial Regex StorageSetting();

    /// <summary>The AzureWebJobsStorage settings exactly as infra/bicep/modules/functionapp.bicep writes them.</summary>
    private static Dictionary<string, string?> BicepStorageSettings()
    {
        string bicep = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "infra", "bicep", "modules", "functionapp.bicep"));
        return StorageSetting().Matches(bicep).ToDictionary(
            m => m.Groups[1].Value,
            string? (m) => m.Groups[2].Value is ['\'', .. var literal, '\''] ? literal
                : DeployedValues.TryGetValue(m.Groups[2].Value, out string? value) ? value
                : throw new InvalidOperationException($"The test does not know what {m.Groups[2].Value} stands for."),
            StringComparer.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_bicep_app_settings_give_managed_identity_clients_on_the_deployed_endpoints(bool asEnvironmentVariables)
    {
        Dictionary<string, string?> settings = BicepStorageSettings();
        // Environment variables reach IConfiguration with "__" turned into ":"; an in-memory copy may keep "__".
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(asEnvironmentVariables ? settings.ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => p.Value) : settings)
            .Build();

        StorageConnection connection = StorageConnection.FromConfiguration(configuration);

        settings.Should().ContainKey("AzureWebJobsStorage__credential").And.NotContainKey("AzureWebJobsStorage");
        connection.IsConfigured.Should().BeTrue();
        connection.ConnectionString.Should().BeNull();
        connection.Credential.Should().BeOfType<ManagedIdentityCredential>();
        connection.CreateBlobServiceClient().Uri.Should().Be(new Uri("https://modelopsdata.blob.core.windows.net/"));
        connection.CreateQueueServiceClient().Uri.Should().Be(new Uri("https://modelopsdata.queue.core.windows.net/"));
        connection.CreateTableServiceClient().GetTableClient("ModelRegistry").Uri.Should().Be(new Uri("https://modelopsdata.table.core.windows.net/ModelRegistry"));
    }

    [Fact]
    public void Identity_based_settings_without_a_credential_use_the_default_azure_credential()
    {
        IConfiguration configuration = Configuration(("AzureWebJobsStorage:blobServiceUri", "https://acct.blob.core.windows.net"));

        StorageConnection connection = StorageConnection.FromConfiguration(configuration);

        connection.Credential.Should().BeOfType<DefaultAzureCredential>();
        Action queue = () => connection.CreateQueueServiceClient();
        queue.Should().Throw<InvalidOperationException>().WithMessage("*AzureWebJobsStorage__queueServiceUri*");
    }

    [Fact]
    public void An_unknown_credential_names_the_setting()
    {
        IConfiguration configuration = Configuration(("AzureWebJobsStorage:blobServiceUri", "https://acct.blob.core.windows.net"), ("AzureWebJobsStorage:credential", "password"));

        Action read = () => StorageConnection.FromConfiguration(configuration);

        read.Should().Throw<InvalidOperationException>().WithMessage("*AzureWebJobsStorage__credential*");
    }

    [Fact]
    public void Nothing_configured_means_local_azurite()
    {
        StorageConnection connection = StorageConnection.FromConfiguration(Configuration());

        connection.IsConfigured.Should().BeFalse();
        connection.ConnectionString.Should().Be(StorageConnection.DevelopmentStorage);
        connection.Credential.Should().BeNull();
        connection.CreateBlobServiceClient().Uri.Should().Be(new Uri("http://127.0.0.1:10000/devstoreaccount1"));
    }

    [Fact]
    public void A_connection_string_setting_wins_and_takes_no_token_credential()
    {
        IConfiguration configuration = Configuration(("Storage", azurite.ConnectionString), ("Storage:blobServiceUri", "https://ignored.blob.core.windows.net"));

        StorageConnection connection = StorageConnection.FromConfiguration(configuration, "Storage");

        connection.ConnectionString.Should().Be(azurite.ConnectionString);
        connection.Credential.Should().BeNull();
        connection.CreateBlobServiceClient().Uri.Should().Be(azurite.BlobEndpoint);
    }

    [Fact]
    public async Task Blob_and_queue_clients_send_the_pinned_service_version()
    {
        var versions = new VersionRecorder();
        StorageConnection connection = StorageConnection.FromConnectionString(azurite.ConnectionString);

        await connection.CreateBlobServiceClient(o => o.AddPolicy(versions, HttpPipelinePosition.PerRetry))
            .GetBlobContainerClient(AzuriteFixture.UniqueName("v")).CreateIfNotExistsAsync();
        await connection.CreateQueueServiceClient(o => o.AddPolicy(versions, HttpPipelinePosition.PerRetry))
            .GetQueueClient(AzuriteFixture.UniqueName("v")).CreateIfNotExistsAsync();

        versions.Seen.Should().Equal("2026-06-06", "2026-06-06");
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private sealed class VersionRecorder : HttpPipelineSynchronousPolicy
    {
        public List<string> Seen { get; } = [];

        public override void OnSendingRequest(HttpMessage message)
        {
            lock (Seen)
            {
                Seen.Add(message.Request.Headers.TryGetValue("x-ms-version", out string? version) ? version : "(none)");
            }
        }
    }
}
