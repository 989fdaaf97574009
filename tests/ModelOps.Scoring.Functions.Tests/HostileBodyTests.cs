using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ModelOps.Scoring.Tests;
using Xunit.Abstractions;

namespace ModelOps.Scoring.Functions.Tests;

/// <summary>
/// Malformed and hostile bodies through the whole path (host, worker, validation): every one is a 4xx problem that
/// names its problem — a 400 lists <c>{row, field, problem}</c>, a 413 states the limit — and never a 5xx.
/// </summary>
[Collection(ScoringCollection.Name)]
public sealed class HostileBodyTests(ScoringStack stack, ITestOutputHelper output)
{
    private const int Bodies = 10_000;
    private const int Concurrency = 8;
    private const string Model = "hostile";

    [Fact]
    public async Task Ten_thousand_malformed_or_hostile_bodies_are_each_a_4xx_naming_the_problem()
    {
        await stack.RegisterAsync(Model, TestArtifacts.TelcoGlm, alias: "champion");
        string valid = TestArtifacts.TelcoRowsJson(0, 1);
        string row = valid[(valid.IndexOf('[', StringComparison.Ordinal) + 1)..valid.LastIndexOf(']')];
        string[] numeric = TestArtifacts.TelcoGlmPipeline.Inputs.Where(i => i.Type == ModelOps.Learning.Pipelines.InputType.Numeric).Select(i => i.Name).ToArray();
        string[] categorical = TestArtifacts.TelcoGlmPipeline.Inputs.Where(i => i.Type != ModelOps.Learning.Pipelines.InputType.Numeric).Select(i => i.Name).ToArray();
        var kinds = new List<(string Kind, Func<Random, byte[]> Make)>
        {
            // (true and false are taken as 1 and 0, so they are not in the list.)
            ("wrong type for a number", r => Utf8(Set(row, Pick(r, numeric), Pick(r, ["\"abc\"", "\"12\"", "{}", "[\"x\"]", "{\"a\":1}"])))),
            ("wrong type for a category", r => Utf8(Set(row, Pick(r, categorical), Pick(r, ["12", "false", "{}", "[1,2]"])))),
            // Beyond double range anywhere; and 1e300 where the model has a maximum (MonthlyCharges has none, so 1e300 is valid there).
            ("huge number", r => Utf8(Set(row, Pick(r, numeric), Pick(r, ["1e400", "-1e999", "123456789012345678901234567890e300", "-1e308"])))),
            ("huge number in range of a double", r => Utf8(Set(row, Pick(r, ["tenure", "SeniorCitizen"]), Pick(r, ["1e300", "1.7976931348623157e308"])))),
            ("deep JSON", r => Deep(r.Next(9, 20_000))),
            ("deep value", r => Utf8(Set(row, Pick(r, numeric), new string('[', r.Next(9, 3000)) + new string(']', 1)))),
            ("invalid UTF-8 in a value", r => InvalidUtf8(row, Pick(r, categorical), r)),
            ("invalid UTF-8 in a name", r => Concat("{\"", [0xC3, 0x28], "\":1}")),
            ("long string", r => Utf8(Set(row, Pick(r, categorical), "\"" + new string('x', r.Next(1025, 200_000)) + "\""))),
            ("truncated", r => Utf8(row[..r.Next(1, row.Length - 1)])),
            ("trailing garbage", r => Utf8(row + Pick(r, ["x", "{}", ",", "]"]))),
            ("not an object", r => Utf8(Pick(r, ["", "[]", "42", "\"row\"", "null", "true", "NaN", "[{}]"]))),
            ("missing feature", r => Utf8(Remove(row, Pick(r, numeric.Concat(categorical).ToArray())))),
            ("unknown feature", r => Utf8(row.Insert(1, "\"no_such_feature_" + r.Next(1000) + "\":1,"))),
            ("duplicated feature", r => Utf8(row.Insert(1, "\"" + Pick(r, numeric) + "\":1,"))),
            ("bad explain", r => Utf8("{\"rows\":[" + row + "],\"explain\":" + Pick(r, ["-1", "\"3\"", "1e9", "2.5", "21"]) + "}")),
            ("bad rows", r => Utf8(Pick(r, ["{\"rows\":[]}", "{\"rows\":{}}", "{\"rows\":[1]}", "{\"rows\":[" + row + "],\"other\":1}", "{\"rows\":[" + row + "],\"rows\":[]}"]))),
            ("too many rows", r => Utf8("{\"rows\":[" + string.Join(',', Enumerable.Repeat("{}", 1001)) + "]}")),
            ("control characters", r => Utf8(Set(row, Pick(r, categorical), "\"a\u0001b\"").Replace("\\u0001", "\u0001", StringComparison.Ordinal))),
        };

        var random = new Random(20261201);
        var bodies = new List<(string Kind, byte[] Body)>(Bodies);
        for (int i = 0; i < 10; i++)
        {
            // Ten 10 MB strings: over the body limit, refused with 413 before they are read.
            bodies.Add(("10 MB string", Utf8("{\"Contract\":\"" + new string('y', 10 * 1024 * 1024) + "\"}")));
        }

        while (bodies.Count < Bodies)
        {
            var (kind, make) = kinds[random.Next(kinds.Count)];
            bodies.Add((kind, make(random)));
        }

        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        int next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Count)
            {
                (string kind, byte[] body) = bodies[i];
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using HttpResponseMessage response = await stack.Scoring.PostAsync(new Uri($"/api/models/{Model}/score", UriKind.Relative), content);
                string text = await response.Content.ReadAsStringAsync();
                string? failure = Judge(response, text);
                lock (failures)
                {
                    statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
                    if (failure is not null)
                    {
                        failures.Add($"{kind} #{i}: {failure}");
                    }
                }
            }
        })));

        output.WriteLine($"{bodies.Count} bodies in {clock.Elapsed.TotalSeconds:F1} s: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        failures.Should().BeEmpty();
        statuses.Keys.Should().OnlyContain(s => s == 400 || s == 413);
        statuses.Should().ContainKey(413);
    }

    /// <summary>Null when the answer is a 4xx problem naming its problem; otherwise what is wrong with it.</summary>
    private static string? Judge(HttpResponseMessage response, string text)
    {
        int status = (int)response.StatusCode;
        if (status is < 400 or >= 500)
        {
            return $"status {status}: {text[..Math.Min(300, text.Length)]}";
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"status {status} without a problem: {text[..Math.Min(300, text.Length)]}";
        }

        JsonElement problem = JsonDocument.Parse(text).RootElement;
        if (status == 413)
        {
            return problem.GetProperty("detail").GetString()!.Contains("limit", StringComparison.Ordinal) ? null : "a 413 that does not state the limit: " + text;
        }

        if (!problem.TryGetProperty("errors", out JsonElement errors) || errors.GetArrayLength() == 0)
        {
            return "a 400 without errors: " + text;
        }

        return errors.EnumerateArray().All(e => e.GetProperty("field").GetString() is { Length: > 0 } && e.GetProperty("problem").GetString() is { Length: > 0 })
            ? null
            : "an error without field or problem: " + text;
    }

    private static string Pick(Random random, string[] choices) => choices[random.Next(choices.Length)];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The row with one field's JSON value replaced.</summary>
    private static string Set(string row, string field, string value)
    {
        using JsonDocument document = JsonDocument.Parse(row);
        return "{" + string.Join(',', document.RootElement.EnumerateObject().Select(p => JsonSerializer.Serialize(p.Name) + ":" + (p.Name == field ? value : p.Value.GetRawText()))) + "}";
    }

    private static string Remove(string row, string field)
    {
        using JsonDocument document = JsonDocument.Parse(row);
        return "{" + string.Join(',', document.RootElement.EnumerateObject().Where(p => p.Name != field).Select(p => JsonSerializer.Serialize(p.Name) + ":" + p.Value.GetRawText())) + "}";
    }

    private static byte[] Deep(int depth) => Utf8("{\"rows\":" + new string('[', depth) + new string(']', depth) + "}");

    private static byte[] InvalidUtf8(string row, string field, Random random)
    {
        byte[][] invalid = [[0xC3, 0x28], [0xFF], [0xE2, 0x82], [0xF0, 0x28, 0x8C, 0xBC], [0xED, 0xA0, 0x80]];
        string marked = Set(row, field, "\"@@\"");
        int at = marked.IndexOf("@@", StringComparison.Ordinal);
        return Concat(marked[..at], invalid[random.Next(invalid.Length)], marked[(at + 2)..]);
    }

    private static byte[] Concat(string before, byte[] bytes, string after) => [.. Utf8(before), .. bytes, .. Utf8(after)];
}
