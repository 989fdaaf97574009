using System.Text.Json;
using ModelOps.Pipelines.Promotion;
using ModelOps.Testing;

namespace ModelOps.Promotion.Tests;

/// <summary>The promotion functions as the Functions host sees them in the Pipelines app's <c>functions.metadata</c>.</summary>
public sealed class PromotionFunctionsMetadataTests
{
    private static Dictionary<string, JsonElement[]> Bindings()
    {
        using JsonDocument metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(LocalFunctionsHostProcess.BuildOutputOf("Pipelines"), "functions.metadata")));
        return metadata.RootElement.EnumerateArray().ToDictionary(
            f => f.GetProperty("name").GetString()!,
            f => f.GetProperty("bindings").EnumerateArray().Select(b => b.Clone()).ToArray());
    }

    [Fact]
    public void The_approval_page_is_anonymous_and_the_request_routes_need_a_function_key()
    {
        Dictionary<string, JsonElement[]> functions = Bindings();

        functions["approval-page"][0].GetProperty("authLevel").GetString().Should().BeEquivalentTo("anonymous");
        functions["approval-page"][0].GetProperty("route").GetString().Should().Be("approvals/{requestId}");
        foreach (string name in new[] { "promotion-request", "promotion-status" })
        {
            functions[name][0].GetProperty("authLevel").GetString().Should().BeEquivalentTo("function", name);
            functions[name].Select(b => b.GetProperty("type").GetString()).Should().Contain("durableClient", name);
        }
    }

    [Fact]
    public void The_orchestration_and_each_activity_have_their_triggers()
    {
        Dictionary<string, JsonElement[]> functions = Bindings();

        functions[PromotionOrchestration.Name].Single().GetProperty("type").GetString().Should().Be("orchestrationTrigger");
        foreach (string activity in new[] { PromotionActivities.Gates, PromotionActivities.Ask, PromotionActivities.Decision, PromotionActivities.Promote, PromotionActivities.Finish })
        {
            functions[activity].Single().GetProperty("type").GetString().Should().Be("activityTrigger", activity);
        }

        functions["promotion-queued-request"][0].GetProperty("queueName").GetString().Should().Be(PromotionFunctions.RequestQueue);
    }
}
