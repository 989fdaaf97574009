using System.Text.Json;
using System.Text.RegularExpressions;
using ModelOps.Storage.Monitoring;
using ModelOps.Testing;

namespace ModelOps.Monitoring.Functions.Tests;

/// <summary>The queues the Pipelines app uses exist in Azure: each is defined by the Bicep storage module.</summary>
public sealed partial class QueueDefinitionTests
{
    [Fact]
    public void Every_queue_the_Pipelines_app_triggers_on_or_writes_to_is_defined_in_the_Bicep_storage_module()
    {
        string bicep = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "infra", "bicep", "modules", "storage.bicep"));
        string[] defined = QuotedName().Matches(QueueList().Match(bicep).Groups["names"].Value).Select(m => m.Groups[1].Value).ToArray();
        using JsonDocument metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(LocalFunctionsHostProcess.BuildOutputOf("Pipelines"), "functions.metadata")));
        string[] bound = metadata.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() is "queueTrigger" or "queue")
            .Select(b => b.GetProperty("queueName").GetString()!)
            .ToArray();
        var monitoring = new MonitoringStorageOptions();
        string[] written = [monitoring.AlertQueue, monitoring.PromotionQueue, monitoring.RetrainQueue, monitoring.ChallengerQueue];

        bound.Should().Contain(["outcomes", "challenger-requests", "batch-chunks", "score-results"], "the metadata lists triggers and output bindings");
        defined.Should().OnlyHaveUniqueItems().And.Contain(bound.Concat(written).Distinct());
    }

    [GeneratedRegex(@"var queues = \[(?<names>[^\]]*)\]", RegexOptions.CultureInvariant)]
    private static partial Regex QueueList();

    [GeneratedRegex("'([a-z0-9-]+)'", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedName();
}
