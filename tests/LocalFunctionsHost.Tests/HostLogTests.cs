using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ModelOps.Testing;

namespace LocalFunctionsHost.Tests;

/// <summary>The worker's logs reach the host's log as RpcLog messages, and invocations are logged.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class HostLogTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Worker_logs_arrive_over_the_stream_and_each_http_invocation_is_logged_as_executed()
    {
        var log = new RecordingLogger();
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, ["Open"], logger: log);
        using var http = new HttpClient { BaseAddress = app.FrontDoor };

        using HttpResponseMessage response = await http.GetAsync(new Uri("api/Open", UriKind.Relative));
        await TestApp.WaitUntilAsync(() => Task.FromResult(log.Entries.Any(e => e.Id == 4)), "the Executed entry");

        log.Entries.Should().Contain(e => e.Id == 11 && e.Message.Contains("[Microsoft.Hosting.Lifetime]", StringComparison.Ordinal), "the worker's own logs come as RpcLog");
        log.Entries.Should().Contain(e => e.Id == 4 && e.Message.Contains("'Open'", StringComparison.Ordinal));
    }

    [Fact]
    public void Host_json_log_levels_set_the_level_of_a_function_s_invocation_logs_most_specific_category_first()
    {
        string folder = Directory.CreateTempSubdirectory("host-json-").FullName;
        File.WriteAllText(Path.Combine(folder, "worker.config.json"), """{"description":{"defaultExecutablePath":"dotnet","defaultWorkerPath":"App.dll"}}""");
        File.WriteAllText(Path.Combine(folder, "host.json"), """{"version":"2.0","logging":{"logLevel":{"default":"Information","Function":"Debug","Function.every-ten-seconds":"Warning"}}}""");

        AppDefinition app = AppDefinition.Load(folder);
        File.WriteAllText(Path.Combine(folder, "host.json"), """{"version":"2.0","logging":{"logLevel":{"Function.x":"Loud"}}}""");
        Action wrong = () => AppDefinition.Load(folder);

        app.InvocationLogLevel("every-ten-seconds").Should().Be(LogLevel.Warning);
        app.InvocationLogLevel("score").Should().Be(LogLevel.Debug);
        wrong.Should().Throw<InvalidDataException>().WithMessage("*logging.logLevel.Function.x*");
        Directory.Delete(folder, recursive: true);
    }

    private sealed class RecordingLogger : ILogger
    {
        public ConcurrentQueue<(int Id, string Message)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((eventId.Id, formatter(state, exception)));
    }
}
