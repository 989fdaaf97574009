using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ModelOps.Testing;

/// <summary>
/// A local service from the repository's node_modules (Azurite, maildev) run by a test fixture: started with
/// <c>node</c> on free loopback ports, ready when every port listens, its output kept for failure messages, and
/// stopped (by its own id, with its process tree) when disposed.
/// </summary>
public sealed class NodeServiceProcess : IDisposable
{
    private const int Attempts = 3;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private NodeServiceProcess(IReadOnlyList<int> ports) => Ports = ports;

    /// <summary>The ports the service was started on, in the order asked for.</summary>
    public IReadOnlyList<int> Ports { get; }

    /// <summary>What the service printed.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="script"/> on <paramref name="portCount"/> free ports, passing them to
    /// <paramref name="arguments"/>; a port taken between the probe and the start is retried on new ports.
    /// </summary>
    public static async Task<NodeServiceProcess> StartAsync(
        string name, string script, int portCount, Func<IReadOnlyList<int>, IEnumerable<string>> arguments, string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        for (int attempt = 1; ; attempt++)
        {
            int[] ports = Enumerable.Range(0, portCount).Select(_ => LoopbackPorts.GetFree()).ToArray();
            var service = new NodeServiceProcess(ports);
            try
            {
                Process process = service.Start(script, arguments(ports), workingDirectory);
                foreach (int port in ports)
                {
                    await LoopbackPorts.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(60), () => !process.HasExited);
                }

                return service;
            }
            catch (Exception) when (attempt < Attempts)
            {
                service.Dispose();
            }
            catch (Exception e)
            {
                string output = service.Output;
                service.Dispose();
                throw new InvalidOperationException($"{name} did not start: {output}", e);
            }
        }
    }

    /// <summary>A port as a command-line argument.</summary>
    public static string Arg(int port) => port.ToString(CultureInfo.InvariantCulture);

    private Process Start(string script, IEnumerable<string> arguments, string? workingDirectory)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        info.ArgumentList.Add(script);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }

        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        _process = null;
    }
}
