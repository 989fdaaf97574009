using System.Globalization;
using System.Text;
using ModelOps.Scoring.Engines;
using ModelOps.Scoring.Validation;

namespace ModelOps.Scoring.Tests.Validation;

/// <summary>Property-style: many malformed and hostile bodies against the Telco schema get only validation errors, each naming its problem.</summary>
public sealed class HostileBodyTests
{
    private static readonly string[] Fields = ["tenure", "Contract", "MonthlyCharges", "gender", "SeniorCitizen", "TotalCharges", "rows", "explain", "x\u00e9", ""];

    [Fact]
    public void Hostile_bodies_yield_only_validation_errors_each_naming_its_problem()
    {
        using var model = new LoadedModel("telco", 1, new EngineSelector().Load(TestArtifacts.TelcoGlm, false, CancellationToken.None), 1);
        var limits = new RequestLimits { MaxBodyBytes = 64 * 1024 };
        var random = new Random(20261201);
        int refused = 0, tooLarge = 0, scored = 0;
        for (int i = 0; i < 3000; i++)
        {
            byte[] body = Body(random, i);
            try
            {
                ScoreBody parsed = ScoreBodyReader.Read(body, limits);
                ValidatedRows rows = RowValidator.Validate(parsed.Rows, model.Schema, "id");
                model.Score(rows, CancellationToken.None);
                model.Explain(rows, parsed.Explain, CancellationToken.None);
                scored++;
            }
            catch (ScoringValidationException e)
            {
                e.Errors.Should().NotBeEmpty();
                e.Errors.Should().OnlyContain(x => x.Field != null && x.Problem.Length > 5, "body {0} must name its problem", i);
                refused++;
            }
            catch (RequestTooLargeException)
            {
                tooLarge++;
            }
        }

        refused.Should().BeGreaterThan(2500);
        tooLarge.Should().BeGreaterThan(0);
        (refused + tooLarge + scored).Should().Be(3000);
    }

    [Fact]
    public void An_empty_rows_array_is_refused_naming_rows()
    {
        Action act = () => ScoreBodyReader.Read("{\"rows\":[],\"explain\":1}"u8, new RequestLimits());

        act.Should().Throw<ScoringValidationException>().Which.Errors.Should().ContainSingle(e => e.Field == "rows" && e.Row == null);
    }

    [Fact]
    public void More_rows_than_the_limit_are_refused_naming_the_limit_not_as_malformed_json()
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"rows\":[" + string.Join(',', Enumerable.Repeat("{}", 11)) + "]}");

        Action act = () => ScoreBodyReader.Read(body, new RequestLimits { MaxRows = 10 });

        TooManyRowsException refused = act.Should().Throw<TooManyRowsException>().Which;
        refused.Limit.Should().Be(10);
        refused.Message.Should().Contain("10 rows").And.Contain("Scoring__MaxRows").And.NotContainEquivalentOf("malformed");
    }

    private static byte[] Body(Random random, int i) => (i % 12) switch
    {
        0 => Encoding.UTF8.GetBytes(new string('[', random.Next(10, 5000))),
        1 => Encoding.UTF8.GetBytes("{\"tenure\":\"" + new string('a', random.Next(2000, 100_000)) + "\"}"),
        2 => [.. "{\"gender\":\""u8.ToArray(), 0xC3, 0x28, 0xFF, .. "\"}"u8.ToArray()],
        3 => Encoding.UTF8.GetBytes("{\"tenure\":1" + new string('0', random.Next(300, 1000)) + "}"),
        4 => Encoding.UTF8.GetBytes("{\"rows\":" + Deep(random.Next(5, 200)) + "}"),
        5 => Mutate(random, Valid()),
        6 => Encoding.UTF8.GetBytes(Valid().Replace("\"tenure\":", "\"tenure\":" + Value(random) + ",\"tenure\":", StringComparison.Ordinal)),
        7 => RandomBytes(random),
        8 => Encoding.UTF8.GetBytes("{" + string.Join(',', Enumerable.Range(0, random.Next(1, 30)).Select(_ => $"\"{Fields[random.Next(Fields.Length)]}\":{Value(random)}")) + "}"),
        9 => Encoding.UTF8.GetBytes("{\"rows\":[" + string.Join(',', Enumerable.Range(0, random.Next(0, 3)).Select(_ => Valid())) + "],\"explain\":" + Value(random) + "}"),
        10 => Encoding.UTF8.GetBytes(Valid().Replace("\"Contract\":\"", "\"Contract\":\"Z", StringComparison.Ordinal)),
        _ => Encoding.UTF8.GetBytes(Valid().Replace("\"tenure\":", "\"tenure\":" + Value(random) + ",\"_\":", StringComparison.Ordinal)),
    };

    private static string Valid() => TestArtifacts.TelcoRowsJson(0, 1)["{\"rows\":[".Length..^"],\"explain\":0}".Length];

    private static string Value(Random random) => random.Next(10) switch
    {
        0 => "1e999",
        1 => "-1e999",
        2 => "\"NaN\"",
        3 => "[1,[2,[3]]]",
        4 => "{\"a\":{\"b\":1}}",
        5 => "null",
        6 => "true",
        7 => random.NextDouble().ToString("R", CultureInfo.InvariantCulture),
        8 => "\"\\ud800\"",
        _ => "-0.0000000000000000000000000000000001",
    };

    private static string Deep(int depth) => new string('[', depth) + "1" + new string(']', depth);

    private static byte[] Mutate(Random random, string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        for (int k = random.Next(1, 4); k > 0; k--)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        }

        return bytes;
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 200)];
        random.NextBytes(bytes);
        return bytes;
    }
}
