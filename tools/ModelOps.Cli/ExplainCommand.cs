using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Onnx;

namespace ModelOps.Cli;

/// <summary>
/// <c>modelops explain --model m.onnx --data rows.csv --top 3</c>: per row the score and the raw columns that moved it
/// most (GLM contributions or exact TreeSHAP, in log-odds for classifiers), from the pipeline stored in the model.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        Option<string> modelPath = CliOptions.InputFile("--model", "An ONNX model trained by 'modelops train'.");
        Option<string> data = CliOptions.InputFile("--data", "CSV rows to explain.", stdin: true);
        var top = new Option<int>("--top") { Description = "Reasons per row.", DefaultValueFactory = _ => 3 };
        Option<string> report = CliOptions.OutputFile("--report", "Also write every row's contributions as JSON.", required: false);
        Option<string> separator = CliOptions.Separator();
        Option<bool> quiet = CliOptions.Quiet();
        var command = new Command("explain", "Explain individual predictions with reason codes.") { modelPath, data, top, report, separator, quiet };
        command.SetAction((result, cancellationToken) => CliRun.Guarded("explain", () =>
        {
            int k = result.GetValue(top);
            if (k < 1) throw new CliUsageException($"--top must be at least 1 (got {k})");
            OnnxModel model = OnnxModel.LoadFile(result.GetValue(modelPath)!);
            FittedPipeline pipeline = PipelineOnnxExporter.ReadPipeline(model)
                ?? throw new InvalidModelException("the model carries no ModelOps pipeline metadata; explanations need a model trained by 'modelops train'");
            Dataset rows = ModelData.ForModel(result.GetValue(data)!, result.GetValue(separator)!, model, null);
            IReadOnlyList<RowExplanation> explanations = PipelineExplainer.Explain(pipeline, rows, k, cancellationToken);
            string unit = pipeline.Task == PipelineTask.BinaryClassification ? "log-odds" : "prediction units";
            if (!result.GetValue(quiet)) Console.WriteLine($"base value {Format(explanations.Count > 0 ? explanations[0].BaseValue : 0)} ({unit}); each row: score, then the top {k} columns by |contribution|");
            foreach (RowExplanation row in explanations)
            {
                string reasons = string.Join(", ", row.Reasons.Select(r => $"{r.Column} {(r.Contribution >= 0 ? "+" : "")}{Format(r.Contribution)}"));
                Console.WriteLine($"row {row.Row}: {Format(row.Prediction)}  {reasons}");
            }

            if (result.GetValue(report) is { } path)
            {
                File.WriteAllText(path, JsonSerializer.Serialize(new { unit, rows = explanations }, PipelineSpecJson.Indented));
            }

            return 0;
        }));
        return command;
    }

    private static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
