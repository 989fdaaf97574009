using System.Diagnostics;
using System.Text.RegularExpressions;
using ModelOps.Cli;
using ModelOps.Testing;

namespace ModelOps.Cli.Tests;

/// <summary>
/// The README says what exists today: its command blocks marked "runs without a stack" run as written, in order,
/// from a folder that looks like a clean clone (the built CLI and the examples beside the commands); the block
/// marked "runs against storage" runs after them against a test Azurite. Every other bash block must be one that
/// needs the running stack, the test set-up or data the repository does not ship.
/// </summary>
[Collection(AzuriteConsoleCollection.Name)]
public sealed partial class ReadmeTests(AzuriteFixture azurite) : IDisposable
{
    private const string Offline = "<!-- runs without a stack -->";
    private const string AgainstStorage = "<!-- runs against storage -->";
    private readonly string _clone = Directory.CreateTempSubdirectory("readme-").FullName;

    private static string Readme => File.ReadAllText(Path.Combine(RepositoryLayout.Root, "README.md"));

    private static IReadOnlyList<(string Marker, string Script)> Blocks() =>
        BashBlock().Matches(Readme).Select(m => (m.Groups["marker"].Value.Trim(), m.Groups["script"].Value)).ToArray();

    [Fact]
    public async Task The_readme_command_blocks_run_as_written()
    {
        foreach (string folder in new[] { "tools", "examples", "schemas" })
        {
            Directory.CreateSymbolicLink(Path.Combine(_clone, folder), Path.Combine(RepositoryLayout.Root, folder));
        }

        string offline = string.Join('\n', Blocks().Where(b => b.Marker == Offline).Select(b => b.Script));
        string storage = string.Join('\n', Blocks().Where(b => b.Marker == AgainstStorage).Select(b => b.Script));
        offline.Should().Contain("demo-data").And.Contain("drift");
        storage.Should().Contain("models register");

        (int exit, string output) = await RunAsync(offline + "\n" + storage);

        exit.Should().Be(0, output);
        File.ReadLines(Path.Combine(_clone, "scores.csv")).First().Should().StartWith("customer_id,");
        File.Exists(Path.Combine(_clone, "drift.json")).Should().BeTrue();
        output.Should().Contain("intact: ").And.Contain("churn\tv2\t");
    }

    [Fact]
    public void Every_unmarked_bash_block_needs_the_stack_the_test_setup_or_data_not_shipped()
    {
        string[] needsMore = ["./build.sh", "dotnet test", "dotnet run", "onnx check", "LocalFunctionsHost"];

        foreach ((string marker, string script) in Blocks().Where(b => b.Marker is not (Offline or AgainstStorage)))
        {
            needsMore.Should().Contain(n => script.Contains(n, StringComparison.Ordinal), $"this README block is neither marked nor known to need more:\n{script}");
        }
    }

    [Fact]
    public void The_exit_code_table_is_the_one_the_commands_use()
    {
        string table = Readme[Readme.IndexOf("## Exit codes", StringComparison.Ordinal)..];
        int[] documented = ExitRow().Matches(table).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        documented.Should().Equal(CliRun.Ok, CliRun.Failed, CliRun.Usage, CliRun.CheckFailed, CliRun.Cancelled);
    }

    private async Task<(int Exit, string Output)> RunAsync(string script)
    {
        string path = Path.Combine(_clone, "readme.sh");
        await File.WriteAllTextAsync(path, "set -eu\n" + script);
        var start = new ProcessStartInfo("bash", [path]) { WorkingDirectory = _clone, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["AzureWebJobsStorage"] = azurite.ConnectionString;
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(), error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await error);
    }

    [GeneratedRegex(@"(?<marker><!--[^>]*-->\n)?```bash\n(?<script>.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    [GeneratedRegex(@"^\| (\d+) \|", RegexOptions.Multiline)]
    private static partial Regex ExitRow();

    public void Dispose() => Directory.Delete(_clone, recursive: true);
}
