using ModelOps.Learning.Data;
using ModelOps.Learning.Drift;
using ModelOps.Learning.Evaluation;
using ModelOps.Learning.Fairness;
using ModelOps.Learning.Trainers;

namespace ModelOps.Learning.Pipelines;

/// <summary>How many rows training used, held out and left out for lacking a target.</summary>
public sealed record RowCounts(int Train, int Test, int WithoutTarget);

/// <summary>One feature's importance: <c>standardized_abs_coefficient</c> (|w|·sd) for GLMs, <c>split_gain</c> for trees.</summary>
public sealed record FeatureImportance(string Feature, string Column, double Importance);

/// <summary>The GLM's fit on the training rows: log-likelihood, parameters (non-zero coefficients + intercept), AIC, BIC.</summary>
public sealed record GlmFit(double PenalizedObjective, double LogLikelihood, int Parameters, int Rows, double Aic, double Bic);

/// <summary>One data file a model was trained on: how it was named, and the SHA-256 of its bytes.</summary>
public sealed record TrainingData(string Uri, string Sha256);

/// <summary>What a registry needs to trace a model back: data, spec hash, parameters (as text) and the code version.</summary>
public sealed record TrainingLineage(IReadOnlyList<TrainingData> Data, string SpecSha256, IReadOnlyDictionary<string, string> Parameters, string CodeVersion);

/// <summary>
/// The reference that drift is measured against, taken from the training rows: per numeric input the inner
/// quantile edges and bin counts (PSI convention), per categorical input the level counts, and the same for the score.
/// </summary>
public sealed record BaselineProfile(IReadOnlyList<NumericProfile> Numeric, IReadOnlyList<CategoricalProfile> Categorical, NumericProfile Score)
{
    public static BaselineProfile FromTraining(FittedPipeline pipeline, Dataset train, double[] scores)
    {
        var numeric = new List<NumericProfile>();
        var categorical = new List<CategoricalProfile>();
        foreach (InputSpec input in pipeline.Inputs)
        {
            DataColumn column = train[input.Name];
            if (input.Type == InputType.Numeric)
            {
                double[] present = Enumerable.Range(0, train.RowCount).Select(r => PipelineValues.Number(column, r)).Where(v => !double.IsNaN(v)).ToArray();
                if (present.Length > 0) numeric.Add(NumericProfile.FromReference(input.Name, present));
            }
            else
            {
                categorical.Add(CategoricalProfile.FromReference(input.Name, Enumerable.Range(0, train.RowCount).Select(r => PipelineValues.Text(column, r)).OfType<string>()));
            }
        }

        return new BaselineProfile(numeric, categorical, NumericProfile.FromReference("score", scores));
    }
}

