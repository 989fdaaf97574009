using System.CommandLine;
using System.Text.Json;
using Azure;
using ModelOps.Learning.Pipelines;
using ModelOps.Registry;
using ModelOps.Reports;
using ModelOps.Storage.Registry;

namespace ModelOps.Cli;

/// <summary>
/// <c>modelops report MODEL VERSION --out report.html</c>: the model report page (the approval page's design, without
/// the form) for a registered version against the version the champion alias points at, from the metrics the
/// registry stores; <c>--training-report</c> / <c>--champion-report</c> add the curves, features and fairness of
/// <c>modelops train --report</c> files. Read-only: needs no audit key.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "The registered model." };
        var version = new Argument<int>("VERSION") { Description = "The version to report on (the challenger)." };
        var output = new Option<string>("--out") { Description = "Where to write the HTML page.", Required = true };
        var alias = new Option<string>("--champion-alias") { Description = "The alias whose version is the champion.", DefaultValueFactory = _ => "champion" };
        var challengerReport = new Option<FileInfo?>("--training-report") { Description = "The version's training report JSON (adds ROC, lift, calibration, features, fairness)." };
        var championReport = new Option<FileInfo?>("--champion-report") { Description = "The champion's training report JSON (adds its curves)." };
        var connection = new Option<string?>("--connection") { Description = "Storage connection string (default: the AzureWebJobsStorage connection from the environment; else local Azurite)." };
        var table = new Option<string>("--table") { Description = "Registry table.", DefaultValueFactory = _ => new RegistryStorageOptions().TableName };
        Option<bool> quiet = CliOptions.Quiet();
        var command = new Command("report", "Write the model report page of a registered version.") { model, version, output, alias, challengerReport, championReport, connection, table, quiet };
        command.SetAction(async (result, cancellationToken) =>
        {
            string name = result.GetValue(model)!;
            int number = result.GetValue(version);
            try
            {
                if (number < 1) throw new CliUsageException($"VERSION must be 1 or more (got {number})");
                TableRegistryStore store = ModelRegistryFactory.CreateStore(
                    CliStorage.Connection(result.GetValue(connection)), new RegistryStorageOptions { TableName = result.GetValue(table)! });
                ModelVersion challenger = (await store.GetVersionAsync(name, number, cancellationToken) is { Committed: true } stored ? stored.Version : null)
                    ?? throw new RegistryNotFoundException($"MODEL '{name}' VERSION {number}");
                AliasPointer? pointer = await store.GetAliasAsync(name, result.GetValue(alias)!, cancellationToken);
                ModelVersion? champion = pointer is not null && pointer.Version != number && await store.GetVersionAsync(name, pointer.Version, cancellationToken) is { } c ? c.Version : null;

                ModelReport report = ModelReport.FromRegistry(challenger, champion, TimeProvider.System.GetUtcNow());
                if (ReadTraining(result.GetValue(challengerReport), "--training-report") is { } trained)
                {
                    ModelReport curves = ModelReport.FromTraining(name, trained, number, ReadTraining(result.GetValue(championReport), "--champion-report"), champion?.Version, report.GeneratedAt);
                    report = report with
                    {
                        Challenger = report.Challenger with { Evaluation = curves.Challenger.Evaluation },
                        Champion = report.Champion is null ? null : report.Champion with { Evaluation = curves.Champion?.Evaluation },
                        TopFeatures = curves.TopFeatures,
                        ImportanceMethod = curves.ImportanceMethod,
                        Fairness = curves.Fairness,
                    };
                }

                await File.WriteAllTextAsync(result.GetValue(output)!, ModelReportPage.Render(report), cancellationToken);
                if (!result.GetValue(quiet))
                {
                    Console.WriteLine($"{result.GetValue(output)}: {name} version {number}{(champion is null ? " (no champion)" : $" against champion version {champion.Version}")}");
                }

                return 0;
            }
            catch (CliUsageException e)
            {
                return Fail(e.Message, 2);
            }
            catch (Exception e) when (e is RegistryException or IOException or UnauthorizedAccessException or JsonException or RequestFailedException)
            {
                return Fail(e.Message, 1);
            }
        });
        return command;
    }

    private static TrainingReport? ReadTraining(FileInfo? file, string option)
    {
        if (file is null) return null;
        if (!file.Exists) throw new CliUsageException($"{option}: {file.FullName} does not exist");
        try
        {
            return JsonSerializer.Deserialize<TrainingReport>(File.ReadAllText(file.FullName), PipelineSpecJson.Options)
                ?? throw new CliUsageException($"{option}: the file holds no training report");
        }
        catch (JsonException e)
        {
            throw new CliUsageException($"{option}: not a training report ({e.Message})");
        }
    }

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"modelops report: {message}");
        return code;
    }
}
