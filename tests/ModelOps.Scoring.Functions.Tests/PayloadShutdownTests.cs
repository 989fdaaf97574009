using System.Net;
using System.Text.Json;
using ModelOps.Scoring.Tests;
using ModelOps.Testing;

namespace ModelOps.Scoring.Functions.Tests;

/// <summary>Payload logs are written in batches off the request path, and whatever is buffered is written when the app stops gracefully.</summary>
[Collection(ScoringCollection.Name)]
public sealed class PayloadShutdownTests(ScoringStack stack)
{
    private const int Requests = 1000;

    [Fact]
    public async Task The_payload_logs_of_1000_requests_are_all_in_blob_storage_after_a_graceful_stop()
    {
        const string model = "logged";
        await stack.RegisterAsync(model, TestArtifacts.TelcoGlm, alias: "champion");
        LocalFunctionsHostProcess app = await stack.StartAsync();
        await using (app)
        {
            using HttpClient http = app.CreateClient(0);
            int next = -1;
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < Requests)
                {
                    using HttpResponseMessage response = await ScoringStack.ScoreAsync(http, model, TestArtifacts.TelcoRowsJson(i % 1000, 1), requestId: "logged-" + i);
                    response.StatusCode.Should().Be(HttpStatusCode.OK);
                }
            })));

            (await app.StopGracefullyAsync(TimeSpan.FromSeconds(60))).Should().BeTrue("SIGTERM stops the host and its worker");
            app.Output.Should().NotContain("payload records of model", "no batch failed to be written");
        }

        IReadOnlyList<JsonElement> records = await stack.PayloadRecordsAsync(model);
        records.Select(r => r.GetProperty("requestId").GetString()).Should().BeEquivalentTo(Enumerable.Range(0, Requests).Select(i => "logged-" + i));
        records.Where(r => r.GetProperty("version").GetInt32() != 1 || r.GetProperty("engine").GetString() != "ModelOps" || !r.TryGetProperty("features", out _))
            .Should().BeEmpty("every record names the version and engine and holds the features");
    }
}
