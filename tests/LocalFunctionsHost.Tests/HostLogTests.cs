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
