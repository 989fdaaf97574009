using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOps.Learning.Data;
using ModelOps.Learning.Evaluation;
using ModelOps.Learning.Fairness;
using ModelOps.Learning.Pipelines;
using ModelOps.Onnx;

namespace ModelOps.Cli;

/// <summary>
/// <c>modelops evaluate --model m.onnx --data test.csv --target COL --positive VALUE --report eval.json</c>: scores
/// labelled rows with the model and writes AUROC, Gini, log-loss, Brier, KS, lift, the confusion matrix, ROC and
/// calibration as top-level fields of the report.
/// </summary>
internal static class EvaluateCommand
{
    /// <summary>A regressor: RMSE, MAE and R² of its <c>value</c> output as top-level fields.</summary>
    private static int Regression(OnnxModel model, string data, string separator, string targetColumn, string report, string modelPath, ConsoleProgress progress, CancellationToken cancellationToken)
    {
        Dataset all = progress.Step("read data", () => ModelData.ForModel(data, separator, model, targetColumn, ColumnKind.Numeric));
        if (!all.Contains(targetColumn)) throw new InvalidDatasetException($"the target column '{targetColumn}' is not in the data");
        int[] labelled = Enumerable.Range(0, all.RowCount).Where(r => !all[targetColumn].IsMissing(r)).ToArray();
        if (labelled.Length == 0) throw new InvalidDatasetException($"the target '{targetColumn}' has no values");
        Dataset rows = all.Rows(labelled);
        Tensor value = progress.Step($"score {rows.RowCount} rows", () => model.CreateSession().Run(ModelInputs.FromDataset(model, rows), cancellationToken)["value"]);
        double[] predicted = Enumerable.Range(0, rows.RowCount).Select(value.GetDouble).ToArray();
        RegressionReport evaluation = RegressionReport.Evaluate(predicted, rows[targetColumn].Numbers!);
        var json = JsonSerializer.SerializeToNode(evaluation, PipelineSpecJson.Options)!.AsObject();
        json.Insert(0, "model", Path.GetFileName(modelPath));
        json.Insert(1, "rows_without_target", all.RowCount - rows.RowCount);
        File.WriteAllText(report, json.ToJsonString(PipelineSpecJson.Indented));
        Console.WriteLine($"RMSE {evaluation.Rmse:G6}  MAE {evaluation.Mae:G6}  R² {evaluation.R2:F4}  ({rows.RowCount} rows)");
        return 0;
    }

    public static Command Create()
    {
        Option<string> modelPath = CliOptions.InputFile("--model", "The ONNX model (a classifier with a [N, 2] 'probabilities' output, or a regressor with 'value').");
        Option<string> data = CliOptions.InputFile("--data", "Labelled CSV with the model's input columns and the target.", stdin: true);
        var target = new Option<string>("--target") { Description = "The target column.", Required = true };
        var positive = new Option<string?>("--positive") { Description = "Target value counted as positive (default: the model's positive class)." };
        Option<string> report = CliOptions.OutputFile("--report", "Where to write the evaluation JSON.");
        var threshold = new Option<double>("--threshold") { Description = "Decision threshold for the confusion matrix.", DefaultValueFactory = _ => 0.5 };
        var sensitive = new Option<string?>("--sensitive") { Description = "A column to report group fairness for." };
        Option<string> separator = CliOptions.Separator();
        Option<bool> quiet = CliOptions.Quiet();
        var command = new Command("evaluate", "Measure a classifier on labelled rows.") { modelPath, data, target, positive, report, threshold, sensitive, separator, quiet };
        command.SetAction((result, cancellationToken) => CliRun.Guarded("evaluate", () =>
        {
            var progress = new ConsoleProgress(result.GetValue(quiet));
            double cut = result.GetValue(threshold);
            if (cut is <= 0 or >= 1) throw new CliUsageException($"--threshold must be between 0 and 1 (got {cut})");
            OnnxModel model = OnnxModel.LoadFile(result.GetValue(modelPath)!);
            FittedPipeline? pipeline = PipelineOnnxExporter.ReadPipeline(model);
            string targetColumn = result.GetValue(target)!;
            if (!model.Outputs.Any(o => o.Name == "probabilities"))
            {
                return model.Outputs.Any(o => o.Name == "value")
                    ? Regression(model, result.GetValue(data)!, result.GetValue(separator)!, targetColumn, result.GetValue(report)!, result.GetValue(modelPath)!, progress, cancellationToken)
                    : throw new InvalidModelException("the model has neither a 'probabilities' nor a 'value' output; evaluate measures classifiers and regressors");
            }

            string positiveClass = result.GetValue(positive) ?? pipeline?.Classes[1]
                ?? throw new CliUsageException("--positive is required for a model that does not name its classes");
            int column = pipeline is not null && pipeline.Classes[0] == positiveClass ? 0 : 1;

            Dataset all = progress.Step("read data", () => ModelData.ForModel(result.GetValue(data)!, result.GetValue(separator)!, model, targetColumn));
            if (!all.Contains(targetColumn)) throw new InvalidDatasetException($"the target column '{targetColumn}' is not in the data");
            if (result.GetValue(sensitive) is { } named && !all.Contains(named)) throw new CliUsageException($"--sensitive: the data has no column '{named}'");
            int[] labelled = Enumerable.Range(0, all.RowCount).Where(r => !all[targetColumn].IsMissing(r)).ToArray();
            Dataset rows = all.Rows(labelled);
            bool[] outcomes = rows[targetColumn].Texts!.Select(t => t == positiveClass).ToArray();
            if (outcomes.All(o => o) || outcomes.All(o => !o)) throw new InvalidDatasetException($"the target '{targetColumn}' has a single class in these rows; AUROC needs both (positive is '{positiveClass}')");

            Tensor probabilities = progress.Step($"score {rows.RowCount} rows", () => model.CreateSession().Run(ModelInputs.FromDataset(model, rows), cancellationToken)["probabilities"]);
            double[] p = Enumerable.Range(0, rows.RowCount).Select(i => probabilities.GetDouble((2 * i) + column)).ToArray();
            BinaryClassificationReport evaluation = BinaryClassificationReport.Evaluate(p, outcomes, cut);
            var json = JsonSerializer.SerializeToNode(evaluation, PipelineSpecJson.Options)!.AsObject();
            json.Insert(0, "model", Path.GetFileName(result.GetValue(modelPath)));
            json.Insert(1, "positive", positiveClass);
            json.Insert(2, "rows_without_target", all.RowCount - rows.RowCount);
            if (result.GetValue(sensitive) is { } group)
            {
                string[] groups = Enumerable.Range(0, rows.RowCount).Select(r => rows[group].Texts?[r] ?? rows[group].Numbers![r].ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                json["fairness"] = JsonSerializer.SerializeToNode(FairnessReport.Evaluate(group, groups, p, outcomes, cut), PipelineSpecJson.Options);
            }

            File.WriteAllText(result.GetValue(report)!, json.ToJsonString(PipelineSpecJson.Indented));
            Console.WriteLine($"AUROC {evaluation.Auroc:F4}  Gini {evaluation.Gini:F4}  log-loss {evaluation.LogLoss:F4}  Brier {evaluation.Brier:F4}  KS {evaluation.KsSeparation:F4}  lift@10% {evaluation.LiftTop10Percent:F2}  ({rows.RowCount} rows)");
            return 0;
        }));
        return command;
    }
}
