using System.Text.Json;
using Azure.Storage.Blobs;
using ModelOps.Testing;

namespace LocalFunctionsHost.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class TimerTriggerTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 10, 2, 0, TimeSpan.Zero);

    private static Dictionary<string, string> Timer(string name, string schedule, bool runOnStartup, bool useMonitor) => new()
    {
        [name] = $$"""{"bindings":[{"type":"timerTrigger","direction":"in","name":"timer","schedule":"{{schedule}}","runOnStartup":{{(runOnStartup ? "true" : "false")}},"useMonitor":{{(useMonitor ? "true" : "false")}}}]}""",
    };

    private BlobClient StatusBlob(TestApp app, string function) =>
        new BlobContainerClient(azurite.ConnectionString, ScheduleMonitor.Container)
            .GetBlobClient($"timers/{FunctionAppHost.HostId(app.Host.App.Name)}/{function}/status");

    [Fact]
    public async Task Run_on_startup_fires_once_at_start_with_the_documented_envelope()
    {
        var clock = new ManualTimeProvider(Start);
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, Timer("Nightly", "0 0 2 * * *", runOnStartup: true, useMonitor: false), clock: clock);

        await TestApp.WaitUntilAsync(() => Task.FromResult(app.Invocations("Nightly").Count == 1), "the startup run");
        await Task.Delay(TimeSpan.FromSeconds(1));
        JsonElement envelope = app.Invocations("Nightly").Single();
        JsonElement timer = envelope.GetProperty("Data").GetProperty("timer");

        app.Invocations("Nightly").Should().HaveCount(1);
        timer.GetProperty("Schedule").GetProperty("AdjustForDST").GetBoolean().Should().BeTrue();
        timer.GetProperty("ScheduleStatus").ValueKind.Should().Be(JsonValueKind.Null);
        timer.GetProperty("IsPastDue").GetBoolean().Should().BeFalse();
        envelope.GetProperty("Metadata").GetProperty("sys").GetProperty("UtcNow").GetString().Should().StartWith("2026-11-22T10:02:00");
    }

    [Fact]
    public async Task A_missed_schedule_fires_with_is_past_due_at_the_next_start()
    {
        var clock = new ManualTimeProvider(Start);
        string appName = AzuriteFixture.UniqueName("app");
        // The monitor says the next run was due yesterday at 02:00: the host was down then.
        var seeded = new ScheduleStatus(Start.AddDays(-2).Date.AddHours(2), Start.AddDays(-1).Date.AddHours(2), Start.AddDays(-2).Date.AddHours(2));
        await new ScheduleMonitor(azurite.ConnectionString, FunctionAppHost.HostId(appName)).WriteAsync("Nightly", seeded, CancellationToken.None);

        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, Timer("Nightly", "0 0 2 * * *", runOnStartup: false, useMonitor: true), clock: clock, name: appName);
        await TestApp.WaitUntilAsync(() => Task.FromResult(app.Invocations("Nightly").Count == 1), "the past-due run");
        JsonElement timer = app.Invocations("Nightly").Single().GetProperty("Data").GetProperty("timer");

        timer.GetProperty("IsPastDue").GetBoolean().Should().BeTrue();
        timer.GetProperty("ScheduleStatus").GetProperty("Next").GetDateTimeOffset().Should().Be(seeded.Next);
        timer.GetProperty("ScheduleStatus").GetProperty("Last").GetDateTimeOffset().Should().Be(seeded.Last);
    }

    [Fact]
    public async Task A_timer_fires_when_its_occurrence_comes_and_not_before()
    {
        var clock = new ManualTimeProvider(Start);
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, Timer("Every5", "0 */5 * * * *", runOnStartup: false, useMonitor: true), clock: clock);
        await TestApp.WaitUntilAsync(
            async () => (await StatusBlob(app, "Every5").ExistsAsync()).Value
                && (await StatusBlob(app, "Every5").DownloadContentAsync()).Value.Content.ToString().Contains("10:05:00", StringComparison.Ordinal),
            "the schedule to be written");

        clock.Advance(TimeSpan.FromMinutes(2));
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        int beforeDue = app.Invocations("Every5").Count;
        clock.Advance(TimeSpan.FromMinutes(1));
        await TestApp.WaitUntilAsync(() => Task.FromResult(app.Invocations("Every5").Count == 1), "the 10:05 run");

        beforeDue.Should().Be(0);
        app.Invocations("Every5").Single().GetProperty("Data").GetProperty("timer").GetProperty("IsPastDue").GetBoolean().Should().BeFalse();
    }
}
