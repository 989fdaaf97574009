using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost;

/// <summary>The schedule status the monitor keeps between runs (the real host's <c>ScheduleStatus</c>).</summary>
internal sealed record ScheduleStatus(DateTimeOffset Last, DateTimeOffset Next, DateTimeOffset LastUpdated);

/// <summary>
/// Keeps timer schedule status in blob storage, as the real host does, under
/// <c>azure-webjobs-hosts/timers/{hostId}/{function}/status</c>, so a run missed while the host was down
/// fires with <c>IsPastDue</c> at the next start.
/// </summary>
internal sealed class ScheduleMonitor(string connectionString, string hostId)
{
    public const string Container = "azure-webjobs-hosts";

    private BlobClient Blob(string function) =>
        StorageClients.Container(connectionString, Container).GetBlobClient($"timers/{hostId}/{function}/status");

    public async Task<ScheduleStatus?> ReadAsync(string function, CancellationToken cancellationToken)
    {
        try
        {
            BinaryData content = (await Blob(function).DownloadContentAsync(cancellationToken)).Value.Content;
            using JsonDocument doc = JsonDocument.Parse(content);
            return new ScheduleStatus(
                doc.RootElement.GetProperty("Last").GetDateTimeOffset(),
                doc.RootElement.GetProperty("Next").GetDateTimeOffset(),
                doc.RootElement.GetProperty("LastUpdated").GetDateTimeOffset());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task WriteAsync(string function, ScheduleStatus status, CancellationToken cancellationToken)
    {
        BlobContainerClient container = StorageClients.Container(connectionString, Container);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var json = new JsonObject
        {
            ["Last"] = Format(status.Last),
            ["Next"] = Format(status.Next),
            ["LastUpdated"] = Format(status.LastUpdated),
        };
        await Blob(function).UploadAsync(BinaryData.FromString(json.ToJsonString()), overwrite: true, cancellationToken);
    }

    internal static string Format(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
}

/// <summary>
/// Runs one timer-triggered function: <c>runOnStartup</c> once at start, a past-due run when the monitor
/// shows a missed occurrence, then every occurrence of the schedule — one execution at a time, never retried.
/// </summary>
internal sealed class TimerTrigger(FunctionDefinition function, FunctionInvoker invoker, ScheduleMonitor monitor, TimeProvider clock, ILogger logger, bool logsSchedule = true)
{
    private static readonly Dictionary<string, string> NoValues = [];
    private readonly BindingDefinition _trigger = function.Trigger;

    public int Invocations { get; private set; }

    public async Task RunAsync(CancellationToken stopping)
    {
        TimerSchedule schedule = TimerSchedule.Parse(_trigger.GetString("schedule")
            ?? throw new InvalidDataException($"Timer '{function.Name}' has no schedule."));
        DateTime now = clock.GetUtcNow().UtcDateTime;
        bool useMonitor = _trigger.GetBool("useMonitor", schedule.DefaultUseMonitor(now));
        ScheduleStatus? status = useMonitor ? await monitor.ReadAsync(function.Name, stopping) : null;

        if (status is not null && status.Next.UtcDateTime < now)
        {
            status = await FireAsync(schedule, status, isPastDue: true, useMonitor, stopping);
        }
        else if (_trigger.GetBool("runOnStartup", false))
        {
            status = await FireAsync(schedule, status, isPastDue: false, useMonitor, stopping);
        }

        while (!stopping.IsCancellationRequested)
        {
            DateTime next = schedule.GetNextOccurrence(clock.GetUtcNow().UtcDateTime);
            if (useMonitor)
            {
                DateTimeOffset at = clock.GetUtcNow();
                await monitor.WriteAsync(function.Name, new ScheduleStatus(status?.Last ?? DateTimeOffset.MinValue, next, at), stopping);
            }

            if (logsSchedule) Log.TimerScheduled(logger, function.Name, next);
            TimeSpan wait = next - clock.GetUtcNow().UtcDateTime;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, clock, stopping);
            }

            status = await FireAsync(schedule, status, isPastDue: false, useMonitor, stopping);
        }
    }

    private async Task<ScheduleStatus?> FireAsync(TimerSchedule schedule, ScheduleStatus? status, bool isPastDue, bool useMonitor, CancellationToken stopping)
    {
        var timer = new JsonObject
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
            ["ScheduleStatus"] = status is null ? null : new JsonObject
            {
                ["Last"] = ScheduleMonitor.Format(status.Last),
                ["Next"] = ScheduleMonitor.Format(status.Next),
                ["LastUpdated"] = ScheduleMonitor.Format(status.LastUpdated),
            },
            ["IsPastDue"] = isPastDue,
        };
        try
        {
            Invocations++;
            InvocationRequest request = FunctionInvoker.NewRequest(function);
            request.InputData.Add(new ParameterBinding { Name = _trigger.Name, Data = new TypedData { Json = timer.ToJsonString() } });
            await invoker.InvokeAsync(function, request, "Timer fired at " + clock.GetUtcNow().ToString("o", CultureInfo.InvariantCulture), NoValues, stopping);
        }
        catch (InvocationFailedException)
        {
            // Timers are not retried; the failure is logged by the invoker.
        }

        DateTimeOffset now = clock.GetUtcNow();
        var updated = new ScheduleStatus(now, schedule.GetNextOccurrence(now.UtcDateTime), now);
        if (useMonitor)
        {
            await monitor.WriteAsync(function.Name, updated, stopping);
        }

        return updated;
    }
}
