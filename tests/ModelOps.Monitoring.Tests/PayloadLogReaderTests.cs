using System.Text;
using System.Text.Json;
using ModelOps.Monitoring.Payloads;
using ModelOps.Scoring;
using ModelOps.Scoring.Payloads;
using ModelOps.Scoring.Validation;
using ScoringField = ModelOps.Scoring.Validation.FieldValue;

namespace ModelOps.Monitoring.Tests;

/// <summary>The payload log as the scoring app writes it, read back for monitoring.</summary>
public sealed class PayloadLogReaderTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 7, 30, 0, TimeSpan.Zero);

    private static string Line(PayloadRecord record)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            record.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    [Fact]
    public async Task Scored_rows_are_read_with_features_version_and_positive_probability_and_refusals_and_damage_are_counted()
    {
        var features = new Dictionary<string, ScoringField>
        {
            ["tenure"] = new(FieldKind.Number, 12),
            ["Contract"] = new(FieldKind.String, Text: "Month-to-month"),
            ["Senior"] = new(FieldKind.Bool, 1),
            ["Notes"] = new(FieldKind.Null),
        };
        var scored = new PayloadRecord(At, "req-1", "telco", 2, "c7", features,
            new RowOutputs("Yes", new Dictionary<string, double> { ["No"] = 0.25, ["Yes"] = 0.75 }), 3, "challenger", "ModelOps", 1.5, Shadow: true);
        var refused = new PayloadRecord(At, "req-2", "telco", 0, null, null, null, null, null, null, 0.1, Errors: [new FieldError(0, "tenure", "must be a number")]);
        string jsonl = Line(scored) + "\r\n" + Line(refused) + "\n{not json\n\n" + Line(scored with { RequestId = "req-3" });

        var read = new List<LoggedPrediction>();
        PayloadReadCounts counts = await new PayloadLogReader().ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(jsonl)), read.Add, CancellationToken.None);

        counts.Should().Be(new PayloadReadCounts(2, 1, 1));
        LoggedPrediction first = read[0];
        (first.Timestamp, first.RequestId, first.Row, first.Key, first.Version, first.Alias, first.Shadow).Should().Be((At, "req-1", 2, "c7", 3, "challenger", true));
        first.Score.Should().Be(0.75);
        first.Label.Should().Be("Yes");
        first.Features["tenure"].AsNumber().Should().Be(12);
        first.Features["Contract"].AsCategory().Should().Be("Month-to-month");
        first.Features["Senior"].AsNumber().Should().Be(1);
        first.Features["Notes"].IsMissing.Should().BeTrue();
        read[1].RequestId.Should().Be("req-3");
    }

    [Fact]
    public async Task A_named_positive_class_is_the_score_and_lines_longer_than_the_buffer_are_read_whole()
    {
        var features = Enumerable.Range(0, 8000).ToDictionary(i => "f" + i, i => new ScoringField(FieldKind.Number, i));
        var record = new PayloadRecord(At, "req-1", "wide", 0, null, features,
            new RowOutputs("No", new Dictionary<string, double> { ["No"] = 0.6, ["Yes"] = 0.4 }), 1, "champion", "ModelOps", 1);
        string line = Line(record);
        line.Length.Should().BeGreaterThan(64 * 1024);

        var read = new List<LoggedPrediction>();
        await new PayloadLogReader("No").ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(line)), read.Add, CancellationToken.None);

        read.Should().ContainSingle().Which.Score.Should().Be(0.6);
        read[0].Features.Should().HaveCount(8000);
        read[0].Features["f7999"].Number.Should().Be(7999);
    }
}
