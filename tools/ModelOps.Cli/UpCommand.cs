using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using ModelOps.Storage;

namespace ModelOps.Cli;

/// <summary>
/// <c>modelops up</c>: the local stack. Starts Azurite (data in <c>.modelops/azurite</c>) and maildev
/// unless they already run, then both function apps on loopback under the local Functions host, writes
/// <c>.modelops/stack.json</c> for scripts and tests, prints where everything listens, and stops what it
/// started on Ctrl-C, SIGINT or SIGTERM.
/// </summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port of the Scoring app (Pipelines uses the next one).", DefaultValueFactory = _ => 7071 };
        var noDemo = new Option<bool>("--no-demo") { Description = "Do not seed the demo model." };
        var configuration = new Option<string>("--configuration") { Description = "Build configuration of the function apps.", DefaultValueFactory = _ => "Release" };
        Option<bool> quiet = CliOptions.Quiet();
        var command = new Command("up", "Run the local stack: Azurite, maildev, both function apps, and a demo model.") { port, noDemo, configuration, quiet };
        command.SetAction(async (result, cancellationToken) =>
        {
            int scoringPort = result.GetValue(port);
            if (scoringPort is < 1024 or > 65534)
            {
                Console.Error.WriteLine($"--port must be between 1024 and 65534 (got {scoringPort}).");
                return 2;
            }

            var layout = new StackLayout(StackLayout.FindRoot(Directory.GetCurrentDirectory()), result.GetValue(configuration)!, scoringPort, scoringPort + 1);
            return await RunAsync(layout, result.GetValue(noDemo), result.GetValue(quiet) ? TextWriter.Null : Console.Out, cancellationToken);
        });
        return command;
    }

    /// <summary>Runs the stack until a signal; progress and the summary go to <paramref name="output"/> (nothing with <c>--quiet</c>), errors to standard error.</summary>
    private static async Task<int> RunAsync(StackLayout layout, bool noDemo, TextWriter output, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Action<PosixSignalContext> onSignal = context =>
        {
            // Stop in order (disposing the stack) instead of the runtime's default of ending at once.
            context.Cancel = true;
            stop.Cancel();
        };
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, onSignal);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, onSignal);
        using var stack = new LocalStack(layout, output);
        try
        {
            StorageConnection storage = CliStorage.FromEnvironment();
            bool externalStorage = storage.IsConfigured;
            await LocalSettingsFile.EnsureAsync(layout, stop.Token);
            await stack.StartAsync(externalStorage, stop.Token);
            var skipped = stack.Skipped.ToList();
            string? demoData = null, demoModel = null;
            if (noDemo)
            {
                skipped.Add("demo model (--no-demo)");
            }
            else
            {
                demoData = DemoSeed.WriteData(layout);
                demoModel = await DemoModel.EnsureAsync(layout, demoData, storage, stop.Token);
                skipped.Add("report page (not in this build yet)");
            }

            await WriteStackFileAsync(layout, noDemo ? null : DemoModel.Name, stop.Token);
            PrintSummary(output, layout, skipped, demoData, demoModel);

            while (!stop.IsCancellationRequested)
            {
                if (stack.FirstExited() is { } exited)
                {
                    Console.Error.WriteLine($"{exited.Name} exited with code {exited.ExitCode}; stopping the stack.");
                    return 1;
                }

                await Task.Delay(500, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            output.WriteLine("Stopping what modelops up started…");
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine("modelops up: " + e.Message);
            return 1;
        }
    }

    private static void PrintSummary(TextWriter output, StackLayout layout, IReadOnlyList<string> skipped, string? demoData, string? demoModel)
    {
        output.WriteLine();
        output.WriteLine("ModelOps Functions is running locally:");
        output.WriteLine($"  Scoring app     http://127.0.0.1:{layout.ScoringPort}/api/health");
        output.WriteLine($"  Pipelines app   http://127.0.0.1:{layout.PipelinesPort}/api/health");
        output.WriteLine($"  Storage         blob 127.0.0.1:{StackLayout.BlobPort}, queue :{StackLayout.QueuePort}, table :{StackLayout.TablePort}");
        output.WriteLine($"  Mail inbox      http://127.0.0.1:{StackLayout.MailWebPort}/  (SMTP 127.0.0.1:{StackLayout.SmtpPort})");
        output.WriteLine($"  Stack file      {Path.GetRelativePath(layout.Root, layout.StackFile)} (URLs, demo model, where the keys are)");
        output.WriteLine($"  Settings        {Path.GetRelativePath(layout.Root, layout.SettingsFile)} (function, master and audit keys)");
        if (demoData is not null)
        {
            output.WriteLine($"  Demo data       {Path.GetRelativePath(layout.Root, demoData)} (synthetic churn; drifted copy beside it)");
        }

        if (demoModel is not null)
        {
            output.WriteLine($"  Demo model      {demoModel}; file and training report in {Path.GetRelativePath(layout.Root, Path.Combine(layout.StateFolder, "demo"))}");
        }

        output.WriteLine();
        output.WriteLine("Try it:");
        output.WriteLine($"  curl -s http://127.0.0.1:{layout.ScoringPort}/api/health");
        if (demoModel is not null)
        {
            output.WriteLine($"  curl -s -H \"x-functions-key: $(jq -r .{LocalSettingsFile.FunctionKeyPath} {Path.GetRelativePath(layout.Root, layout.SettingsFile)})\" http://127.0.0.1:{layout.PipelinesPort}/api/models/{DemoModel.Name}");
        }

        foreach (string item in skipped)
        {
            output.WriteLine($"  skipped: {item}");
        }

        output.WriteLine();
        output.WriteLine("Press Ctrl-C to stop everything modelops up started.");
    }

    /// <summary>Writes <c>stack.json</c>: where things listen, the demo model, and where the secrets are (never the secrets).</summary>
    internal static async Task WriteStackFileAsync(StackLayout layout, string? demoModel, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(layout.StateFolder);
        bool externalStorage = CliStorage.FromEnvironment().IsConfigured;
        var stack = new StackFile(
            ScoringUrl: $"http://127.0.0.1:{layout.ScoringPort}",
            PipelinesUrl: $"http://127.0.0.1:{layout.PipelinesPort}",
            MaildevUrl: $"http://127.0.0.1:{StackLayout.MailWebPort}",
            StorageConnectionString: externalStorage ? null : "UseDevelopmentStorage=true",
            SettingsFile: layout.SettingsFile,
            Secrets: new StackSecrets(
                FunctionKey: LocalSettingsFile.FunctionKeyPath,
                MasterKey: LocalSettingsFile.MasterKeyPath,
                AuditKey: LocalSettingsFile.AuditKeyPath,
                StorageConnectionString: externalStorage ? "the AzureWebJobsStorage environment variable" : null),
            DemoModel: demoModel);
        await File.WriteAllTextAsync(layout.StackFile, JsonSerializer.Serialize(stack, CliJsonContext.Default.StackFile), cancellationToken);
    }
}

/// <summary>
/// What <c>.modelops/stack.json</c> holds, so scripts and tests can find the running stack. Secrets stay in the
/// settings file; <see cref="Secrets"/> says where in it each one is (a JSON path).
/// </summary>
internal sealed record StackFile(
    string ScoringUrl,
    string PipelinesUrl,
    string MaildevUrl,
    string? StorageConnectionString,
    string SettingsFile,
    StackSecrets Secrets,
    string? DemoModel);

/// <summary>Where each secret of the stack is: a JSON path in the settings file, or the environment variable.</summary>
internal sealed record StackSecrets(string FunctionKey, string MasterKey, string AuditKey, string? StorageConnectionString);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StackFile))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
