using System.Text.Json;
using ModelOps.Testing;

namespace ModelOps.Functions.Tests;

/// <summary>The registry's functions as the Functions host sees them, and the settings the app refuses to start without.</summary>
public sealed class RegistryFunctionsTests
{
    [Fact]
    public void Every_registry_function_is_a_forwarded_http_function_with_a_function_key()
    {
        string root = FunctionAppProcess.BuildOutputOf("Pipelines");

        string[] folders = Directory.GetDirectories(root, "registry-*");

        folders.Should().HaveCountGreaterThanOrEqualTo(10);
        foreach (string folder in folders)
        {
            using JsonDocument function = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "function.json")));
            JsonElement[] bindings = function.RootElement.GetProperty("bindings").EnumerateArray().ToArray();
            bindings.Select(b => b.GetProperty("type").GetString()).Should().Equal(["httpTrigger", "http"], folder);
            bindings[0].GetProperty("authLevel").GetString().Should().Be("function", folder);
            bindings[0].GetProperty("route").GetString().Should().StartWith("models", folder);
        }
    }

    [Fact]
    public async Task Pipelines_refuses_to_start_without_a_valid_audit_key()
    {
        Func<Task> start = async () =>
        {
            await using FunctionAppProcess app = await FunctionAppProcess.StartAsync(
                FunctionAppProcess.BuildOutputOf("Pipelines"), new Dictionary<string, string> { ["Registry__AuditKey"] = "c2hvcnQ=" });
        };
        Func<Task> startWithKey = async () =>
        {
            await using FunctionAppProcess app = await FunctionAppProcess.StartAsync(FunctionAppProcess.BuildOutputOf("Pipelines"), AppSettings.Minimal);
        };

        // The handler's output may not be read yet when the exit is seen, so only the exit is asserted.
        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("exited");
        await startWithKey.Should().NotThrowAsync();
    }
}
