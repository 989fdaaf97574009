using System.Globalization;
using ModelOps.Scoring.Validation;

namespace ModelOps.Scoring.Tests.Validation;

public sealed class ScoreBodyReaderTests
{
    [Fact]
    public void Names_and_categories_repeated_across_bodies_are_read_into_the_strings_read_before()
    {
        const string Body = "{\"Contract\":\"Month-to-month\",\"tenure\":5}";
        BodyRow[] rows = Enumerable.Range(0, 100).Select(_ => ScoreBodyReader.Read(ScoreBodyReader.Utf8(Body), new RequestLimits()).Rows[0]).ToArray();

        rows.Should().OnlyContain(r => r.Fields.Keys.First() == "Contract" && r.Fields["Contract"].Text == "Month-to-month");
        // Other tests read bodies at the same time and may take a slot now and then; without reuse there would be 100 of each.
        rows.Select(r => r.Fields.Keys.First()).Distinct(ReferenceEqualityComparer.Instance).Count().Should().BeLessThan(10);
        rows.Select(r => r.Fields["Contract"].Text!).Distinct(ReferenceEqualityComparer.Instance).Count().Should().BeLessThan(10);
    }

    [Fact]
    public void Texts_that_share_a_cache_slot_are_each_read_as_sent()
    {
        // Far more distinct texts than the cache has slots, read twice: every read must give back its own text.
        string[] names = Enumerable.Range(0, 5000).Select(i => "f" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        for (int pass = 0; pass < 2; pass++)
        {
            foreach (string name in names)
            {
                BodyRow row = ScoreBodyReader.Read(ScoreBodyReader.Utf8($"{{\"{name}\":\"{name}-level\"}}"), new RequestLimits()).Rows[0];
                row.Fields.Should().ContainSingle().Which.Key.Should().Be(name);
                row.Fields[name].Text.Should().Be(name + "-level");
            }
        }
    }

    [Fact]
    public void Escaped_and_long_texts_are_read_as_sent()
    {
        string longText = new('x', 300);
        BodyRow row = ScoreBodyReader.Read(ScoreBodyReader.Utf8($"{{\"Contr\\u0061ct\":\"Two\\u0020year\",\"note\":\"{longText}\"}}"), new RequestLimits()).Rows[0];

        row.Fields["Contract"].Text.Should().Be("Two year");
        row.Fields["note"].Text.Should().Be(longText);
    }
}
