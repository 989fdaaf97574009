using System.Diagnostics;
using LocalFunctionsHost.Benchmarks;

namespace Scoring.Benchmarks;

/// <summary>
/// What the shared closed loop (<see cref="LoadRun"/>) does not: a load that lasts as long as a window does (a hot
/// swap), where every latency in the window counts, and the median of each figure over rounds.
/// </summary>
internal static class LoadWindow
{
    public static async Task<LoadResult> MeasureWhileAsync(string target, int concurrency, Task window, Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        var callers = new List<double>[concurrency];
        long started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async c =>
        {
            List<double> mine = callers[c] = [];
            while (!window.IsCompleted)
            {
                long t = Stopwatch.GetTimestamp();
                await send(cancellationToken);
                mine.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        }));
        await window;
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        double[] sorted = callers.SelectMany(l => l).Order().ToArray();
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new LoadResult(target, concurrency, sorted.Length, sorted.Length / seconds, At(0.50), At(0.99));
    }

    /// <summary>Each figure's median over the rounds of one target and concurrency.</summary>
    public static LoadResult Median(IReadOnlyList<LoadResult> rounds) =>
        new(rounds[0].Target, rounds[0].Concurrency, rounds[0].Requests,
            Median(rounds.Select(r => r.RequestsPerSecond)), Median(rounds.Select(r => r.P50Ms)), Median(rounds.Select(r => r.P99Ms)));

    /// <summary>The median of some figures (the mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        double[] s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[(s.Length / 2) - 1] + s[s.Length / 2]) / 2;
    }
}
