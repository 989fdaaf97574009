using ModelOps.Scoring.Engines;
using ModelOps.Scoring.Validation;

namespace ModelOps.Scoring.Tests.Validation;

public sealed class RowValidatorTests
{
    private static readonly FeatureSchema Schema = new(
        InputLayout.ColumnPerFeature,
        [
            new FeatureSpec("tenure", FeatureSpec.Numeric, Min: 0, Max: 120),
            new FeatureSpec("charges", FeatureSpec.Numeric, MissingAllowed: true),
            new FeatureSpec("contract", FeatureSpec.Categorical, Categories: ["Month-to-month", "One year"], RejectUnknownCategory: true),
            new FeatureSpec("gender", FeatureSpec.Categorical, Categories: ["Female", "Male"]),
        ],
        null,
        0,
        null,
        ["label"]);

    private static FieldError[] Errors(string body, FeatureSchema? schema = null, string? key = null)
    {
        Action act = () => RowValidator.Validate(ScoreBodyReader.Read(ScoreBodyReader.Utf8(body), new RequestLimits()).Rows, schema ?? Schema, key);
        return act.Should().Throw<ScoringValidationException>().Which.Errors.ToArray();
    }

    [Fact]
    public void Missing_unknown_and_duplicated_features_are_each_named_with_their_row()
    {
        FieldError[] errors = Errors("""{"rows":[{"tenure":1,"charges":2,"contract":"One year"},{"tenure":1,"tenure":2,"charges":1,"contract":"One year","gender":"Male","extra":0}]}""");

        errors.Should().BeEquivalentTo(new[]
        {
            new FieldError(0, "gender", "is missing."),
            new FieldError(1, "tenure", "is given more than once."),
            new FieldError(1, "extra", "is not a feature of this model."),
        });
    }

    [Fact]
    public void An_unknown_field_is_named_whether_the_key_is_a_feature_a_field_of_its_own_or_absent()
    {
        const string Row = "\"tenure\":1,\"charges\":2,\"contract\":\"One year\",\"gender\":\"Male\"";

        Errors("{" + Row + ",\"extra\":0}", key: "tenure").Should().ContainSingle(e => e.Field == "extra" && e.Problem == "is not a feature of this model.");
        Errors("{" + Row + ",\"id\":\"c-1\",\"extra\":0}", key: "id").Should().ContainSingle(e => e.Field == "extra");
        Errors("{" + Row + ",\"id\":\"c-1\"}", key: "other").Should().ContainSingle(e => e.Field == "id");
        RowValidator.Validate(ScoreBodyReader.Read(ScoreBodyReader.Utf8("{" + Row + ",\"id\":\"c-1\"}"), new RequestLimits()).Rows, Schema, "id").Keys.Should().Equal("c-1");

        var vector = new FeatureSchema(InputLayout.Vector, [], "x", 2, null, ["y"]);
        Errors("""{"x":[1,2],"id":"k","extra":0}""", vector, "id").Should().ContainSingle(e => e.Field == "extra");
        Errors("""{"x":[1,2],"extra":0}""", vector, "x").Should().ContainSingle(e => e.Field == "extra");
    }

    [Fact]
    public void Wrong_types_out_of_range_and_huge_numbers_are_refused_naming_the_problem()
    {
        FieldError[] errors = Errors("""{"tenure":"12","charges":1e400,"contract":3,"gender":null}""");

        errors.Select(e => (e.Field, e.Problem)).Should().BeEquivalentTo(new[]
        {
            ("tenure", "is a string; expected a number."),
            ("charges", "is a number beyond the range of a double."),
            ("contract", "is a number; expected a string."),
            ("gender", "is null; this model requires a value."),
        });
        Errors("""{"tenure":121,"charges":null,"contract":"One year","gender":"Male"}""").Should().ContainSingle()
            .Which.Problem.Should().Be("is 121; the largest allowed is 120.");
    }

