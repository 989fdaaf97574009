using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost.Tests;

/// <summary>
/// App settings named <c>AzureFunctionsJobHost__path__to__key</c> override the app's host.json as the Functions host
/// lets them: the route prefix, queue settings, function timeout and log levels, as well as the task hub's.
/// </summary>
public sealed class HostJsonOverridesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("host-json-overrides-").FullName;

    public HostJsonOverridesTests()
    {
        File.WriteAllText(Path.Combine(_folder, "worker.config.json"), """{"description":{"defaultExecutablePath":"dotnet","defaultWorkerPath":"App.dll"}}""");
        File.WriteAllText(Path.Combine(_folder, "host.json"), """
            { "version": "2.0", "functionTimeout": "00:10:00",
              "extensions": { "http": { "routePrefix": "api" }, "queues": { "batchSize": 16, "maxDequeueCount": 5 } },
              "logging": { "logLevel": { "default": "Information" } } }
            """);
    }

    [Fact]
    public void Overriding_settings_replace_host_json_values_and_add_missing_ones()
    {
        var values = new Dictionary<string, string>
        {
            ["AzureFunctionsJobHost__extensions__http__routePrefix"] = "v2",
            ["AzureFunctionsJobHost__extensions__queues__batchSize"] = "8",
            ["AzureFunctionsJobHost__functionTimeout"] = "00:02:00",
            ["AzureFunctionsJobHost__logging__logLevel__Function.nightly"] = "Warning",
        };

        AppDefinition app = AppDefinition.Load(_folder, values);

        app.RoutePrefix.Should().Be("v2");
        app.Queues.BatchSize.Should().Be(8);
        app.Queues.MaxDequeueCount.Should().Be(5, "what no setting names stays as host.json says");
        app.FunctionTimeout.Should().Be(TimeSpan.FromMinutes(2));
        app.InvocationLogLevel("nightly").Should().Be(LogLevel.Warning);
        app.InvocationLogLevel("score").Should().Be(LogLevel.Information);
    }

    [Fact]
    public void An_overriding_setting_that_is_not_a_number_where_one_belongs_is_refused_naming_the_field()
    {
        var values = new Dictionary<string, string> { ["AzureFunctionsJobHost__extensions__queues__batchSize"] = "many" };

        Action load = () => AppDefinition.Load(_folder, values);

        load.Should().Throw<InvalidDataException>().WithMessage("*extensions.queues.batchSize*");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
