using System.Globalization;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Registry;
using ModelOps.Testing;

namespace ModelOps.Promotion.Tests;

/// <summary>Real models to promote: churn pipelines on the synthetic demo data, and UCI Adult pipelines with and without <c>sex</c>.</summary>
internal static class PromotionModels
{
    private static readonly Lazy<ModelPair> ChurnPair = new(TrainChurn);
    private static readonly Lazy<ModelPair> AdultPair = new(TrainAdult);
    private static readonly Lazy<ModelPair> TelcoPair = new(TrainTelco);
    private static readonly Lazy<byte[]> Hotfix = new(TrainHotfix);

    /// <summary>Champion and challenger artifacts with held-out metrics, and labelled rows (CSV) to compare them on.</summary>
    public sealed record ModelPair(byte[] Champion, IReadOnlyDictionary<string, double> ChampionMetrics, byte[] Challenger, IReadOnlyDictionary<string, double> ChallengerMetrics, string LabelledCsv);

    /// <summary>Churn: the champion learned from few rows, the challenger from many; both compared on fresh rows.</summary>
    public static ModelPair Churn => ChurnPair.Value;

    /// <summary>A third churn model (same inputs, learned from other rows), for a champion moved by hand.</summary>
    public static byte[] ChurnHotfix => Hotfix.Value;

    /// <summary>Adult: the champion without <c>sex</c>, the challenger with it (the fairness gate refuses it).</summary>
    public static ModelPair Adult => AdultPair.Value;

    /// <summary>
    /// Telco churn (the shipped example spec): the champion learned from the first 400 customers, the challenger from
    /// the whole training split; the labelled rows are the held-out customers, as the file has them.
    /// </summary>
    public static ModelPair Telco => TelcoPair.Value;

    /// <summary>One held-out Telco customer as a scoring body (numbers as numbers, no id, no outcome).</summary>
    public static string TelcoRowJson()
    {
        string[] lines = File.ReadAllLines(Learning.Tests.Pipelines.TelcoData.CsvPath);
        string[] names = lines[0].Split(',');
        string[] values = lines.Skip(1 + Learning.Tests.Pipelines.TelcoData.TrainRows).Select(l => l.Split(',')).First(v => v.All(x => x.Trim().Length > 0));
        var row = new System.Text.Json.Nodes.JsonObject();
        for (int i = 0; i < names.Length; i++)
        {
            if (names[i] is "customerID" or "Churn") continue;
            row[names[i]] = double.TryParse(values[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double number) ? number : values[i];
        }

        return row.ToJsonString();
    }

    private static ModelPair TrainTelco()
    {
        Dataset train = Learning.Tests.Pipelines.TelcoData.Train;
        string[] lines = File.ReadAllLines(Learning.Tests.Pipelines.TelcoData.CsvPath);
        string labelled = string.Join('\n', lines.Take(1).Concat(lines.Skip(1 + Learning.Tests.Pipelines.TelcoData.TrainRows))) + "\n";
        PipelineSpec spec = Learning.Tests.Pipelines.TelcoData.ExampleSpec();
        return Pair(spec, spec, train.Slice(0, 400), train, Learning.Tests.Pipelines.TelcoData.Test, labelled);
    }

    private static ModelPair TrainChurn()
    {
        Dataset train = Read(Csv(SyntheticChurn.Generate(3000, seed: 11)));
        string labelled = Csv(SyntheticChurn.Generate(1500, seed: 12));
        (PipelineSpec spec, _) = SpecInference.FromData(train, "churn", "Yes", EstimatorType.Glm, exclude: ["customer_id"], name: "churn");
        return Pair(spec, spec, train.Slice(0, 300), train, Read(labelled), labelled);
    }

    private static byte[] TrainHotfix()
    {
        Dataset train = Read(Csv(SyntheticChurn.Generate(800, seed: 13)));
        (PipelineSpec spec, _) = SpecInference.FromData(Read(Csv(SyntheticChurn.Generate(3000, seed: 11))), "churn", "Yes", EstimatorType.Glm, exclude: ["customer_id"], name: "churn");
        return PipelineOnnxExporter.Export(PipelineTrainer.Fit(spec, train).Pipeline);
    }

    private static ModelPair TrainAdult()
    {
        string folder = Path.Combine(RepositoryLayout.SharedData, "datasets", "adult");
        Dataset train = CsvDatasetReader.Read(Path.Combine(folder, "adult_train.csv")).Slice(0, 10_000);
        string[] lines = File.ReadLines(Path.Combine(folder, "adult_test.csv")).Take(3001).ToArray();
        string labelled = string.Join('\n', lines) + "\n";
        return Pair(AdultSpec(withSex: false), AdultSpec(withSex: true), train, train, Read(labelled), labelled);
    }

    private static ModelPair Pair(PipelineSpec championSpec, PipelineSpec challengerSpec, Dataset championRows, Dataset challengerRows, Dataset test, string labelled)
    {
        FittedPipeline champion = PipelineTrainer.Fit(championSpec, championRows).Pipeline;
        FittedPipeline challenger = PipelineTrainer.Fit(challengerSpec, challengerRows).Pipeline;
        return new ModelPair(PipelineOnnxExporter.Export(champion), Metrics(champion, test), PipelineOnnxExporter.Export(challenger), Metrics(challenger, test), labelled);
    }

    private static Dictionary<string, double> Metrics(FittedPipeline pipeline, Dataset test)
    {
        (Dataset rows, bool[] outcomes) = TrainingReport.Labelled(pipeline, test);
        return new Dictionary<string, double> { ["auroc"] = Learning.Evaluation.BinaryClassificationReport.Evaluate(pipeline.Predict(rows), outcomes).Auroc };
    }

    private static Dataset Read(string csv)
    {
        using var reader = new StringReader(csv);
        return CsvDatasetReader.Read(reader);
    }

    private static string Csv(IEnumerable<ChurnCustomer> customers)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        SyntheticChurn.WriteCsv(writer, customers);
        return writer.ToString();
    }

    private static PipelineSpec AdultSpec(bool withSex) => PipelineSpecJson.Parse(AdultIncomeSpec.Json(withSex));
}
