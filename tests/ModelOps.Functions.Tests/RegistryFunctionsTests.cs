using System.Net;
using System.Text.Json;
using ModelOps.Testing;

namespace ModelOps.Functions.Tests;

/// <summary>The registry's functions as the Functions host sees them, and the settings the app refuses to start without.</summary>
public sealed class RegistryFunctionsTests
{
    [Fact]
    public void Every_registry_function_is_an_http_function_with_a_function_key()
    {
        string root = LocalFunctionsHostProcess.BuildOutputOf("Pipelines");
        using JsonDocument metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "functions.metadata")));

        JsonElement[] functions = metadata.RootElement.EnumerateArray()
            .Where(f => f.GetProperty("name").GetString()!.StartsWith("registry-", StringComparison.Ordinal)).ToArray();

        functions.Should().HaveCountGreaterThanOrEqualTo(10);
        foreach (JsonElement function in functions)
        {
            string name = function.GetProperty("name").GetString()!;
            JsonElement[] bindings = function.GetProperty("bindings").EnumerateArray().ToArray();
            bindings.Select(b => b.GetProperty("type").GetString()).Should().Equal(["httpTrigger", "http"], name);
            bindings[0].GetProperty("authLevel").GetString().Should().BeEquivalentTo("function", name);
            bindings[0].GetProperty("route").GetString().Should().StartWith("models", name);
        }
    }

    [Fact]
    public async Task Pipelines_refuses_to_start_without_a_valid_audit_key()
    {
        string pipelines = LocalFunctionsHostProcess.BuildOutputOf("Pipelines");
        await using LocalFunctionsHostProcess broken = await LocalFunctionsHostProcess.StartAsync(
            [pipelines], new Dictionary<string, string> { ["Registry__AuditKey"] = "c2hvcnQ=" }, readinessPath: null);
        using HttpClient brokenHttp = broken.CreateClient(withKey: false);

        // The worker stops at start with the validation failure, which the host logs; the app never serves.
        (await broken.WaitForOutputAsync("Registry:AuditKey must decode to at least 32 bytes", TimeSpan.FromSeconds(120))).Should().BeTrue(broken.Output);
        HttpStatusCode? health = null;
        try
        {
            using HttpResponseMessage response = await brokenHttp.GetAsync(new Uri("/api/health", UriKind.Relative));
            health = response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // The host stopped with the worker: nothing listens.
        }

        health.Should().NotBe(HttpStatusCode.OK);

        await using LocalFunctionsHostProcess working = await LocalFunctionsHostProcess.StartAsync([pipelines], AppSettings.Minimal);
        working.Output.Should().NotContain("Registry:AuditKey");
    }
}
