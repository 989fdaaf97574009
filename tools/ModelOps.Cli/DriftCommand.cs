using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using ModelOps.Learning.Drift;

namespace ModelOps.Cli;

/// <summary><c>modelops drift --reference a.csv --current b.csv [--sep ';'] --report drift.json</c>.</summary>
internal static class DriftCommand
{
    public static Command Create()
    {
        var reference = new Option<string>("--reference") { Description = "CSV the model was trained on (the baseline).", Required = true };
        var current = new Option<string>("--current") { Description = "CSV to compare with the baseline.", Required = true };
        var separator = new Option<string>("--sep") { Description = "Field separator.", DefaultValueFactory = _ => "," };
        var report = new Option<string>("--report") { Description = "Where to write the JSON report.", Required = true };
        var command = new Command("drift", "Measure data drift between a reference and a current CSV, column by column.") { reference, current, separator, report };
        command.SetAction(result =>
        {
            string sep = result.GetValue(separator)!;
            if (sep.Length != 1)
            {
                Console.Error.WriteLine($"--sep must be one character (got '{sep}').");
                return 2;
            }

            try
            {
                Dictionary<string, string[]> a = Read(result.GetValue(reference)!, sep[0], "--reference");
                Dictionary<string, string[]> b = Read(result.GetValue(current)!, sep[0], "--current");
                DriftReport drift = DriftAnalysis.Compare(a, b);
                File.WriteAllText(result.GetValue(report)!, JsonSerializer.Serialize(drift, DriftJson.Default.DriftReport));
                foreach (ColumnDrift column in drift.Columns)
                {
                    Console.WriteLine($"{(column.Drifted ? "DRIFT" : "ok"),-6} {column.Name,-24} {column.Kind,-12} {column.Method,-20} score {column.Score:G4} (threshold {column.Threshold:G2})");
                }

                Console.WriteLine($"dataset drift: {(drift.DatasetDrift ? "yes" : "no")} ({drift.DriftedShare:P0} of columns drifted)");
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or FileNotFoundException or DirectoryNotFoundException)
            {
                Console.Error.WriteLine("modelops drift: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    private static Dictionary<string, string[]> Read(string path, char separator, string option)
    {
        using var reader = new StreamReader(path);
        (string[] header, List<string[]> rows) = CsvTable.Read(reader, separator);
        if (rows.Count == 0)
        {
            throw new InvalidDataException($"{option} {path} has a header but no rows.");
        }

        return header.Select((name, c) => (name, values: rows.Select(r => r[c].Trim()).ToArray()))
            .ToDictionary(t => t.name, t => t.values, StringComparer.Ordinal);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(DriftReport))]
internal sealed partial class DriftJson : JsonSerializerContext;
