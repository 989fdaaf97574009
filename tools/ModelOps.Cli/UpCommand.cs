using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using ModelOps.Storage;

namespace ModelOps.Cli;

/// <summary>
/// <c>modelops up</c>: the local stack. Starts Azurite (data in <c>.modelops/azurite</c>) and maildev
/// unless they already run, then both function apps on loopback, writes <c>.modelops/stack.json</c>
/// for scripts and tests, prints where everything listens, and stops what it started on Ctrl-C.
/// </summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port of the Scoring app (Pipelines uses the next one).", DefaultValueFactory = _ => 7071 };
        var noDemo = new Option<bool>("--no-demo") { Description = "Do not seed the demo model." };
        var configuration = new Option<string>("--configuration") { Description = "Build configuration of the function apps.", DefaultValueFactory = _ => "Release" };
        var command = new Command("up", "Run the local stack: Azurite, maildev, both function apps, and a demo model.") { port, noDemo, configuration };
        command.SetAction(async (result, cancellationToken) =>
        {
            int scoringPort = result.GetValue(port);
            if (scoringPort is < 1024 or > 65534)
            {
                Console.Error.WriteLine($"--port must be between 1024 and 65534 (got {scoringPort}).");
                return 2;
            }

            var layout = new StackLayout(StackLayout.FindRoot(Directory.GetCurrentDirectory()), result.GetValue(configuration)!, scoringPort, scoringPort + 1);
            return await RunAsync(layout, result.GetValue(noDemo), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(StackLayout layout, bool noDemo, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        await using var stack = new LocalStack(layout, Console.Out);
        try
        {
            StorageConnection storage = CliStorage.FromEnvironment();
            bool externalStorage = storage.IsConfigured;
            (string functionKey, string masterKey) = await LocalSettingsFile.EnsureAsync(layout, stop.Token);
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
            await WriteStackFileAsync(layout, storage, functionKey, masterKey, stop.Token);
            PrintSummary(layout, skipped, demoData, demoModel);

            while (!stop.IsCancellationRequested)
            {
                if (stack.FirstExited() is { } exited)
                {
                    Console.Error.WriteLine($"{exited.Name} exited with code {exited.ExitCode}; stopping the stack.");
                    return 1;
                }

                await Task.Delay(500, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            Console.WriteLine("Stopping what modelops up started…");
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
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static void PrintSummary(StackLayout layout, IReadOnlyList<string> skipped, string? demoData, string? demoModel)
    {
        Console.WriteLine();
        Console.WriteLine("ModelOps Functions is running locally:");
        Console.WriteLine($"  Scoring app     http://127.0.0.1:{layout.ScoringPort}/api/health");
        Console.WriteLine($"  Pipelines app   http://127.0.0.1:{layout.PipelinesPort}/api/health");
        Console.WriteLine($"  Storage         blob 127.0.0.1:{StackLayout.BlobPort}, queue :{StackLayout.QueuePort}, table :{StackLayout.TablePort}");
        Console.WriteLine($"  Mail inbox      http://127.0.0.1:{StackLayout.MailWebPort}/  (SMTP 127.0.0.1:{StackLayout.SmtpPort})");
        Console.WriteLine($"  Stack file      {Path.GetRelativePath(layout.Root, Path.Combine(layout.StateFolder, "stack.json"))} (URLs and function keys)");
        Console.WriteLine($"  Settings        {Path.GetRelativePath(layout.Root, layout.SettingsFile)}");
        if (demoData is not null)
        {
            Console.WriteLine($"  Demo data       {Path.GetRelativePath(layout.Root, demoData)} (synthetic churn; drifted copy beside it)");
        }

        if (demoModel is not null)
        {
            Console.WriteLine($"  Demo model      {demoModel}; file and training report in {Path.GetRelativePath(layout.Root, Path.Combine(layout.StateFolder, "demo"))}");
        }

        Console.WriteLine();
        Console.WriteLine("Try it:");
        Console.WriteLine($"  curl -s http://127.0.0.1:{layout.ScoringPort}/api/health");
        if (demoModel is not null)
        {
            Console.WriteLine($"  curl -s -H \"x-functions-key: $(jq -r .functionKeys.default {Path.GetRelativePath(layout.Root, Path.Combine(layout.StateFolder, "stack.json"))})\" http://127.0.0.1:{layout.PipelinesPort}/api/models/{DemoModel.Name}");
        }

        foreach (string item in skipped)
        {
            Console.WriteLine($"  skipped: {item}");
        }

        Console.WriteLine();
        Console.WriteLine("Press Ctrl-C to stop everything modelops up started.");
    }

    private static async Task WriteStackFileAsync(StackLayout layout, StorageConnection storage, string functionKey, string masterKey, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(layout.StateFolder);
        var stack = new StackFile(
            ScoringUrl: $"http://127.0.0.1:{layout.ScoringPort}",
            PipelinesUrl: $"http://127.0.0.1:{layout.PipelinesPort}",
            // Identity-based connections have no string to hand on; scripts then use the AzureWebJobsStorage__* settings.
            StorageConnectionString: storage.ConnectionString ?? string.Empty,
            MaildevUrl: $"http://127.0.0.1:{StackLayout.MailWebPort}",
            FunctionKeys: new Dictionary<string, string> { ["default"] = functionKey, ["master"] = masterKey },
            DemoModel: null);
        await File.WriteAllTextAsync(
            Path.Combine(layout.StateFolder, "stack.json"),
            JsonSerializer.Serialize(stack, CliJsonContext.Default.StackFile),
            cancellationToken);
    }
}

/// <summary>What <c>.modelops/stack.json</c> holds, so scripts and tests can find the running stack.</summary>
internal sealed record StackFile(
    string ScoringUrl,
    string PipelinesUrl,
    string StorageConnectionString,
    string MaildevUrl,
    IReadOnlyDictionary<string, string> FunctionKeys,
    string? DemoModel);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StackFile))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
