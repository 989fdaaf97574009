using System.Text;
using System.Text.Json;
using ModelOps.Cli;
using ModelOps.Scoring;
using ModelOps.Scoring.Validation;

namespace ModelOps.Cli.Tests;

public sealed class ScoringRowsTests
{
    private static readonly FeatureSchema Churn = new(
        InputLayout.ColumnPerFeature,
        [new FeatureSpec("tenure", FeatureSpec.Numeric), new FeatureSpec("Contract", FeatureSpec.Categorical, MissingAllowed: true)],
        null, 0, null, ["label", "probabilities"]);

    private static List<string[]> Records(string csv) => CsvTable.ReadRecords(new StringReader(csv)).ToList();

    [Fact]
    public void Feature_columns_become_json_rows_and_other_columns_stay_out()
    {
        List<string[]> records = Records("customer_id,tenure,Contract,Churn\nc1,12,\"Two year\",No\nc2,1.5e1,,Yes\n");
        var rows = new ScoringRows(records[0], Churn, "customer_id");

        byte[] body = rows.Body(records.Skip(1).ToList(), 1);

        Encoding.UTF8.GetString(body).Should().Be("""{"rows":[{"tenure":12,"Contract":"Two year"},{"tenure":15,"Contract":null}]}""");
        rows.Id(records[2]).Should().Be("c2");
    }

    [Fact]
    public void A_cell_that_is_not_a_number_is_refused_naming_row_id_and_field()
    {
        List<string[]> records = Records("customer_id,tenure,Contract\nc1,12,One year\nc2,twelve,One year\n");
        var rows = new ScoringRows(records[0], Churn, "customer_id");

        Action act = () => rows.Body(records.Skip(1).ToList(), 41);

        act.Should().Throw<InvalidDataException>().WithMessage("*row 42 (c2), field 'tenure': 'twelve' is not a number*");
    }

    [Fact]
    public void A_missing_feature_column_and_an_unknown_id_column_are_named()
    {
        Action missing = () => _ = new ScoringRows(["customer_id", "Contract"], Churn, null);
        Action unknownId = () => _ = new ScoringRows(["tenure", "Contract"], Churn, "customer_id");

        missing.Should().Throw<InvalidDataException>().WithMessage("*'tenure'*");
        unknownId.Should().Throw<CliUsageException>().WithMessage("--id: *'customer_id'*");
    }

    [Fact]
    public void A_vector_model_without_column_names_is_refused_saying_how_to_name_them()
    {
        var vector = new FeatureSchema(InputLayout.Vector, [], "features", 4, null, ["y"]);

        Action act = () => _ = new ScoringRows(["a", "b", "c", "d"], vector, null);

        act.Should().Throw<InvalidDataException>().WithMessage($"*'features' of 4 numbers*{FeatureSchema.FeatureNamesKey}*");
    }

    [Fact]
    public void Scores_are_written_id_first_then_label_probabilities_and_who_served()
    {
        var output = new StringWriter();
        var scores = new ScoresCsv(output, "customer_id");
        var response = new ScoreResponse("churn", "r1",
        [
            new RowScore(0, null, "champion", 3, "ModelOps", "Yes", new Dictionary<string, double> { ["No"] = 0.25, ["Yes"] = 0.75 }, null, null, null, null),
            new RowScore(1, null, "champion", 3, "ModelOps", "No", new Dictionary<string, double> { ["No"] = 0.5, ["Yes"] = 0.5 }, null, null, null, null),
        ]);

        scores.Write(["c1", "c,2"], response);

        output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            "customer_id,label,probability[No],probability[Yes],version,alias,engine",
            "c1,Yes,0.25,0.75,3,champion,ModelOps",
            "\"c,2\",No,0.5,0.5,3,champion,ModelOps");
    }

    [Fact]
    public void A_problem_list_names_each_row_through_the_describer_and_the_field()
    {
        var problem = new ScoringProblem(400, "Invalid scoring request", "2 problems",
            [(1, "tenure", "is missing."), (null, "rows", "is too long.")]);

        string message = problem.Describe(i => $"row {i + 101}");

        message.Should().Contain("row 102, field 'tenure': is missing.").And.Contain("field 'rows': is too long.").And.Contain("(400)");
    }
}
