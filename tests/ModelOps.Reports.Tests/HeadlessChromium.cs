using System.Diagnostics;
using System.Text;

namespace ModelOps.Reports.Tests;

/// <summary>Debian's <c>chromium</c> in headless mode, each run with a new profile, no network services, and a generous timeout.</summary>
internal static class HeadlessChromium
{
    public const string Executable = "/usr/bin/chromium";

    /// <summary>The DOM after the page loaded and rendered.</summary>
    public static Task<string> DumpDomAsync(string htmlFile) => RunAsync(htmlFile, "--dump-dom");

    /// <summary>Saves a PNG of the page at 1200×2400 to <paramref name="pngFile"/>.</summary>
    public static async Task ScreenshotAsync(string htmlFile, string pngFile)
    {
        await RunAsync(htmlFile, "--screenshot=" + pngFile, "--window-size=1200,2400", "--hide-scrollbars");
        if (!File.Exists(pngFile)) throw new InvalidOperationException("chromium wrote no screenshot to " + pngFile);
    }

    private static async Task<string> RunAsync(string htmlFile, params string[] extra)
    {
        string profile = Directory.CreateTempSubdirectory("chromium-profile-").FullName;
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
        }.Concat(extra))
        {
            info.ArgumentList.Add(arg);
        }

        info.ArgumentList.Add(new Uri(htmlFile).AbsoluteUri);
        using var process = new Process { StartInfo = info };
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish within 3 minutes: " + stderr);
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the profile is under the temp directory.
            }
        }

        if (process.ExitCode != 0) throw new InvalidOperationException($"chromium exited with {process.ExitCode}: {stderr}");
        return await stdout;
    }
}
