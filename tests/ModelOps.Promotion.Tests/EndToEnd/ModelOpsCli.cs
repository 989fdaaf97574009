using System.Diagnostics;
using ModelOps.Testing;

namespace ModelOps.Promotion.Tests.EndToEnd;

/// <summary>The <c>modelops</c> CLI from its build output, run as a user runs it, against an app of the local host.</summary>
internal static class ModelOpsCli
{
    private static string Assembly
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return Path.Combine(RepositoryLayout.Root, "tools", "ModelOps.Cli", "bin", testOutput.Parent!.Name, testOutput.Name, "modelops.dll");
        }
    }

    /// <summary>Runs <c>modelops</c> with <paramref name="arguments"/>; answers its exit code and what it printed.</summary>
    public static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Assembly);
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        info.Environment.Remove("MODELOPS_FUNCTION_KEY");
        using Process process = Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await output, await error);
    }
}
