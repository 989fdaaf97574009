using System.Text.Json;
using Microsoft.DurableTask.Client;
using ModelOps.Testing;

namespace LocalFunctionsHost.Tests;

/// <summary>
/// Orchestrations of the isolated test app on the host's task hub (Durable Task Framework, Azure Storage
/// backend on Azurite): activities, fan-out/fan-in, events against timers, sub-orchestrations, retries,
/// ContinueAsNew, and the host or the worker going away in the middle.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DurableOrchestrationTests(AzuriteFixture azurite)
{
    private static string[] Notes(TestApp app, string key) =>
        app.Records("Note").Where(r => r.GetProperty("key").GetString() == key).Select(r => r.GetProperty("text").GetString()!).ToArray();

    private static int Count(TestApp app, string function, string key) =>
        app.Records(function).Count(r => r.GetProperty("key").GetString() == key);

    [Fact]
    public async Task An_orchestration_calls_its_activities_in_order_and_completes_with_their_results()
    {
        await using DurableApp app = await DurableApp.StartAsync(azurite);

        string id = await app.Client.ScheduleNewOrchestrationInstanceAsync("Greeting");
        OrchestrationMetadata done = await app.CompletionAsync(id);

        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ToString() + done.SerializedOutput);
        done.ReadOutputAs<string[]>().Should().Equal("Hello Tokyo!", "Hello Seattle!", "Hello London!");
        app.App.Records("SayHello").Select(r => r.GetProperty("city").GetString()).Should().Equal("Tokyo", "Seattle", "London");
    }

    [Fact]
    public async Task Fifty_activities_fanned_out_are_all_gathered_into_one_result()
    {
        await using DurableApp app = await DurableApp.StartAsync(azurite);

        string id = await app.Client.ScheduleNewOrchestrationInstanceAsync("FanOutSum", 50);
        OrchestrationMetadata done = await app.CompletionAsync(id);

        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ToString() + done.SerializedOutput);
        done.ReadOutputAs<int>().Should().Be(Enumerable.Range(1, 50).Sum(i => i * i));
    }

    [Fact]
    public async Task An_approval_raised_before_a_three_day_deadline_wins_over_the_durable_timer()
    {
        await using DurableApp app = await DurableApp.StartAsync(azurite);
        string key = AzuriteFixture.UniqueName("approve");

        string id = await app.Client.ScheduleNewOrchestrationInstanceAsync("Approval", new { Key = key, DeadlineHours = 72.0 });
        await TestApp.WaitUntilAsync(() => Task.FromResult(Notes(app.App, key).Length == 1), "the approval to be asked for", 180);
        await app.Client.RaiseEventAsync(id, "Approval", "alice");
        OrchestrationMetadata done = await app.CompletionAsync(id);

        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ToString() + done.SerializedOutput);
        done.ReadOutputAs<string>().Should().Be("approved by alice");
        Notes(app.App, key).Should().Equal("asked", "approved by alice");
    }

    [Fact]
    public async Task A_deadline_that_passes_without_an_approval_ends_the_wait()
    {
        await using DurableApp app = await DurableApp.StartAsync(azurite);
        string key = AzuriteFixture.UniqueName("expire");

        string id = await app.Client.ScheduleNewOrchestrationInstanceAsync("Approval", new { Key = key, DeadlineHours = 2.0 / 3600 });
        OrchestrationMetadata done = await app.CompletionAsync(id);

        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ToString() + done.SerializedOutput);
        done.ReadOutputAs<string>().Should().Be("timed out");
        Notes(app.App, key).Should().Equal("asked", "timed out");
    }

    [Fact]
    public async Task A_sub_orchestration_returns_its_result_to_the_parent()
    {
        await using DurableApp app = await DurableApp.StartAsync(azurite);

        string id = await app.Client.ScheduleNewOrchestrationInstanceAsync("Parent", "Oslo");
        OrchestrationMetadata done = await app.CompletionAsync(id);

        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ToString() + done.SerializedOutput);
        done.ReadOutputAs<string>().Should().Be("parent got: Hello Oslo!");
    }

    [Fact]
    public async Task A_failing_activity_is_retried_by_its_retry_policy_until_it_succeeds()
    {
        await using DurableApp app = await DurableApp.StartAsync(azurite);
        string key = AzuriteFixture.UniqueName("flaky");

        string id = await app.Client.ScheduleNewOrchestrationInstanceAsync("Retrying", new { Key = key, Failures = 2 });
        OrchestrationMetadata done = await app.CompletionAsync(id);

        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ToString() + done.SerializedOutput);
        done.ReadOutputAs<string>().Should().Be("succeeded on attempt 3");
        Count(app.App, "Flaky", key).Should().Be(3);
    }

    [Fact]
    public async Task An_activity_that_keeps_failing_fails_the_orchestration_with_its_exception_after_the_last_attempt()
    {
        await using DurableApp app = await DurableApp.StartAsync(azurite);
        string key = AzuriteFixture.UniqueName("broken");

        string id = await app.Client.ScheduleNewOrchestrationInstanceAsync("Retrying", new { Key = key, Failures = 10 });
        OrchestrationMetadata done = await app.CompletionAsync(id);

        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Failed);
        Count(app.App, "Flaky", key).Should().Be(3);
        // The Azure Storage backend keeps the failure details as the instance's output, as it does in Azure.
        done.SerializedOutput.Should().Contain("flaky failure 3 of 10");
    }

    [Fact]
    public async Task ContinueAsNew_starts_the_instance_afresh_until_it_returns()
    {
        await using DurableApp app = await DurableApp.StartAsync(azurite);
        string key = AzuriteFixture.UniqueName("count");

        string id = await app.Client.ScheduleNewOrchestrationInstanceAsync("Countdown", new { Key = key, Remaining = 3 });
        OrchestrationMetadata done = await app.CompletionAsync(id);

        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ToString() + done.SerializedOutput);
        done.ReadOutputAs<string>().Should().Be("lift-off");
        Notes(app.App, key).Should().Equal("generation 3", "generation 2", "generation 1", "generation 0");
    }

    [Fact]
    public async Task An_orchestration_waiting_for_an_event_survives_a_host_restart_and_completes_exactly_once()
    {
        string hub = DurableApp.NewHubName();
        string key = AzuriteFixture.UniqueName("restart");
        string id;
        await using (DurableApp first = await DurableApp.StartAsync(azurite, hub))
        {
            id = await first.Client.ScheduleNewOrchestrationInstanceAsync("Approval", new { Key = key, DeadlineHours = 72.0 });
            // Waiting for the event: the orchestrator has checkpointed past its first activity (its custom status says so).
            await TestApp.WaitUntilAsync(
                async () => (await first.Client.GetInstanceAsync(id, getInputsAndOutputs: true))?.SerializedCustomStatus == "\"waiting for approval\"",
                "the instance to wait for the approval",
                180);
            Notes(first.App, key).Should().Equal("asked");
        }

        // A new host (its own process state, worker and record file) on the same task hub in Azurite.
        await using DurableApp second = await DurableApp.StartAsync(azurite, hub);
        OrchestrationMetadata? waiting = await second.Client.GetInstanceAsync(id);
        waiting.Should().NotBeNull("the instance lives in the task hub's storage, not in the host");
        waiting!.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Running);

        await second.Client.RaiseEventAsync(id, "Approval", "bob");
        OrchestrationMetadata done = await second.CompletionAsync(id);

        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ToString() + done.SerializedOutput);
        done.ReadOutputAs<string>().Should().Be("approved by bob");
        // Replayed from history: the "asked" activity is not run again, the one after the event runs once.
        Notes(second.App, key).Should().Equal("approved by bob");
    }

    [Fact]
    public async Task An_activity_whose_worker_is_killed_runs_again_on_the_restarted_worker_and_the_orchestration_completes()
    {
        await using DurableApp app = await DurableApp.StartAsync(azurite);
        string key = AzuriteFixture.UniqueName("survive");

        string id = await app.Client.ScheduleNewOrchestrationInstanceAsync("Survivor", key);
        await TestApp.WaitUntilAsync(() => Task.FromResult(Count(app.App, "Stubborn", key) == 1), "the activity to start", 180);
        app.App.Host.Worker.KillForTest();
        OrchestrationMetadata done = await app.CompletionAsync(id);

        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ToString() + done.SerializedOutput);
        done.ReadOutputAs<string>().Should().StartWith("finished on attempt ");
        JsonElement[] attempts = app.App.Records("Stubborn").Where(r => r.GetProperty("key").GetString() == key).ToArray();
        attempts.Length.Should().BeGreaterThanOrEqualTo(2);
        attempts.Select(a => a.GetProperty("pid").GetInt32()).Distinct().Should().HaveCountGreaterThanOrEqualTo(2, "the activity ran again in the new worker process");
    }
}
