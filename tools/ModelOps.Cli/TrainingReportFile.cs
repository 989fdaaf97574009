using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOps.Learning.Pipelines;
using ModelOps.Registry;

namespace ModelOps.Cli;

/// <summary>
/// Carries what <c>modelops train --report</c> knew into a registration: the held-out metrics (never the training
/// rows' own), the lineage (data hashes, spec hash, parameters, code version) and the baseline profile drift is
/// measured against. Metadata given beside it wins where both say something.
/// </summary>
internal static class TrainingReportFile
{
    // Held-out measures by the registry's names; the report's names are snake_case fields of "test" / "test_regression".
    private static readonly (string Report, string Metric)[] Classification =
        [("auroc", "auroc"), ("gini", "gini"), ("log_loss", "log_loss"), ("brier", "brier"), ("ks_separation", "ks"), ("lift_top10_percent", "lift_top10")];

    private static readonly (string Report, string Metric)[] Regression = [("rmse", "rmse"), ("mae", "mae"), ("r2", "r2")];

    public static RegistrationRequest Apply(RegistrationRequest request, string json, string option)
    {
        JsonObject report;
        try
        {
            report = JsonNode.Parse(json) as JsonObject ?? throw new CliUsageException($"{option}: the file is not a training report (not a JSON object)");
        }
        catch (JsonException e)
        {
            throw new CliUsageException($"{option}: the file is not valid JSON (line {e.LineNumber + 1})");
        }

        if (report["spec_sha256"] is null || report["baseline"] is null)
        {
            throw new CliUsageException($"{option}: the file is not a training report from 'modelops train --report' (it has no spec_sha256 or baseline)");
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        Collect(report["test"] as JsonObject, Classification, metrics);
        Collect(report["test_regression"] as JsonObject, Regression, metrics);
        foreach ((string name, double value) in request.Metrics ?? new Dictionary<string, double>())
        {
            metrics[name] = value;
        }

        BaselineProfile? baseline;
        TrainingLineage? lineage;
        try
        {
            baseline = report["baseline"].Deserialize<BaselineProfile>(PipelineSpecJson.Options);
            lineage = report["lineage"]?.Deserialize<TrainingLineage>(PipelineSpecJson.Options);
        }
        catch (JsonException e)
        {
            throw new CliUsageException($"{option}: {e.Path?.TrimStart('$', '.')} is not what a training report holds there");
        }

        string specHash = report["spec_sha256"]!.GetValue<string>();
        Lineage fromReport = lineage is null
            ? Lineage.Empty with { PipelineSpecSha256 = specHash }
            : new Lineage(lineage.Data.Select(d => new DataReference(d.Uri, d.Sha256)).ToArray(), lineage.SpecSha256, lineage.Parameters, lineage.CodeVersion, null);
        return request with
        {
            Metrics = metrics,
            Lineage = request.Lineage ?? fromReport,
            Baseline = request.Baseline ?? baseline,
        };
    }

    private static void Collect(JsonObject? section, (string Report, string Metric)[] names, Dictionary<string, double> metrics)
    {
        if (section is null) return;
        foreach ((string field, string metric) in names)
        {
            if (section[field] is JsonValue value && value.TryGetValue(out double number) && double.IsFinite(number))
            {
                metrics[metric] = number;
            }
        }
    }
}
