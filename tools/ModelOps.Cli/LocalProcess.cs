using System.Diagnostics;

namespace ModelOps.Cli;

/// <summary>A child process that <c>modelops up</c> started and therefore stops (with its whole tree) on exit.</summary>
internal sealed class LocalProcess
{
    private readonly Process _process;

    private LocalProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static LocalProcess Start(string name, string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment, TextWriter log)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (KeyValuePair<string, string> variable in environment ?? new Dictionary<string, string>())
        {
            info.Environment[variable.Key] = variable.Value;
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Write(log, name, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, name, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new LocalProcess(name, process);
    }

    private static void Write(TextWriter log, string name, string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            lock (log)
            {
                log.WriteLine($"[{name}] {line}");
            }
        }
    }

    /// <summary>Ends the process and every process it started (a host's workers too), and waits until they are gone.</summary>
    public void Stop()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }

        _process.Dispose();
    }
}
