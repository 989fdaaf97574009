using ModelOps.Learning.Pipelines;
using ModelOps.Learning.Tests.Pipelines;
using ModelOps.Scoring;
using ModelOps.Scoring.Engines;
using ModelOps.Scoring.Validation;

namespace ModelOps.Batch.Tests;

/// <summary>
/// Batch scoring validates each row on its own and scores a chunk in one batch by column; every row must still get
/// what the HTTP path gives it alone: the same score and label, or the same reasons it was refused.
/// </summary>
public sealed class ColumnarScoringTests
{
    [Fact]
    public void Every_telco_row_scored_by_column_gets_the_score_or_refusal_it_gets_alone()
    {
        // Arrange: the Telco file as a blob chunk reads it, with some rows damaged the ways a real export is.
        string[] lines = File.ReadAllLines(TelcoData.CsvPath);
        string[] names = Csv.Split(lines[0]);
        Damage(lines, names, row: 3, "SeniorCitizen", "7");
        Damage(lines, names, row: 4, "SeniorCitizen", string.Empty);
        Damage(lines, names, row: 6, "tenure", "many");
        Damage(lines, names, row: 8, "gender", "Other");
        Damage(lines, names, row: 9, "tenure", "many");
        Damage(lines, names, row: 9, "SeniorCitizen", "-1");
        using ScoringSession session = new EngineSelector().Load(TelcoModel.Onnx, preferOnnxRuntime: false, CancellationToken.None);
        using var model = new LoadedModel(TelcoModel.Name, 1, session, TelcoModel.Onnx.Length);
        IReadOnlyList<LineRow> rows = LineRows.Read(SourceKind.Csv, string.Join('\n', lines.Skip(1)), lines[0], 1, model.Schema, "customerID");

        // Act
        IReadOnlyList<RowResult> results = BatchScorer.Score(model, rows.Select(r => r.Fields).ToArray(), CancellationToken.None);

        // Assert
        results.Should().HaveCount(TelcoModel.Rows);
        RowResult[] alone = rows.Select(r => ScoreAlone(model, r.Fields)).ToArray();
        results.Should().Equal(alone);
        results.Where(r => !r.IsScored).Select(r => r.Error).Should().Equal(
            "SeniorCitizen is 7; the largest allowed is 1.", "SeniorCitizen is null; this model requires a value.", "tenure is a string; expected a number.",
            "SeniorCitizen is -1; the smallest allowed is 0.; tenure is a string; expected a number.");
        results[0].Score.Should().BeApproximately(TelcoModel.Expected(0), 1e-5);
    }

    [Fact]
    public void A_regression_scored_by_column_gives_every_telco_row_the_value_it_gets_alone()
    {
        // Arrange: monthly charges predicted from the other columns, a GLM regression fitted on the Telco data.
        (PipelineSpec spec, _) = SpecInference.FromData(TelcoModel.Data, "MonthlyCharges", null, EstimatorType.Glm, exclude: ["customerID", "Churn"], name: "charges");
        byte[] onnx = PipelineOnnxExporter.Export(PipelineTrainer.Fit(spec, TelcoModel.Data).Pipeline);
        using ScoringSession session = new EngineSelector().Load(onnx, preferOnnxRuntime: false, CancellationToken.None);
        using var model = new LoadedModel("charges", 1, session, onnx.Length);
        string[] lines = File.ReadAllLines(TelcoData.CsvPath);
        IReadOnlyList<LineRow> rows = LineRows.Read(SourceKind.Csv, string.Join('\n', lines.Skip(1)), lines[0], 1, model.Schema, "customerID");

        // Act
        IReadOnlyList<RowResult> results = BatchScorer.Score(model, rows.Select(r => r.Fields).ToArray(), CancellationToken.None);

        // Assert
        results.Should().Equal(rows.Select(r => ScoreAlone(model, r.Fields)));
        results.Should().OnlyContain(r => r.IsScored && r.Label == null && r.Score > 0);
    }

    [Fact]
    public void Rows_of_a_chunk_that_all_fail_get_their_reasons_and_no_score()
    {
        using ScoringSession session = new EngineSelector().Load(TelcoModel.Onnx, preferOnnxRuntime: false, CancellationToken.None);
        using var model = new LoadedModel(TelcoModel.Name, 1, session, TelcoModel.Onnx.Length);
        var empty = new Dictionary<string, FieldValue>();
        var unreadable = new Dictionary<string, FieldValue> { [LineRows.Unreadable] = new(FieldKind.Other, Problem: "is not JSON.") };

        IReadOnlyList<RowResult> results = BatchScorer.Score(model, [empty, unreadable, empty], CancellationToken.None);

        results.Should().OnlyContain(r => !r.IsScored && r.Score == null);
        results[1].Error.Should().Be("is not JSON.");
        results[0].Should().Be(ScoreAlone(model, empty));
        results[2].Should().Be(results[0]);
    }

    /// <summary>The HTTP path's way: the row's features (a missing one null) as a body of one row, validated and scored alone.</summary>
    private static RowResult ScoreAlone(LoadedModel model, IReadOnlyDictionary<string, FieldValue> fields)
    {
        var features = model.Schema.Features.ToDictionary(f => f.Name, f => fields.TryGetValue(f.Name, out FieldValue v) ? v : new FieldValue(FieldKind.Null), StringComparer.Ordinal);
        try
        {
            ValidatedRows validated = RowValidator.Validate([BodyRow.Of(features)], model.Schema, null);
            (double? score, string? label) = BatchScorer.ScoreOf(model.Score(validated, CancellationToken.None)[0]);
            return new RowResult(score, label, null);
        }
        catch (ScoringValidationException e)
        {
            return new RowResult(null, null, string.Join("; ", e.Errors.Select(x => $"{x.Field} {x.Problem}")));
        }
    }

    private static void Damage(string[] lines, string[] names, int row, string column, string value)
    {
        string[] fields = Csv.Split(lines[row]);
        fields[Array.IndexOf(names, column)] = value;
        lines[row] = string.Join(',', fields.Select(Csv.Field));
    }
}
