using System.Globalization;

namespace LocalFunctionsHost;

/// <summary>
/// A six-field NCRONTAB schedule, <c>{second} {minute} {hour} {day} {month} {day-of-week}</c>, in UTC,
/// as Azure Functions timer triggers use it: <c>*</c>, values, ranges <c>a-b</c>, steps <c>*/n</c> and
/// <c>a-b/n</c>, lists <c>a,b</c>, and names for months (JAN–DEC) and days (SUN–SAT, 0 and 7 both Sunday).
/// Day-of-month and day-of-week combine with AND when both are restricted, as NCrontab does.
/// </summary>
internal sealed class Ncrontab
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly bool[] _seconds;
    private readonly bool[] _minutes;
    private readonly bool[] _hours;
    private readonly bool[] _days;
    private readonly bool[] _months;
    private readonly bool[] _weekdays;

    private Ncrontab(string expression, bool[][] fields)
    {
        Expression = expression;
        (_seconds, _minutes, _hours, _days, _months, _weekdays) = (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
    }

    public string Expression { get; }

    public static Ncrontab Parse(string expression)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expression);
        string[] parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6)
        {
            throw new FormatException($"NCRONTAB '{expression}' has {parts.Length} fields; a timer schedule has six: second minute hour day month day-of-week.");
        }

        bool[] weekdays = ParseField(parts[5], 0, 7, DayNames, "day-of-week");
        if (weekdays[7])
        {
            weekdays[0] = true;
        }

        return new Ncrontab(expression,
        [
            ParseField(parts[0], 0, 59, null, "second"),
            ParseField(parts[1], 0, 59, null, "minute"),
            ParseField(parts[2], 0, 23, null, "hour"),
            ParseField(parts[3], 1, 31, null, "day"),
            ParseField(parts[4], 1, 12, MonthNames, "month"),
            weekdays,
        ]);
    }

    private static bool[] ParseField(string field, int min, int max, string[]? names, string what)
    {
        var set = new bool[max + 1];
        foreach (string item in field.Split(','))
        {
            string range = item;
            int step = 1;
            int slash = item.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                range = item[..slash];
                if (!int.TryParse(item[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1)
                {
                    throw new FormatException($"NCRONTAB {what} step in '{item}' must be a positive number.");
                }
            }

            int from, to;
            if (range == "*")
            {
                (from, to) = (min, max);
            }
            else
            {
                int dash = range.IndexOf('-', StringComparison.Ordinal);
                from = Value(dash < 0 ? range : range[..dash], min, max, names, what);
                to = dash < 0 ? (slash >= 0 ? max : from) : Value(range[(dash + 1)..], min, max, names, what);
                if (to < from)
                {
                    throw new FormatException($"NCRONTAB {what} range '{range}' runs backwards.");
                }
            }

            for (int v = from; v <= to; v += step)
            {
                set[v] = true;
            }
        }

        return set;
    }

    private static int Value(string text, int min, int max, string[]? names, string what)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
        {
            if (value < min || value > max)
            {
                throw new FormatException($"NCRONTAB {what} value {value} is outside {min}–{max}.");
            }

            return value;
        }

        int index = names is null ? -1 : Array.FindIndex(names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            throw new FormatException($"NCRONTAB {what} value '{text}' is neither a number nor a known name.");
        }

        return index + (min == 1 ? 1 : 0);
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/> (UTC), searched up to five years ahead.</summary>
    public DateTime GetNextOccurrence(DateTime after)
    {
        DateTime t = new DateTime(after.Ticks - (after.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc).AddSeconds(1);
        DateTime limit = t.AddYears(5);
        while (t < limit)
        {
            if (!_months[t.Month])
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
                continue;
            }

            if (!_days[t.Day] || !_weekdays[(int)t.DayOfWeek])
            {
                t = t.Date.AddDays(1);
                continue;
            }

            if (!_hours[t.Hour])
            {
                t = new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc).AddHours(1);
                continue;
            }

            if (!_minutes[t.Minute])
            {
                t = new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, DateTimeKind.Utc).AddMinutes(1);
                continue;
            }

            if (!_seconds[t.Second])
            {
                t = t.AddSeconds(1);
                continue;
            }

            return t;
        }

        throw new InvalidOperationException($"NCRONTAB '{Expression}' has no occurrence within five years.");
    }
}

/// <summary>A timer schedule: NCRONTAB, or a fixed interval written as a TimeSpan (<c>hh:mm:ss</c>).</summary>
internal sealed class TimerSchedule
{
    private readonly Ncrontab? _cron;
    private readonly TimeSpan _interval;

    private TimerSchedule(Ncrontab? cron, TimeSpan interval)
    {
        _cron = cron;
        _interval = interval;
    }

    public static TimerSchedule Parse(string schedule)
    {
        if (!schedule.Contains(' ', StringComparison.Ordinal) && TimeSpan.TryParse(schedule, CultureInfo.InvariantCulture, out TimeSpan interval))
        {
            if (interval <= TimeSpan.Zero)
            {
                throw new FormatException($"Timer interval '{schedule}' must be positive.");
            }

            return new TimerSchedule(null, interval);
        }

        return new TimerSchedule(Ncrontab.Parse(schedule), TimeSpan.Zero);
    }

    public DateTime GetNextOccurrence(DateTime after) => _cron?.GetNextOccurrence(after) ?? after + _interval;

    /// <summary>The real host uses the monitor by default when occurrences are at least a minute apart.</summary>
    public bool DefaultUseMonitor(DateTime now)
    {
        DateTime first = GetNextOccurrence(now);
        return GetNextOccurrence(first) - first >= TimeSpan.FromMinutes(1);
    }
}
