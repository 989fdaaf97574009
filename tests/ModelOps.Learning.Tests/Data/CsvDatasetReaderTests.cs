using ModelOps.Learning.Data;
using ModelOps.Testing;

namespace ModelOps.Learning.Tests.Data;

public sealed class CsvDatasetReaderTests
{
    private static Dataset Read(string text, CsvOptions? options = null) => CsvDatasetReader.Read(new StringReader(text), options);

    [Fact]
    public void Telco_columns_are_typed_and_blank_total_charges_are_missing()
    {
        string path = Path.Combine(RepositoryLayout.SharedData, "datasets", "WA_Fn-UseC_-Telco-Customer-Churn.csv");

        Dataset data = CsvDatasetReader.Read(path);

        data.RowCount.Should().Be(7043);
        data["tenure"].Kind.Should().Be(ColumnKind.Numeric);
        data["SeniorCitizen"].Kind.Should().Be(ColumnKind.Numeric);
        data["Contract"].Kind.Should().Be(ColumnKind.Categorical);
        data["TotalCharges"].Kind.Should().Be(ColumnKind.Numeric);
        Enumerable.Range(0, data.RowCount).Count(data["TotalCharges"].IsMissing).Should().Be(11);
    }

    [Fact]
    public void Bank_marketing_reads_with_semicolons_and_quotes()
    {
        string path = Path.Combine(RepositoryLayout.SharedData, "datasets", "bank_marketing", "bank.csv");

        Dataset data = CsvDatasetReader.Read(path, new CsvOptions { Separator = ';' });

        data.RowCount.Should().Be(4521);
        data["job"].Texts![0].Should().NotContain("\"");
        data["balance"].Kind.Should().Be(ColumnKind.Numeric);
    }

    [Fact]
    public void Quoted_fields_keep_separators_quotes_and_line_breaks()
    {
        Dataset data = Read("a,b\n\"x, \"\"y\"\"\",1\n\"two\nlines\",2\n");

        data["a"].Texts.Should().Equal("x, \"y\"", "two\nlines");
        data["b"].Numbers.Should().Equal(1.0, 2.0);
    }

    [Fact]
    public void Question_marks_and_blanks_are_missing_and_booleans_are_inferred()
    {
        Dataset data = Read("n,c,f\n1,?,true\n,b,False\n3.5,a,\n");

        data["n"].Numbers![1].Should().Be(double.NaN);
        data["c"].Texts.Should().Equal(null, "b", "a");
        data["f"].Kind.Should().Be(ColumnKind.Boolean);
        data["f"].Numbers![0].Should().Be(1);
    }

    [Fact]
    public void Overrides_replace_inference()
    {
        Dataset data = Read("zip,amount\n01234,1\n99999,2\n", new CsvOptions { Kinds = new Dictionary<string, ColumnKind> { ["zip"] = ColumnKind.Categorical } });

        data["zip"].Texts.Should().Equal("01234", "99999");
    }

    [Fact]
    public void A_non_numeric_value_in_a_numeric_column_is_named()
    {
        Action read = () => Read("age,x\n30,1\nthirty,2\n", new CsvOptions { Kinds = new Dictionary<string, ColumnKind> { ["age"] = ColumnKind.Numeric } });

        read.Should().Throw<InvalidDatasetException>().WithMessage("line 3: column 'age' is numeric but holds 'thirty'");
    }

    [Theory]
    [InlineData("")]
    [InlineData("a,b\n")]
    public void An_empty_file_is_refused(string text)
    {
        Action read = () => Read(text);

        read.Should().Throw<InvalidDatasetException>().WithMessage("*empty*");
    }

    [Fact]
    public void A_short_row_is_refused_with_its_line()
    {
        Action read = () => Read("a,b\n1,2\n3\n");

        read.Should().Throw<InvalidDatasetException>().WithMessage("line 3:*");
    }
}