    [Fact]
    public void An_unknown_category_is_rejected_or_imputed_as_the_models_policy_says()
    {
        FieldError[] errors = Errors("""{"tenure":1,"charges":null,"contract":"Ten years","gender":"Other"}""");

        errors.Should().ContainSingle().Which.Should().Match<FieldError>(e => e.Field == "contract" && e.Problem.StartsWith("is a category the model never saw", StringComparison.Ordinal));
        ValidatedRows imputed = RowValidator.Validate(ScoreBodyReader.Read(ScoreBodyReader.Utf8("""{"tenure":1,"charges":null,"contract":"One year","gender":"Other"}"""), new RequestLimits()).Rows, Schema, null);
        imputed.Levels["gender"][0].Should().Be("Other");
        double.IsNaN(imputed.Numbers["charges"][0]).Should().BeTrue();
    }

    [Fact]
    public void The_Telco_GBDT_pipeline_carries_its_reject_policy_and_ranges_in_its_schema()
    {
        using var model = new LoadedModel("telco", 1, new EngineSelector().Load(TestArtifacts.TelcoGbdt, false, CancellationToken.None), 1);

        FeatureSpec contract = model.Schema.Features.Single(f => f.Name == "Contract");
        FeatureSpec tenure = model.Schema.Features.Single(f => f.Name == "tenure");

        contract.RejectUnknownCategory.Should().BeTrue();
        contract.Categories.Should().Equal("Month-to-month", "One year", "Two year");
        (tenure.Min, tenure.Max, tenure.MissingAllowed).Should().Be((0, 120, false));
    }

    [Fact]
    public void A_vector_model_takes_an_array_of_k_numbers_or_its_named_features()
    {
        var vector = new FeatureSchema(InputLayout.Vector, [new("a", FeatureSpec.Numeric), new("b", FeatureSpec.Numeric)], "x", 2, null, ["y"]);

        ValidatedRows rows = RowValidator.Validate(ScoreBodyReader.Read(ScoreBodyReader.Utf8("""{"rows":[{"x":[1,2]},{"a":3,"b":4,"id":"k"}]}"""), new RequestLimits()).Rows, vector, "id");

        rows.Matrix.Should().Equal(1, 2, 3, 4);
        rows.Keys.Should().Equal(null, "k");
        Errors("""{"x":[1,2,3]}""", vector).Single().Problem.Should().Be("has 3 numbers; the model takes 2.");
        Errors("""{"x":[1,"2"]}""", vector).Single().Problem.Should().Be("is an object or mixed array; expected an array of 2 numbers.");
    }

    [Fact]
    public void Malformed_JSON_names_its_position_and_a_body_over_the_limit_is_too_large()
    {
        Action malformed = () => ScoreBodyReader.Read(ScoreBodyReader.Utf8("{\"rows\":[{\"a\":1,}]}"), new RequestLimits());
        Action large = () => ScoreBodyReader.Read(new byte[100], new RequestLimits { MaxBodyBytes = 64 });

        malformed.Should().Throw<ScoringValidationException>().Which.Errors.Single().Problem.Should().Be("malformed JSON at line 1, byte 17: The JSON object contains a trailing comma at the end which is not supported in this mode.");
        large.Should().Throw<RequestTooLargeException>().Which.Limit.Should().Be(64);
    }

    [Fact]
    public void A_number_beyond_what_a_float_input_holds_is_refused_instead_of_reaching_the_model_as_infinity()
    {
        using var model = new LoadedModel("softplus", 1, new EngineSelector().Load(TestArtifacts.Softplus, false, CancellationToken.None), 1);
        string row = "{\"0\":[" + string.Join(',', Enumerable.Repeat("1", 19)) + ",1e39]}";

        Errors(row, model.Schema).Single().Should().Be(new FieldError(0, "0", "has an element at 19 (1E+39) beyond what the model's Float input holds."));
    }
}
