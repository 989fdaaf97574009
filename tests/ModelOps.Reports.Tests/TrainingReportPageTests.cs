using System.Text.Json;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Testing;

namespace ModelOps.Reports.Tests;

/// <summary>The page drawn from <c>modelops train --report</c> files, read back the way the CLI reads them.</summary>
public sealed class TrainingReportPageTests
{
    [Fact]
    public void A_training_report_written_as_json_renders_curves_features_and_fairness()
    {
        string folder = Path.Combine(RepositoryLayout.SharedData, "datasets", "adult");
        Dataset train = CsvDatasetReader.Read(Path.Combine(folder, "adult_train.csv")).Slice(0, 4000);
        Dataset test = CsvDatasetReader.Read(Path.Combine(folder, "adult_test.csv")).Slice(0, 2000);
        (PipelineSpec spec, _) = SpecInference.FromData(train, "income", ">50K", EstimatorType.Glm, ["fnlwgt", "native-country"], "adult");
        TrainingReport trained = TrainingReport.Create(spec, PipelineTrainer.Fit(spec, train), train, test, "sex");
        string json = JsonSerializer.Serialize(trained, PipelineSpecJson.Indented);

        TrainingReport read = JsonSerializer.Deserialize<TrainingReport>(json, PipelineSpecJson.Options)!;
        string html = ModelReportPage.Render(ModelReport.FromTraining("adult", read, 2, read, 1, DateTimeOffset.UnixEpoch));

        html.Should().Contain("id=\"chart-roc\"").And.Contain("id=\"chart-lift\"").And.Contain("id=\"chart-calibration\"").And.Contain("id=\"chart-features\"");
        html.Should().Contain("<td>Female</td>").And.Contain("<td>Male</td>").And.Contain("importance: standardized_abs_coefficient");
        html.Should().Contain($"<td>auroc</td><td>{read.Test!.Auroc.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)}</td>");
    }
}
