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

    /// <summary>The app settings that point an app at this storage, with <paramref name="more"/> added.</summary>
    public static Dictionary<string, string> AppSettings(
        string connectionString, string auditKey, MonitoringStorageOptions monitoring, RegistryStorageOptions registry, Dictionary<string, string> more)
    {
        return new Dictionary<string, string>(more)
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Registry__AuditKey"] = auditKey,
            ["Registry__TableName"] = registry.TableName,
            ["Registry__ArtifactContainer"] = registry.ArtifactContainer,
            ["Monitoring__PayloadContainer"] = monitoring.PayloadContainer,
            ["Monitoring__SpecContainer"] = monitoring.SpecContainer,
            ["Monitoring__HistoryTable"] = monitoring.HistoryTable,
            ["Monitoring__OutcomeTable"] = monitoring.OutcomeTable,
            ["Monitoring__AlertQueue"] = monitoring.AlertQueue,
        };
    }

    /// <summary>The registry's table and artifact container.</summary>
    public static RegistryStorageOptions Registry(string tag) =>
        new() { TableName = "reg" + AzuriteFixture.UniqueName(tag), ArtifactContainer = AzuriteFixture.UniqueName("artifacts") };
}
