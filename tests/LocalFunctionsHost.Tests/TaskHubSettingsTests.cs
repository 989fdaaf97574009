using System.Text.Json.Nodes;
using LocalFunctionsHost.Durable;

namespace LocalFunctionsHost.Tests;

/// <summary>
/// The task hub's settings from host.json <c>extensions.durableTask</c> with the Durable Functions defaults, and
/// <c>AzureFunctionsJobHost__…</c> app settings overriding the file as the Functions host lets them.
/// </summary>
public sealed class TaskHubSettingsTests
{
    private const string StorageOverride = "AzureFunctionsJobHost__extensions__durableTask__storageProvider__";

    private static LocalSettings Settings(params (string Name, string Value)[] values) =>
        new(values.ToDictionary(v => v.Name, v => v.Value, StringComparer.OrdinalIgnoreCase), "master", new Dictionary<string, string>());

    private static TaskHubSettings Read(string hostJson, LocalSettings settings)
    {
        JsonObject host = (JsonObject)JsonNode.Parse(hostJson, new JsonNodeOptions { PropertyNameCaseInsensitive = true })!;
        IEnumerable<KeyValuePair<string, string>> overrides = settings.Values.Where(v => v.Key.StartsWith(HostJsonOverrides.Prefix, StringComparison.OrdinalIgnoreCase));
        return TaskHubSettings.From(HostJsonOverrides.Apply(host, overrides), settings);
    }

    [Fact]
    public void Without_a_storageProvider_section_the_Durable_Functions_defaults_apply()
    {
        TaskHubSettings hub = Read("""{ "version": "2.0" }""", Settings());

        hub.Should().Be(new TaskHubSettings(TaskHubSettings.DefaultHubName, 4, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void The_visibility_timeouts_polling_interval_and_partition_count_are_read_from_host_json()
    {
        const string HostJson = """
            { "extensions": { "durableTask": { "hubName": "Orders", "storageProvider": {
                "partitionCount": 2, "maxQueuePollingInterval": "00:00:02",
                "controlQueueVisibilityTimeout": "00:01:00", "workItemQueueVisibilityTimeout": "00:00:45" } } } }
            """;

        TaskHubSettings hub = Read(HostJson, Settings());

        hub.Should().Be(new TaskHubSettings("Orders", 2, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(45)));
    }

    [Fact]
    public void App_settings_named_after_the_host_json_path_override_the_file_and_add_what_it_lacks()
    {
        const string HostJson = """{ "extensions": { "durableTask": { "hubName": "Orders", "storageProvider": { "controlQueueVisibilityTimeout": "00:05:00" } } } }""";
        LocalSettings settings = Settings(
            // Any case, as the host's configuration matches keys: this one replaces the file's value.
            (StorageOverride.ToUpperInvariant() + "CONTROLQUEUEVISIBILITYTIMEOUT", "00:00:10"),
            (StorageOverride + "workItemQueueVisibilityTimeout", "00:00:12"),
            (StorageOverride + "partitionCount", "1"),
            ("AzureFunctionsJobHost__extensions__durableTask__hubName", "Invoices"));

        TaskHubSettings hub = Read(HostJson, settings);

        hub.Should().Be(new TaskHubSettings("Invoices", 1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12)));
    }

    [Fact]
    public void An_environment_variable_overrides_host_json_when_the_app_settings_do_not_name_it()
    {
        string folder = Directory.CreateTempSubdirectory("lfh-hostjson-").FullName;
        string name = StorageOverride + "workItemQueueVisibilityTimeout";
        try
        {
            File.WriteAllText(Path.Combine(folder, "host.json"), """{ "version": "2.0" }""");
            Environment.SetEnvironmentVariable(name, "00:00:20");

            TaskHubSettings fromEnvironment = TaskHubSettings.Load(folder, Settings());
            TaskHubSettings fromValues = TaskHubSettings.Load(folder, Settings((name, "00:00:30")));

            fromEnvironment.WorkItemQueueVisibilityTimeout.Should().Be(TimeSpan.FromSeconds(20));
            fromValues.WorkItemQueueVisibilityTimeout.Should().Be(TimeSpan.FromSeconds(30), "local.settings.json Values come before the environment");
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("controlQueueVisibilityTimeout", "soon")]
    [InlineData("workItemQueueVisibilityTimeout", "00:00:00")]
    [InlineData("partitionCount", "four")]
    public void A_bad_override_is_refused_naming_the_host_json_field(string field, string value)
    {
        Action read = () => Read("""{ "version": "2.0" }""", Settings((StorageOverride + field, value)));

        read.Should().Throw<InvalidDataException>().WithMessage($"*extensions.durableTask.storageProvider.{field}*");
    }
}
