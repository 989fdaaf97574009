using System.Diagnostics;

namespace ModelOps.Cli;

/// <summary>
/// What a long command tells its user on stderr: one line per step with its duration and, on a terminal, a bar
/// for counted work. A bar that stops short (a search that ends early) is wiped before the next line, so lines
/// never run into a half-drawn bar; when stderr is redirected no bar or carriage return is written at all.
/// <c>--quiet</c> silences all of it so scripts see only results and errors.
/// </summary>
internal sealed class ConsoleProgress(bool quiet, bool? terminal = null)
{
    private readonly bool _bars = !quiet && (terminal ?? !Console.IsErrorRedirected);
    private int _drawn;

    /// <summary>Runs one step, reporting it and how long it took.</summary>
    public T Step<T>(string description, Func<T> work)
    {
        var clock = Stopwatch.StartNew();
        Draw($"  {description} …");
        T result = work();
        Line($"  {description} ({clock.Elapsed.TotalSeconds:F1} s)");
        return result;
    }

    /// <summary>A line of information.</summary>
    public void Line(string text)
    {
        if (quiet) return;
        Wipe();
        Console.Error.WriteLine(text);
    }

    /// <summary>A progress bar for <paramref name="total"/> units of work (nothing when not on a terminal).</summary>
    public IProgress<int> Bar(string description, int total) => new BarProgress(this, description, total);

    private void Draw(string text)
    {
        if (!_bars) return;
        Wipe();
        Console.Error.Write(text);
        _drawn = text.Length;
    }

    private void Wipe()
    {
        if (_drawn == 0) return;
        Console.Error.Write('\r' + new string(' ', _drawn) + '\r');
        _drawn = 0;
    }

    private sealed class BarProgress(ConsoleProgress owner, string description, int total) : IProgress<int>
    {
        public void Report(int value)
        {
            if (!owner._bars || total <= 0) return;
            int width = 30, filled = Math.Clamp(value * width / total, 0, width);
            owner.Draw($"  {description} [{new string('#', filled)}{new string('-', width - filled)}] {Math.Min(value, total)}/{total}");
            if (value >= total) owner.Wipe();
        }
    }
}
