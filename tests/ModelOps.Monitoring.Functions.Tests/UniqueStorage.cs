using ModelOps.Storage.Monitoring;
using ModelOps.Storage.Registry;
using ModelOps.Testing;

namespace ModelOps.Monitoring.Functions.Tests;

/// <summary>Storage names of one test's own, so tests sharing an Azurite never see each other's tables, containers or queues.</summary>
internal static class UniqueStorage
{
    /// <summary>Monitoring's containers, tables and alert queue; <paramref name="tag"/> marks whose tables they are.</summary>
    public static MonitoringStorageOptions Monitoring(string tag) => new()
    {
        PayloadContainer = AzuriteFixture.UniqueName("payloads"),
        SpecContainer = AzuriteFixture.UniqueName("specs"),
        HistoryTable = "hist" + AzuriteFixture.UniqueName(tag),
        OutcomeTable = "out" + AzuriteFixture.UniqueName(tag),
        AlertQueue = AzuriteFixture.UniqueName("alerts"),
    };

    /// <summary>The registry's table and artifact container.</summary>
    public static RegistryStorageOptions Registry(string tag) =>
        new() { TableName = "reg" + AzuriteFixture.UniqueName(tag), ArtifactContainer = AzuriteFixture.UniqueName("artifacts") };
}
