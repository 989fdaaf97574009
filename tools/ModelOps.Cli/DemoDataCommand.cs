using System.CommandLine;
using ModelOps.Learning.Data;

namespace ModelOps.Cli;

/// <summary><c>modelops demo-data --rows N --out file.csv [--drift 0.3] [--seed 42]</c>: synthetic churn data.</summary>
internal static class DemoDataCommand
{
    public static Command Create()
    {
        var rows = new Option<int>("--rows") { Description = "How many customers.", DefaultValueFactory = _ => 5000 };
        Option<string> output = CliOptions.OutputFile("--out", "CSV file to write.");
        var drift = new Option<double>("--drift") { Description = "Drift strength from 0 (reference) to 1.", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same rows).", DefaultValueFactory = _ => 42 };
        Option<bool> quiet = CliOptions.Quiet();
        var command = new Command("demo-data", "Write synthetic churn data with a known relationship (and optional drift).") { rows, output, drift, seed, quiet };
        command.SetAction(result => CliRun.Guarded("demo-data", () =>
        {
            int n = result.GetValue(rows);
            double strength = result.GetValue(drift);
            if (n < 1) throw new CliUsageException($"--rows must be at least 1 (got {n})");
            if (strength is < 0 or > 1 || double.IsNaN(strength)) throw new CliUsageException($"--drift must be between 0 and 1 (got {strength})");
            string path = result.GetValue(output)!;
            using (var writer = new StreamWriter(path))
            {
                SyntheticChurn.WriteCsv(writer, SyntheticChurn.Generate(n, result.GetValue(seed), new ChurnDrift(strength)));
            }

            if (!result.GetValue(quiet)) Console.Error.WriteLine($"Wrote {n} customers to {path}.");
            return CliRun.Ok;
        }));
        return command;
    }
}
