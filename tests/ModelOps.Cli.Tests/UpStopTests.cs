using System.Diagnostics;
using System.Globalization;
using System.Text;
using ModelOps.Testing;

namespace ModelOps.Cli.Tests;

/// <summary>
/// <c>modelops up</c> as a user runs it, in a scratch copy of the repository layout: a signal stops everything it
/// started (Azurite and maildev when it started them, the local Functions host and its workers) and leaves no
/// process behind and nothing listening on the apps' ports.
/// </summary>
public sealed class UpStopTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("modelops-up-").FullName;

    public UpStopTests()
    {
        // What up reads from a checkout: the solution marker, the settings sample, node_modules and the build outputs.
        File.WriteAllText(Path.Combine(_root, "Functions.sln"), string.Empty);
        File.Copy(Path.Combine(RepositoryLayout.Root, "local.settings.sample.json"), Path.Combine(_root, "local.settings.sample.json"));
        foreach (string folder in new[] { "node_modules", "functions", "tools" })
        {
            Directory.CreateSymbolicLink(Path.Combine(_root, folder), Path.Combine(RepositoryLayout.Root, folder));
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task A_signal_stops_everything_up_started(string signal)
    {
        int port = FreePortPair();
        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using Process up = StartUp(port, output, ready);
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromMinutes(4));
            int[] started = Descendants(up.Id);
            bool[] listeningBefore = [Listening(port), Listening(port + 1)];

            Signal(up.Id, signal);
            await up.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));

            string log = Text(output);
            listeningBefore.Should().Equal([true, true], log);
            started.Length.Should().BeGreaterThanOrEqualTo(3, "the host and its two workers run under up: " + log);
            up.ExitCode.Should().Be(0, log);
            (await StillRunningAsync(started)).Should().BeEmpty("up stops every process it started: " + log);
            Listening(port).Should().BeFalse();
            Listening(port + 1).Should().BeFalse();
        }
        finally
        {
            if (!up.HasExited)
            {
                up.Kill(entireProcessTree: true);
            }
        }
    }

    private Process StartUp(int port, StringBuilder output, TaskCompletionSource ready)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string configuration = testOutput.Parent!.Name;
        string cli = Path.Combine(RepositoryLayout.Root, "tools", "ModelOps.Cli", "bin", configuration, testOutput.Name, "modelops.dll");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = _root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { cli, "up", "--no-demo", "--port", port.ToString(CultureInfo.InvariantCulture), "--configuration", configuration })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("AzureWebJobsStorage");
        var process = new Process { StartInfo = info };
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data.Contains("Press Ctrl-C to stop", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("modelops up exited before it was ready: " + Text(output)));
        process.EnableRaisingEvents = true;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static void Signal(int pid, string signal)
    {
        using Process kill = Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        kill.ExitCode.Should().Be(0);
    }

    /// <summary>Every process below <paramref name="pid"/>, from the parent ids in /proc.</summary>
    private static int[] Descendants(int pid)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out int id) && ParentOf(id) is { } parent)
            {
                (children.TryGetValue(parent, out List<int>? list) ? list : children[parent] = []).Add(id);
            }
        }

        var found = new List<int>();
        var pending = new Queue<int>([pid]);
        while (pending.TryDequeue(out int next))
        {
            foreach (int child in children.GetValueOrDefault(next) ?? [])
            {
                found.Add(child);
                pending.Enqueue(child);
            }
        }

        return found.ToArray();
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields[0] == "Z" ? null : int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task<int[]> StillRunningAsync(int[] pids)
    {
        var stopwatch = Stopwatch.StartNew();
        int[] running;
        do
        {
            running = pids.Where(p => ParentOf(p) is not null).ToArray();
            if (running.Length == 0)
            {
                break;
            }

            await Task.Delay(200);
        }
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(30));

        return running;
    }

    private static bool Listening(int port) => !LoopbackPorts.IsFree(port);

    private static int FreePortPair()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            int port = LoopbackPorts.GetFree();
            if (port is >= 1024 and < 65000 && LoopbackPorts.IsFree(port + 1))
            {
                return port;
            }
        }

        throw new InvalidOperationException("No two consecutive free loopback ports.");
    }
}
