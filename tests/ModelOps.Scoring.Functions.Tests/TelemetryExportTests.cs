using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ModelOps.Scoring.Telemetry;
using ModelOps.Scoring.Tests;
using ModelOps.Testing;

namespace ModelOps.Scoring.Functions.Tests;

/// <summary>With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, the Scoring app exports its meter and its traces to that OTLP collector.</summary>
[Collection(ScoringCollection.Name)]
public sealed class TelemetryExportTests(ScoringStack stack)
{
    [Fact]
    public async Task Scoring_meters_and_spans_reach_an_otlp_collector_by_model_and_version_without_feature_values_or_keys()
    {
        const string model = "exported";
        await stack.RegisterAsync(model, TestArtifacts.TelcoGlm, alias: "champion");
        using HttpResponseMessage routed = await stack.PutRoutingAsync(model, new { weights = new[] { new { alias = "champion", weight = 1 } }, keyField = "customerId" });
        routed.StatusCode.Should().Be(HttpStatusCode.OK);
        var bodies = new ConcurrentQueue<byte[]>();
        await using WebApplication collector = await StartCollectorAsync(bodies);
        var settings = new Dictionary<string, string>(stack.Settings)
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Urls.First(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
        };
        await using LocalFunctionsHostProcess host = await LocalFunctionsHostProcess.StartAsync([LocalFunctionsHostProcess.BuildOutputOf("Scoring")], settings);
        using HttpClient scoring = host.CreateClient();
        string body = TestArtifacts.TelcoRowsJson(0, 3, keyField: "customerId").Replace("\"c0\"", "\"secret-key-4711\"", StringComparison.Ordinal);

        using HttpResponseMessage scored = await ScoringStack.ScoreAsync(scoring, model, body);
        scored.StatusCode.Should().Be(HttpStatusCode.OK);
        string exported = await WaitForAsync(bodies, text => text.Contains("modelops.scoring.rows", StringComparison.Ordinal) && text.Contains(model, StringComparison.Ordinal)
            && text.Contains("modelops.scoring.score", StringComparison.Ordinal));

        exported.Should().Contain("modelops.scoring.latency").And.Contain("modelops.scoring.requests").And.Contain("modelops-scoring").And.Contain(ScoringTracing.ScoreSpan);
        foreach (string secret in new[] { "secret-key-4711", "Month-to-month", "Electronic check" })
        {
            exported.Should().NotContain(secret);
        }
    }

    /// <summary>A minimal OTLP/HTTP collector on loopback: keeps every body posted to it and answers 200.</summary>
    private static async Task<WebApplication> StartCollectorAsync(ConcurrentQueue<byte[]> bodies)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        app.MapPost("/v1/{signal}", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            bodies.Enqueue(buffer.ToArray());
            return Results.Ok();
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>The exports so far as text (OTLP protobuf keeps names and tag values as plain UTF-8), once one matches.</summary>
    private static async Task<string> WaitForAsync(ConcurrentQueue<byte[]> bodies, Func<string, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            string all = string.Join("\n", bodies.Select(b => Encoding.UTF8.GetString(b)));
            if (done(all) || timeout.IsCancellationRequested)
            {
                return all;
            }

            await Task.Delay(200, CancellationToken.None);
        }
    }
}
