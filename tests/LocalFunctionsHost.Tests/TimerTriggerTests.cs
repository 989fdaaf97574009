using System.Text.Json;
using Azure.Storage.Blobs;
using ModelOps.Testing;

namespace LocalFunctionsHost.Tests;

/// <summary>Timer triggers through the worker protocol: runOnStartup, the schedule monitor, IsPastDue.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TimerTriggerTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 10, 2, 0, TimeSpan.Zero);

    private BlobClient StatusBlob(string hostId, string function) =>
        StorageClients.Container(azurite.ConnectionString, ScheduleMonitor.Container).GetBlobClient($"timers/{hostId}/{function}/status");

    [Fact]
    public async Task Run_on_startup_fires_once_at_start_without_a_schedule_status()
    {
        var clock = new ManualTimeProvider(Start);
        await using TestApp app = await TestApp.StartAsync(azurite.ConnectionString, ["StartupTimer"], clock: clock);

        await TestApp.WaitUntilAsync(() => Task.FromResult(app.Records("StartupTimer").Count == 1), "the startup run");
        // Bounded extra wait: a second run would follow at once if the startup run were repeated.
        await Task.Delay(TimeSpan.FromSeconds(1));
        JsonElement timer = app.Records("StartupTimer").Single();

        app.Records("StartupTimer").Should().HaveCount(1);
        timer.GetProperty("isPastDue").GetBoolean().Should().BeFalse();
        timer.GetProperty("hasStatus").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task A_missed_schedule_fires_with_is_past_due_and_the_stored_status_at_the_next_start()
    {
        var clock = new ManualTimeProvider(Start);
        string hostId = AzuriteFixture.UniqueName("host");
        // The monitor says the next run was due yesterday at 10:00: the host was down then.
        var seeded = new ScheduleStatus(Start.AddDays(-1).AddMinutes(-7), Start.AddDays(-1).AddMinutes(-2), Start.AddDays(-1).AddMinutes(-7));
        await new ScheduleMonitor(azurite.ConnectionString, hostId).WriteAsync("MonitoredTimer", seeded, CancellationToken.None);

        await using TestApp app = await TestApp.StartAsync(
            azurite.ConnectionString, ["MonitoredTimer"], new Dictionary<string, string> { ["AzureFunctionsWebHost__hostid"] = hostId }, clock);
        await TestApp.WaitUntilAsync(() => Task.FromResult(app.Records("MonitoredTimer").Count == 1), "the past-due run");
        JsonElement timer = app.Records("MonitoredTimer").Single();

        timer.GetProperty("isPastDue").GetBoolean().Should().BeTrue();
        DateTimeOffset.Parse(timer.GetProperty("next").GetString()!, System.Globalization.CultureInfo.InvariantCulture).Should().Be(seeded.Next);
        DateTimeOffset.Parse(timer.GetProperty("last").GetString()!, System.Globalization.CultureInfo.InvariantCulture).Should().Be(seeded.Last);
    }

    [Fact]
    public async Task A_timer_fires_when_its_occurrence_comes_and_not_before()
    {
        var clock = new ManualTimeProvider(Start);
        string hostId = AzuriteFixture.UniqueName("host");
        await using TestApp app = await TestApp.StartAsync(
            azurite.ConnectionString, ["MonitoredTimer"], new Dictionary<string, string> { ["AzureFunctionsWebHost__hostid"] = hostId }, clock);
        BlobClient status = StatusBlob(hostId, "MonitoredTimer");
        await TestApp.WaitUntilAsync(
            async () => (await status.ExistsAsync()).Value
                && (await status.DownloadContentAsync()).Value.Content.ToString().Contains("10:05:00", StringComparison.Ordinal),
            "the schedule to be written");

        clock.Advance(TimeSpan.FromMinutes(2));
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        int beforeDue = app.Records("MonitoredTimer").Count;
        clock.Advance(TimeSpan.FromMinutes(1));
        await TestApp.WaitUntilAsync(() => Task.FromResult(app.Records("MonitoredTimer").Count == 1), "the 10:05 run");

        beforeDue.Should().Be(0);
        app.Records("MonitoredTimer").Single().GetProperty("isPastDue").GetBoolean().Should().BeFalse();
    }
}
