namespace LocalFunctionsHost.Tests;

/// <summary>The documented NCRONTAB examples (Azure Functions timer trigger docs), six fields, UTC, through NCrontab.</summary>
public sealed class TimerScheduleTests
{
    private static DateTime Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) => new(y, mo, d, h, mi, s, DateTimeKind.Utc);

    [Theory]
    [InlineData("0 */5 * * * *", "2026-11-22T10:02:30", "2026-11-22T10:05:00")]
    [InlineData("0 */5 * * * *", "2026-11-22T10:05:00", "2026-11-22T10:10:00")]
    [InlineData("0 0 * * * *", "2026-11-22T10:00:00", "2026-11-22T11:00:00")]
    [InlineData("0 30 9 * * 1-5", "2026-11-20T10:00:00", "2026-11-23T09:30:00")]
    [InlineData("0 30 9 * * MON-FRI", "2026-11-20T10:00:00", "2026-11-23T09:30:00")]
    [InlineData("0 0 0 1 * *", "2026-11-22T08:00:00", "2026-12-01T00:00:00")]
    [InlineData("5-10/2 * * * * *", "2026-11-22T10:00:05", "2026-11-22T10:00:07")]
    [InlineData("0 0 9-17 * * *", "2026-11-22T17:30:00", "2026-11-23T09:00:00")]
    [InlineData("0 15,45 * * * *", "2026-11-22T10:20:00", "2026-11-22T10:45:00")]
    public void Next_occurrence_matches_the_documented_meaning(string expression, string after, string expected)
    {
        DateTime from = DateTime.SpecifyKind(DateTime.Parse(after, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

        DateTime next = TimerSchedule.Parse(expression).GetNextOccurrence(from);

        next.Should().Be(DateTime.SpecifyKind(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc));
    }

    [Theory]
    [InlineData("*/5 * * * *")]
    [InlineData("61 * * * * *")]
    [InlineData("0 0 0 * FOO *")]
    [InlineData("0 0 25 * * *")]
    public void Malformed_expressions_are_rejected_naming_the_schedule(string expression)
    {
        Action parse = () => TimerSchedule.Parse(expression);

        parse.Should().Throw<FormatException>().Which.Message.Should().Contain(expression).And.Contain("six-field NCRONTAB");
    }

    [Fact]
    public void A_timespan_schedule_runs_at_a_fixed_interval_and_uses_the_monitor_only_from_a_minute()
    {
        TimerSchedule every5 = TimerSchedule.Parse("00:05:00");
        TimerSchedule every10s = TimerSchedule.Parse("*/10 * * * * *");

        every5.GetNextOccurrence(Utc(2026, 1, 1, 0, 0, 0)).Should().Be(Utc(2026, 1, 1, 0, 5, 0));
        every5.DefaultUseMonitor(Utc(2026, 1, 1)).Should().BeTrue();
        every10s.DefaultUseMonitor(Utc(2026, 1, 1)).Should().BeFalse();
    }
}
