using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ModelOps.Learning.Data;
using ModelOps.Learning.Drift;
using ModelOps.Learning.Pipelines;

namespace ModelOps.Cli;

/// <summary>
/// <c>modelops drift (--reference a.csv | --baseline train.json) --current b.csv [--include COL] [--fail-on-drift] --report drift.json</c>:
/// column by column, the statistic and threshold Evidently uses for each (see <see cref="DriftAnalysis"/>), the
/// dataset verdict and the columns that drove it. Exit 3 with <c>--fail-on-drift</c> when the dataset drifted.
/// </summary>
internal static class DriftCommand
{
    public static Command Create()
    {
        Option<string> reference = CliOptions.InputFile("--reference", "CSV the model was trained on (the reference rows).", required: false, stdin: true);
        Option<string> baseline = CliOptions.InputFile("--baseline", "A training report ('modelops train --report'): compare with its baseline profile instead of reference rows.", required: false);
        Option<string> current = CliOptions.InputFile("--current", "CSV to compare with the reference.", stdin: true);
        Option<string> separator = CliOptions.Separator();
        Option<string> report = CliOptions.OutputFile("--report", "Where to write the JSON report.");
        var include = new Option<string[]>("--include") { Description = "Measure this identifier-like column too (every value distinct; left out by default). Repeatable.", AllowMultipleArgumentsPerToken = true };
        var failOnDrift = new Option<bool>("--fail-on-drift") { Description = "Exit 3 when the dataset drifted (for pipelines and scripts)." };
        Option<bool> quiet = CliOptions.Quiet();
        var command = new Command("drift", "Measure data drift of a current CSV against reference rows or a training baseline, column by column.")
        {
            reference, baseline, current, separator, report, include, failOnDrift, quiet,
        };
        CliOptions.StandardInputOnce(command, reference, current);
        command.Validators.Add(result =>
        {
            bool hasReference = result.GetValue(reference) is not null, hasBaseline = result.GetValue(baseline) is not null;
            if (hasReference == hasBaseline) result.AddError("give exactly one of --reference (rows) and --baseline (a training report).");
            if (hasBaseline && result.GetValue(include) is { Length: > 0 }) result.AddError("--include applies to --reference rows; a baseline holds only the model's inputs.");
        });
        command.SetAction(result => CliRun.Guarded("drift", () =>
        {
            char sep = result.GetValue(separator)![0];
            DriftReport drift;
            if (result.GetValue(baseline) is { } trainingReport)
            {
                BaselineProfile profile = ReadBaseline(trainingReport);
                drift = BaselineDrift.Compare(profile, Read(result.GetValue(current)!, sep, "--current"));
            }
            else
            {
                Dictionary<string, string[]> a = Read(result.GetValue(reference)!, sep, "--reference");
                Dictionary<string, string[]> b = Read(result.GetValue(current)!, sep, "--current");
                drift = DriftAnalysis.Compare(a, b, new DriftOptions(result.GetValue(include)));
            }

            File.WriteAllText(result.GetValue(report)!, JsonSerializer.Serialize(drift, DriftJson.Default.DriftReport));
            if (!result.GetValue(quiet))
            {
                foreach (ColumnDrift column in drift.Columns)
                {
                    string decided = column.AdjustedPValue is { } q ? $"adjusted p {q:G3}" : $"threshold {column.Threshold:G2}";
                    Console.WriteLine($"{(column.Drifted ? "DRIFT" : "ok"),-6} {column.Name,-24} {column.Kind,-12} {column.Statistic}: {column.Score:G4} ({decided})");
                }

                if (drift.Excluded.Count > 0)
                {
                    Console.WriteLine($"left out (identifier-like, every value distinct; --include to measure): {string.Join(", ", drift.Excluded)}");
                }
            }

            string drivers = drift.DrivenBy.Count > 0 ? "; drifted: " + string.Join(", ", drift.DrivenBy) : string.Empty;
            Console.WriteLine($"dataset drift: {(drift.DatasetDrift ? "yes" : "no")} ({drift.DriftedShare:P0} of {drift.Columns.Count} columns{drivers})");
            return drift.DatasetDrift && result.GetValue(failOnDrift) ? CliRun.CheckFailed : CliRun.Ok;
        }));
        return command;
    }

    private static BaselineProfile ReadBaseline(string path)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path))?["baseline"];
            if (node is not null) return node.Deserialize<BaselineProfile>(PipelineSpecJson.Options)!;
        }
        catch (JsonException)
        {
            // Answered below in the user's words.
        }

        throw new CliUsageException($"--baseline: '{path}' is not a training report with a baseline profile (write one with 'modelops train --report')");
    }

    private static Dictionary<string, string[]> Read(string path, char separator, string option)
    {
        List<string[]> rows;
        string[] header;
        try
        {
            using TextReader reader = CliInput.OpenText(path);
            (header, rows) = CsvTable.Read(reader, separator);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDatasetException($"{option} {CliInput.Describe(path)}: {e.Message}");
        }

        if (rows.Count == 0)
        {
            throw new InvalidDatasetException($"{option} {CliInput.Describe(path)} has a header but no rows.");
        }

        return header.Select((name, c) => (name, values: rows.Select(r => r[c].Trim()).ToArray()))
            .ToDictionary(t => t.name, t => t.values, StringComparer.Ordinal);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(DriftReport))]
internal sealed partial class DriftJson : JsonSerializerContext;
