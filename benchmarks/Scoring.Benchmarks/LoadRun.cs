using System.Diagnostics;

namespace Scoring.Benchmarks;

/// <summary>What one target did at one concurrency: throughput and latency percentiles.</summary>
internal sealed record LoadResult(double RequestsPerSecond, double P50Ms, double P99Ms);

/// <summary>
/// A bounded closed loop: <c>concurrency</c> callers send back to back until <c>requests</c> are done (after a
/// short warm-up), or, for a hot swap, until a window ends. Any failed request fails the run.
/// </summary>
internal static class LoadRun
{
    public static async Task<LoadResult> MeasureAsync(int concurrency, int requests, Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        for (int i = 0; i < Math.Min(200, requests / 5); i++)
        {
            await send(cancellationToken);
        }

        var latencies = new double[requests];
        int next = -1;
        long started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < requests)
            {
                long t = Stopwatch.GetTimestamp();
                await send(cancellationToken);
                latencies[index] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }
        }));
        return Summarize(latencies, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Runs until <paramref name="window"/> completes (a hot swap, say); every latency in the window counts.</summary>
    public static async Task<LoadResult> MeasureWhileAsync(int concurrency, Task window, Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        var all = new List<double>[concurrency];
        long started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async c =>
        {
            var mine = all[c] = [];
            while (!window.IsCompleted)
            {
                long t = Stopwatch.GetTimestamp();
                await send(cancellationToken);
                mine.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        }));
        await window;
        return Summarize(all.SelectMany(l => l).ToArray(), Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The median of each figure over rounds.</summary>
    public static LoadResult Median(IEnumerable<LoadResult> rounds)
    {
        LoadResult[] r = rounds.ToArray();
        static double Mid(IEnumerable<double> v)
        {
            double[] s = v.Order().ToArray();
            return s.Length % 2 == 1 ? s[s.Length / 2] : (s[(s.Length / 2) - 1] + s[s.Length / 2]) / 2;
        }

        return new LoadResult(Mid(r.Select(x => x.RequestsPerSecond)), Mid(r.Select(x => x.P50Ms)), Mid(r.Select(x => x.P99Ms)));
    }

    private static LoadResult Summarize(double[] latencies, TimeSpan elapsed)
    {
        Array.Sort(latencies);
        double Percentile(double p) => latencies[Math.Clamp((int)Math.Ceiling(p * latencies.Length) - 1, 0, latencies.Length - 1)];
        return new LoadResult(latencies.Length / elapsed.TotalSeconds, Percentile(0.50), Percentile(0.99));
    }
}
