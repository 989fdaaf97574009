using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelOps.Scoring.Tests;
using ModelOps.Testing;
using Xunit.Abstractions;

namespace ModelOps.Scoring.Functions.Tests;

/// <summary>
/// Moving <c>champion</c> while clients score continuously: no request fails, every answer names a version that was
/// champion in the window, and once two poll intervals have passed after the move every answer names the new one —
/// with one app instance, and with two sharing the storage.
/// </summary>
[Collection(ScoringCollection.Name)]
public sealed class HotSwapTests(ScoringStack stack, ITestOutputHelper output)
{
    private const int Clients = 4;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Moving_champion_under_load_fails_no_request_and_every_instance_serves_the_new_version_after_two_polls(int instances)
    {
        string model = "swap" + instances;
        int v1 = await stack.RegisterAsync(model, TestArtifacts.TelcoGlm, alias: "champion");
        int v2 = await stack.RegisterAsync(model, TestArtifacts.TelcoGbdt);
        await using LocalFunctionsHostProcess? second = instances == 2 ? await stack.StartAsync() : null;
        HttpClient[] targets = second is null ? [stack.Scoring] : [stack.Scoring, second.CreateClient(0)];
        string body = TestArtifacts.TelcoRowsJson(10, 1);
        foreach (HttpClient target in targets)
        {
            // Each instance has loaded champion before the load starts.
            (await ScoringStack.ScoreAsync(target, model, body)).EnsureSuccessStatusCode();
        }

        var answers = new List<(TimeSpan Sent, TimeSpan Received, HttpStatusCode Status, int Version, string Text)>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        Task[] load = Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            HttpClient target = targets[c % targets.Length];
            while (!stop.IsCancellationRequested)
            {
                TimeSpan sent = clock.Elapsed;
                using HttpResponseMessage response = await ScoringStack.ScoreAsync(target, model, body);
                string text = await response.Content.ReadAsStringAsync();
                int version = response.IsSuccessStatusCode ? JsonDocument.Parse(text).RootElement.GetProperty("rows")[0].GetProperty("version").GetInt32() : -1;
                lock (answers)
                {
                    answers.Add((sent, clock.Elapsed, response.StatusCode, version, text));
                }
            }
        })).ToArray();

        await Task.Delay(ScoringStack.PollInterval * 2);
        TimeSpan moving = clock.Elapsed;
        await stack.MoveAsync(model, "champion", v2);
        TimeSpan moved = clock.Elapsed;
        TimeSpan settled = moved + (ScoringStack.PollInterval * 2);

        // Keep the load on until every client has been answered for a while after the settle point.
        await PollUntilAsync(() => { lock (answers) { return answers.Count(a => a.Sent > settled) >= 20 * Clients; } }, TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await Task.WhenAll(load);

        output.WriteLine($"{instances} instance(s): {answers.Count} requests, {answers.Count(a => a.Status != HttpStatusCode.OK)} failed; " +
            $"v{v1} {answers.Count(a => a.Version == v1)}, v{v2} {answers.Count(a => a.Version == v2)}; last v{v1} answer sent " +
            $"{(answers.Where(a => a.Version == v1).Select(a => a.Sent).DefaultIfEmpty().Max() - moved).TotalMilliseconds:F0} ms after the move returned");
        answers.Should().OnlyContain(a => a.Status == HttpStatusCode.OK, "no request fails during a swap ({0})", answers.FirstOrDefault(a => a.Status != HttpStatusCode.OK).Text);
        answers.Where(a => a.Received < moving).Should().NotBeEmpty().And.OnlyContain(a => a.Version == v1, "v2 was not champion before the move");
        answers.Select(a => a.Version).Should().OnlyContain(v => v == v1 || v == v2);
        answers.Where(a => a.Sent > settled).Should().NotBeEmpty().And.OnlyContain(a => a.Version == v2, "two poll intervals after the move every instance serves the new champion");
        if (second is not null)
        {
            string[] versions = await Task.WhenAll(targets.Select(async t => (await (await ScoringStack.ScoreAsync(t, model, body)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows")[0].GetProperty("version").ToString()));
            versions.Should().AllBe(v2.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static async Task PollUntilAsync(Func<bool> done, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (!done() && waited.Elapsed < timeout)
        {
            await Task.Delay(100);
        }
    }
}
