using ModelOps.Learning.Data;

namespace ModelOps.Cli;

/// <summary>What <c>modelops up</c> seeds for the demo: synthetic reference and drifted churn data under <c>.modelops/demo</c>.</summary>
internal static class DemoSeed
{
    public const int Rows = 5000;
    public const int Seed = 42;

    /// <summary>Writes the reference data (and a drifted month for monitoring demos); returns the reference file.</summary>
    public static string WriteData(StackLayout layout)
    {
        string folder = Path.Combine(layout.StateFolder, "demo");
        Directory.CreateDirectory(folder);
        string reference = Path.Combine(folder, "churn.csv");
        using (var writer = new StreamWriter(reference))
        {
            SyntheticChurn.WriteCsv(writer, SyntheticChurn.Generate(Rows, Seed));
        }

        using (var writer = new StreamWriter(Path.Combine(folder, "churn-drifted.csv")))
        {
            SyntheticChurn.WriteCsv(writer, SyntheticChurn.Generate(Rows, Seed + 1, new ChurnDrift(0.5)));
        }

        return reference;
    }
}
