using System.Globalization;

namespace Scoring.Benchmarks;

/// <summary>
/// CPU time used so far by this process (the load and the local host in it) and each process it started (the
/// worker, Azurite, the minimal API peer), read from <c>/proc</c>: where a request's time goes, process by process.
/// A busy machine inflates it too (waiting threads spin, caches go cold), so compare cells of one run. Empty where
/// there is no <c>/proc</c>.
/// </summary>
internal static class ProcessCpu
{
    private const double TicksPerSecond = 100;

    /// <summary>CPU time by process role: <c>bench+host</c>, <c>worker</c>, <c>azurite</c>, <c>peer</c>.</summary>
    public static Dictionary<string, TimeSpan> Sample()
    {
        var used = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        if (!Directory.Exists("/proc"))
        {
            return used;
        }

        int self = Environment.ProcessId;
        foreach (string folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            try
            {
                // Fields after the command name: state, ppid, …, utime (14th of the line), stime (15th).
                string stat = File.ReadAllText(Path.Combine(folder, "stat"));
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                int parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (pid != self && parent != self)
                {
                    continue;
                }

                string command = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ');
                string role = pid == self ? "bench+host"
                    : command.Contains("azurite", StringComparison.OrdinalIgnoreCase) ? "azurite"
                    : command.Contains("ModelOps.Scoring.Functions", StringComparison.Ordinal) ? "worker"
                    : command.Contains(" peer ", StringComparison.Ordinal) ? "peer"
                    : "other";
                double ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                used[role] = used.GetValueOrDefault(role) + TimeSpan.FromSeconds(ticks / TicksPerSecond);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended while it was read, or is not ours to read.
            }
        }

        return used;
    }

    /// <summary>Microseconds of CPU per request in each role between two samples.</summary>
    public static Dictionary<string, double> PerRequest(Dictionary<string, TimeSpan> before, Dictionary<string, TimeSpan> after, int requests) =>
        after.ToDictionary(a => a.Key, a => (a.Value - before.GetValueOrDefault(a.Key)).TotalMicroseconds / requests, StringComparer.Ordinal);
}
