using Microsoft.Extensions.Configuration;
using ModelOps.Storage;

namespace ModelOps.Cli;

/// <summary>The storage connection the CLI uses: an explicit connection string, else <c>AzureWebJobsStorage</c> from the environment.</summary>
internal static class CliStorage
{
    /// <summary>The connection from the environment (either form Functions accepts), else local Azurite.</summary>
    public static StorageConnection FromEnvironment() =>
        StorageConnection.FromConfiguration(new ConfigurationBuilder().AddEnvironmentVariables().Build());

    /// <summary><paramref name="connectionString"/> when given, else <see cref="FromEnvironment"/>.</summary>
    public static StorageConnection Connection(string? connectionString) =>
        connectionString is { Length: > 0 } ? StorageConnection.FromConnectionString(connectionString) : FromEnvironment();
}
