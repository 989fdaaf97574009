using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;

namespace LocalFunctionsHost.TestApp;

/// <summary>Timer triggers; tests switch off the ones they do not want with <c>AzureWebJobs.NAME.Disabled</c>.</summary>
public sealed class TimerFunctions
{
    [Function("StartupTimer")]
    public static void StartupTimer([TimerTrigger("0 0 2 * * *", RunOnStartup = true, UseMonitor = false)] TimerInfo timer) =>
        Record("StartupTimer", timer);

    [Function("MonitoredTimer")]
    public static void MonitoredTimer([TimerTrigger("%MONITORED_SCHEDULE%", UseMonitor = true)] TimerInfo timer) =>
        Record("MonitoredTimer", timer);

    private static void Record(string function, TimerInfo timer) => Recorder.Record(function, new JsonObject
    {
        ["isPastDue"] = timer.IsPastDue,
        ["last"] = timer.ScheduleStatus?.Last,
        ["next"] = timer.ScheduleStatus?.Next,
        ["hasStatus"] = timer.ScheduleStatus is not null,
    });
}
