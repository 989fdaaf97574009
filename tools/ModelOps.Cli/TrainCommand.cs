using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Learning.Search;

namespace ModelOps.Cli;

/// <summary>
/// <c>modelops train --data train.csv --target COL --positive VALUE --estimator glm|gbdt --out model.onnx --report report.json</c>
/// or <c>--spec spec.json</c>: fits the pipeline on all but the last <c>--test-fraction</c> of rows (file order), writes
/// the ONNX model and the training report measured on the held-out rows.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        Option<string> data = CliOptions.InputFile("--data", "Training CSV (header row first).", stdin: true);
        Option<string> spec = CliOptions.InputFile("--spec", "Pipeline spec JSON (schemas/pipeline-spec.schema.json); without it the spec is inferred from the data.", required: false);
        var target = new Option<string?>("--target") { Description = "Column to predict (required without --spec)." };
        var positive = new Option<string?>("--positive") { Description = "Target value counted as the positive class; omit for regression on a numeric target." };
        var estimator = new Option<string>("--estimator") { Description = "glm (elastic-net) or gbdt (gradient-boosted trees).", DefaultValueFactory = _ => "glm" };
        estimator.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } e && e is not ("glm" or "gbdt")) r.AddError($"--estimator must be glm or gbdt (got '{e}').");
        });
        var exclude = new Option<string[]>("--exclude") { Description = "Columns not to use as inputs (inferred spec only).", AllowMultipleArgumentsPerToken = true };
        Option<string> output = CliOptions.OutputFile("--out", "Where to write the ONNX model.");
        Option<string> report = CliOptions.OutputFile("--report", "Where to write the training report JSON (metrics, lineage, baseline; 'models register --report' reads it).", required: false);
        var testFraction = new Option<double>("--test-fraction") { Description = "Share of rows, taken from the end of the file, held out for the report's test metrics.", DefaultValueFactory = _ => 0.2 };
        var sensitive = new Option<string?>("--sensitive") { Description = "A column to report group fairness for (selection rates, disparate impact)." };
        Option<string> separator = CliOptions.Separator();
        var search = new Option<bool>("--search") { Description = "First tune the estimator with a genetic search over k-fold cross-validation of the training rows." };
        var budget = new Option<int>("--search-budget") { Description = "Candidates the search may evaluate (each is one fit per fold).", DefaultValueFactory = _ => 48 };
        Option<bool> quiet = CliOptions.Quiet();
        var command = new Command("train", "Train a whole pipeline (transforms + estimator) and export it as one ONNX model.")
        {
            data, spec, target, positive, estimator, exclude, output, report, testFraction, sensitive, separator, search, budget, quiet,
        };
        command.SetAction((result, cancellationToken) => CliRun.Guarded("train", () =>
        {
            var progress = new ConsoleProgress(result.GetValue(quiet));
            double fraction = result.GetValue(testFraction);
            if (fraction is < 0 or >= 1) throw new CliUsageException($"--test-fraction must be in [0, 1) (got {fraction})");
            if (result.GetValue(search) && result.GetValue(budget) is < 8 and int few) throw new CliUsageException($"--search-budget must be at least 8 (got {few})");
            string sep = result.GetValue(separator)!;
            (PipelineSpec pipelineSpec, Dataset all) = progress.Step("read data", () => Load(result, data, spec, target, positive, estimator, exclude, sep, progress));
            if (result.GetValue(sensitive) is { } group && !all.Contains(group)) throw new CliUsageException($"--sensitive: the data has no column '{group}'");
            int trainRows = (int)Math.Floor((1 - fraction) * all.RowCount);
            if (trainRows < 2) throw new InvalidDatasetException($"only {trainRows} training rows remain after holding out {fraction:P0}");
            Dataset train = all.Slice(0, trainRows), test = all.Slice(trainRows, all.RowCount);

            SearchResult? searched = null;
            if (result.GetValue(search))
            {
                int evaluations = result.GetValue(budget);
                var options = new GeneticSearchOptions(PopulationSize: 8, MaxGenerations: 50, Folds: 3, Patience: 2, MaxEvaluations: evaluations);
                IProgress<int> bar = progress.Bar("search", options.MaxEvaluations);
                (pipelineSpec, searched) = progress.Step("search hyper-parameters", () => HyperparameterSearch.Tune(
                    pipelineSpec, train, options, new Progress<SearchProgress>(p => bar.Report(p.Evaluations)), cancellationToken));
                progress.Line($"  best: {searched.Best} (cross-validated score {searched.BestScore:F4}, {searched.Evaluations} candidates, stopped: {searched.Stop})");
            }

            TrainingResult trained = progress.Step($"fit {pipelineSpec.Estimator.Type.ToString().ToLowerInvariant()} on {train.RowCount} rows", () => PipelineTrainer.Fit(pipelineSpec, train, cancellationToken));
            byte[] model = progress.Step("export ONNX", () => PipelineOnnxExporter.Export(trained.Pipeline));
            File.WriteAllBytes(result.GetValue(output)!, model);
            TrainingReport training = progress.Step("evaluate", () => TrainingReport.Create(pipelineSpec, trained, train, test, result.GetValue(sensitive)) with
            {
                Search = searched,
                Lineage = Lineage(result.GetValue(data)!, pipelineSpec, trained, fraction),
            });
            if (result.GetValue(report) is { } reportPath)
            {
                File.WriteAllText(reportPath, JsonSerializer.Serialize(training, PipelineSpecJson.Indented));
            }

            Console.WriteLine(Summary(training, result.GetValue(output)!, model.Length));
            return 0;
        }));
        return command;
    }

    private static (PipelineSpec, Dataset) Load(
        ParseResult result, Option<string> data, Option<string> spec, Option<string?> target, Option<string?> positive,
        Option<string> estimator, Option<string[]> exclude, string sep, ConsoleProgress progress)
    {
        string path = result.GetValue(data)!;
        if (result.GetValue(spec) is { } specPath)
        {
            PipelineSpec given = PipelineSpecJson.Read(specPath);
            if (result.GetValue(target) is { } t && t != given.Target.Column) throw new CliUsageException($"--target '{t}' differs from the spec's target '{given.Target.Column}'");
            return (given, ModelData.ForSpec(path, sep, given));
        }

        string column = result.GetValue(target) ?? throw new CliUsageException("--target is required without --spec");
        EstimatorType type = result.GetValue(estimator) switch
        {
            "glm" => EstimatorType.Glm,
            "gbdt" => EstimatorType.Gbdt,
            var other => throw new CliUsageException($"--estimator must be glm or gbdt (got '{other}')"),
        };
        string? positiveClass = result.GetValue(positive);
        var kinds = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);
        Dataset dataset = ModelData.Read(path, ModelData.Options(sep));
        if (positiveClass is not null && dataset.Contains(column) && dataset[column].Kind != ColumnKind.Categorical)
        {
            kinds[column] = ColumnKind.Categorical;
            dataset = ModelData.Read(path, ModelData.Options(sep, kinds));
        }

        (PipelineSpec inferred, IReadOnlyList<string> skipped) = SpecInference.FromData(dataset, column, positiveClass, type, result.GetValue(exclude), Path.GetFileNameWithoutExtension(path));
        if (skipped.Count > 0) progress.Line($"  left out identifier-like columns (every value distinct): {string.Join(", ", skipped)}");
        return (inferred, dataset);
    }

    /// <summary>What the registry records as the model's lineage: the data's hash, the spec's hash, the settings and this build.</summary>
    private static TrainingLineage Lineage(string dataPath, PipelineSpec spec, TrainingResult trained, double testFraction)
    {
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["estimator"] = spec.Estimator.Type.ToString().ToLowerInvariant(),
            ["test_fraction"] = testFraction.ToString("R", CultureInfo.InvariantCulture),
            ["target"] = spec.Target.Column,
        };
        foreach ((string name, JsonNode? value) in JsonSerializer.SerializeToNode(spec.Estimator, PipelineSpecJson.Options)!.AsObject())
        {
            if (value is not null && name != "type") parameters[name] = value.ToJsonString();
        }

        string code = typeof(TrainCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        return new TrainingLineage([new TrainingData(CliInput.Describe(dataPath), CliInput.Sha256(dataPath))], trained.Pipeline.SpecHash, parameters, code);
    }

    private static string Summary(TrainingReport report, string path, int bytes)
    {
        string metrics = report.Test is { } test
            ? $"test AUROC {test.Auroc:F4}, log-loss {test.LogLoss:F4} on {report.Rows.Test} rows"
            : report.TestRegression is { } r ? $"test RMSE {r.Rmse:G4}, MAE {r.Mae:G4}, R² {r.R2:F4} on {report.Rows.Test} rows" : "no held-out rows";
        return $"{path}: {report.Estimator.ToString().ToLowerInvariant()} with {report.Features.Count} features, {bytes:N0} bytes; {metrics}";
    }
}
