using System.Globalization;
using NCrontab;

namespace LocalFunctionsHost;

/// <summary>
/// A timer trigger's schedule as the Functions host reads it: a six-field NCRONTAB expression
/// (<c>{second} {minute} {hour} {day} {month} {day-of-week}</c>, UTC; parsed by NCrontab) or a
/// <c>hh:mm:ss</c> interval.
/// </summary>
internal sealed class TimerSchedule
{
    private readonly CrontabSchedule? _cron;
    private readonly TimeSpan _interval;

    private TimerSchedule(CrontabSchedule? cron, TimeSpan interval)
    {
        _cron = cron;
        _interval = interval;
    }

    public static TimerSchedule Parse(string schedule)
    {
        if (!schedule.Contains(' ', StringComparison.Ordinal) && TimeSpan.TryParse(schedule, CultureInfo.InvariantCulture, out TimeSpan interval))
        {
            return interval <= TimeSpan.Zero
                ? throw new FormatException($"Timer interval '{schedule}' must be positive.")
                : new TimerSchedule(null, interval);
        }

        try
        {
            return new TimerSchedule(CrontabSchedule.Parse(schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true }), TimeSpan.Zero);
        }
        catch (CrontabException e)
        {
            throw new FormatException($"Timer schedule '{schedule}' is not a six-field NCRONTAB expression (second minute hour day month day-of-week): {e.Message}", e);
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/> (UTC).</summary>
    public DateTime GetNextOccurrence(DateTime after) => _cron?.GetNextOccurrence(after) ?? after + _interval;

    /// <summary>The real host uses the monitor by default when occurrences are at least a minute apart.</summary>
    public bool DefaultUseMonitor(DateTime now)
    {
        DateTime first = GetNextOccurrence(now);
        return GetNextOccurrence(first) - first >= TimeSpan.FromMinutes(1);
    }
}
