using System.Diagnostics;
using System.Globalization;
using System.Net;
using ModelOps.Testing;

namespace LocalFunctionsHost.Tests;

/// <summary>SIGINT and SIGTERM to the host process stop its workers and the host, leaving nothing behind.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ShutdownTests(AzuriteFixture azurite)
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    /// <summary>Sends a signal with the system's kill command.</summary>
    private static async Task<int> SignalAsync(int pid, int signal)
    {
        using Process kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        return kill.ExitCode;
    }

    internal static string HostAssembly => Path.Combine(
        RepositoryLayout.Root, "tools", "LocalFunctionsHost", "bin",
        Path.GetFileName(Path.GetDirectoryName(TestApp.AppFolder.TrimEnd(Path.DirectorySeparatorChar))!), "net10.0", "LocalFunctionsHost.dll");

    [Theory]
    [InlineData(SigTerm)]
    [InlineData(SigInt)]
    public async Task A_signal_stops_the_workers_and_the_host_and_frees_the_port(int signal)
    {
        (string folder, string settings) = await TestApp.WriteSettingsAsync(azurite.ConnectionString, ["Open"]);
        int port = LoopbackPorts.GetFree();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { HostAssembly, TestApp.AppFolder, "--port", port.ToString(CultureInfo.InvariantCulture), "--settings", settings })
        {
            info.ArgumentList.Add(arg);
        }

        using Process host = Process.Start(info)!;
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };
            await TestApp.WaitUntilAsync(async () => await StatusAsync(http) == HttpStatusCode.OK, "the host to be ready", seconds: 120);
            int[] workers = Children(host.Id);
            workers.Should().NotBeEmpty("the host runs the app's worker as its child");

            (await SignalAsync(host.Id, signal)).Should().Be(0);
            using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await host.WaitForExitAsync(stopped.Token);

            host.ExitCode.Should().Be(0);
            workers.Where(IsAlive).Should().BeEmpty("no worker outlives the host");
            LoopbackPorts.IsFree(port).Should().BeTrue();
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<HttpStatusCode?> StatusAsync(HttpClient http)
    {
        try
        {
            using HttpResponseMessage response = await http.GetAsync(new Uri($"admin/host/status?code={TestApp.MasterKey}", UriKind.Relative));
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The processes whose parent is <paramref name="pid"/>, from /proc.</summary>
    private static int[] Children(int pid)
    {
        var children = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int candidate))
            {
                continue;
            }

            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == pid)
                {
                    children.Add(candidate);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return [.. children];
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