/// <summary>
/// Everything a reviewer needs to judge a trained model: rows, features, holdout and training metrics, the GLM's
/// information criteria, variable importance, an optional fairness check, and the baseline profile for drift.
/// </summary>
public sealed record TrainingReport(
    PipelineSpec Spec,
    string Model,
    PipelineTask Task,
    EstimatorType Estimator,
    string SpecSha256,
    string Target,
    IReadOnlyList<string> Classes,
    RowCounts Rows,
    IReadOnlyList<string> Features,
    BinaryClassificationReport? Test,
    BinaryClassificationReport? Train,
    GlmFit? Glm,
    string ImportanceMethod,
    IReadOnlyList<FeatureImportance> VariableImportance,
    FairnessReport? Fairness,
    BaselineProfile Baseline)
{
    /// <summary>Regression: errors on the held-out rows (RMSE, MAE, R²).</summary>
    public RegressionReport? TestRegression { get; init; }

    /// <summary>Regression: errors on the training rows.</summary>
    public RegressionReport? TrainRegression { get; init; }

    /// <summary>The hyper-parameter search that chose the estimator's settings, when one ran.</summary>
    public Search.SearchResult? Search { get; init; }

    /// <summary>Where the model came from: data file hashes, spec hash, parameters, code version (set by the caller that read the files).</summary>
    public TrainingLineage? Lineage { get; init; }

    /// <summary>Builds the report of <paramref name="result"/>; <paramref name="test"/> may be empty.</summary>
    public static TrainingReport Create(PipelineSpec spec, TrainingResult result, Dataset data, Dataset test, string? sensitiveColumn = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(result);
        FittedPipeline pipeline = result.Pipeline;
        Dataset train = data.Rows(result.TrainingRows);
        double[] trainScores = pipeline.Predict(train);
        bool classification = pipeline.Task == PipelineTask.BinaryClassification;
        bool[] trainOutcomes = result.Outcomes.Select(v => v > 0.5).ToArray();
        (Dataset testRows, bool[] testOutcomes) = classification && test.RowCount > 0 ? Labelled(pipeline, test) : (test, []);
        double[] testScores = testRows.RowCount > 0 ? pipeline.Predict(testRows) : [];

        BinaryClassificationReport? trainReport = classification ? BinaryClassificationReport.Evaluate(trainScores, trainOutcomes) : null;
        BinaryClassificationReport? testReport = classification && testScores.Length > 0 ? BinaryClassificationReport.Evaluate(testScores, testOutcomes) : null;
        GlmFit? glm = null;
        if (classification && pipeline.Estimator.Type == EstimatorType.Glm)
        {
            double lnL = InformationCriteria.BernoulliLogLikelihood(trainScores, trainOutcomes);
            int k = pipeline.Estimator.Coefficients!.Count(w => w != 0) + 1;
            var ic = new InformationCriteria(lnL, k, trainScores.Length);
            glm = new GlmFit(result.GlmObjective ?? double.NaN, lnL, k, trainScores.Length, ic.Aic, ic.Bic);
        }

        FairnessReport? fairness = null;
        if (sensitiveColumn is not null && testReport is not null)
        {
            DataColumn groups = testRows[sensitiveColumn];
            fairness = FairnessReport.Evaluate(sensitiveColumn, Enumerable.Range(0, testRows.RowCount).Select(r => PipelineValues.Text(groups, r) ?? "(missing)").ToArray(), testScores, testOutcomes);
        }

        (string method, IReadOnlyList<FeatureImportance> importance) = Importance(pipeline, pipeline.Features(train));
        RegressionReport? testRegression = null, trainRegression = null;
        if (!classification)
        {
            trainRegression = RegressionReport.Evaluate(trainScores, result.Outcomes);
            int[] labelled = Enumerable.Range(0, test.RowCount).Where(r => !test[pipeline.Target].IsMissing(r)).ToArray();
            testRows = test.Rows(labelled);
            if (labelled.Length > 0)
            {
                testRegression = RegressionReport.Evaluate(pipeline.Predict(testRows), labelled.Select(r => test[pipeline.Target].Numbers![r]).ToArray());
            }
        }

        return new TrainingReport(
            spec,
            pipeline.Name, pipeline.Task, pipeline.Estimator.Type, pipeline.SpecHash, pipeline.Target, pipeline.Classes,
            new RowCounts(train.RowCount, testRows.RowCount, result.RowsWithoutTarget), pipeline.FeatureNames,
            testReport, trainReport, glm, method, importance, fairness, BaselineProfile.FromTraining(pipeline, train, trainScores))
        {
            TestRegression = testRegression,
            TrainRegression = trainRegression,
        };
    }

    /// <summary>The rows of <paramref name="data"/> that have a target, and whether each is positive.</summary>
    public static (Dataset Rows, bool[] Outcomes) Labelled(FittedPipeline pipeline, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(data);
        DataColumn target = data[pipeline.Target];
        string positive = pipeline.Classes[1];
        var rows = new List<int>();
        var outcomes = new List<bool>();
        for (int r = 0; r < data.RowCount; r++)
        {
            if (PipelineValues.Text(target, r) is not { } level) continue;
            rows.Add(r);
            outcomes.Add(string.Equals(level, positive, target.Kind == ColumnKind.Boolean ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
                || (target.Numbers is not null && double.TryParse(positive, System.Globalization.CultureInfo.InvariantCulture, out double p) && target.Numbers[r] == p));
        }

        return (data.Rows(rows), outcomes.ToArray());
    }

    private static (string, IReadOnlyList<FeatureImportance>) Importance(FittedPipeline pipeline, double[][] x)
    {
        IReadOnlyList<string> names = pipeline.FeatureNames, columns = pipeline.FeatureColumns;
        var importance = new double[names.Count];
        string method;
        if (pipeline.Estimator.Type == EstimatorType.Glm)
        {
            method = "standardized_abs_coefficient";
            for (int j = 0; j < importance.Length; j++)
            {
                double mean = x.Sum(row => row[j]) / x.Length;
                double sd = Math.Sqrt(x.Sum(row => (row[j] - mean) * (row[j] - mean)) / x.Length);
                importance[j] = Math.Abs(pipeline.Estimator.Coefficients![j]) * sd;
            }
        }
        else
        {
            method = "split_gain";
            foreach (RegressionTree tree in pipeline.Estimator.Trees!)
            {
                for (int node = 0; node < tree.NodeCount; node++)
                {
                    if (!tree.IsLeaf(node) && tree.Gain is { } gain) importance[tree.Feature[node]] += gain[node];
                }
            }
        }

        return (method, Enumerable.Range(0, importance.Length)
            .Select(j => new FeatureImportance(names[j], columns[j], importance[j]))
            .OrderByDescending(f => f.Importance).ThenBy(f => f.Feature, StringComparer.Ordinal).ToArray());
    }
}
