using ModelOps.Testing;

namespace ModelOps.Scoring.Functions.Tests;

/// <summary>The Scoring app's settings are validated when it starts: a bad one stops the worker, naming the setting.</summary>
[Collection(ScoringCollection.Name)]
public sealed class SettingsTests(ScoringStack stack)
{
    [Theory]
    [InlineData("Scoring__Cache__PollInterval", "00:00:00.010", "Scoring:Cache:PollInterval")]
    [InlineData("Scoring__Payloads__SampleRate", "1.5", "Scoring:Payloads:SampleRate")]
    [InlineData("Scoring__Payloads__Container", "No_Such", "Scoring:Payloads:Container")]
    [InlineData("Scoring__MaxBodyBytes", "1", "Scoring:MaxBodyBytes")]
    public async Task A_setting_out_of_range_stops_the_app_at_start_naming_it(string setting, string value, string named)
    {
        var settings = new Dictionary<string, string>(stack.Settings) { [setting] = value };

        await using LocalFunctionsHostProcess host = await LocalFunctionsHostProcess.StartAsync([LocalFunctionsHostProcess.BuildOutputOf("Scoring")], settings, readinessPath: null);

        (await host.WaitForOutputAsync(named + " must be", TimeSpan.FromSeconds(90))).Should().BeTrue(host.Output);
    }
}
