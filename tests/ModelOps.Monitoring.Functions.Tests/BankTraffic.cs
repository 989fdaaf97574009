using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Testing;

namespace ModelOps.Monitoring.Functions.Tests;

/// <summary>
/// UCI Bank Marketing in time order (May 2008 → Nov 2010) as the traffic of a bank's call centre: rows scored through
/// the Scoring app's HTTP API, a block of rows per compressed "day", each day's outcomes (<c>y</c>, with the value of a
/// subscription) posted to the Pipelines app's <c>POST /api/outcomes</c> one day later, as delayed labels arrive.
/// </summary>
internal sealed class BankTraffic(HttpClient scoring, HttpClient pipelines, string model, IReadOnlyList<InputSpec> inputs)
{
    /// <summary>Known only after the call (bank-names.txt), so never a model input; day and month are the calendar.</summary>
    public static readonly string[] NotInputs = ["duration", "day", "month"];

    private static readonly Lazy<Dataset> Data = new(() => CsvDatasetReader.Read(
        Path.Combine(RepositoryLayout.SharedData, "datasets", "bank_marketing", "bank-full.csv"), new CsvOptions { Separator = ';' }));

    public static Dataset Bank => Data.Value;

    /// <summary>Rows scored so far, and the versions that served them.</summary>
    public int Scored { get; private set; }

    public HashSet<int> ServedBy { get; } = [];

    /// <summary>
    /// Replays every <paramref name="stride"/>-th row of [<paramref name="from"/>, <paramref name="to"/>), in time order, in
    /// days of <paramref name="rowsPerDay"/> rows, one day every <paramref name="day"/>; a day's outcomes are posted after the
    /// next day was scored.
    /// </summary>
    public async Task ReplayAsync(int from, int to, int stride, int rowsPerDay, TimeSpan day, CancellationToken cancellationToken)
    {
        int[] sample = Enumerable.Range(0, ((to - from) + stride - 1) / stride).Select(i => from + (i * stride)).ToArray();
        (string RequestId, int[] Rows)? waiting = null;
        foreach (int[] rows in sample.Chunk(rowsPerDay))
        {
            Task pace = Task.Delay(day, cancellationToken);
            string requestId = "bank-" + rows[0].ToString(CultureInfo.InvariantCulture);
            await ScoreAsync(requestId, rows, cancellationToken);
            if (waiting is { } previous) await PostOutcomesAsync(previous.RequestId, previous.Rows, cancellationToken);
            waiting = (requestId, rows);
            await pace;
        }

        if (waiting is { } last) await PostOutcomesAsync(last.RequestId, last.Rows, cancellationToken);
    }

    private async Task ScoreAsync(string requestId, int[] sample, CancellationToken cancellationToken)
    {
        var rows = new JsonArray();
        foreach (int r in sample)
        {
            var row = new JsonObject();
            foreach (InputSpec input in inputs)
            {
                DataColumn column = Bank[input.Name];
                row[input.Name] = column.Numbers is { } numbers ? JsonValue.Create(numbers[r]) : JsonValue.Create(column.Texts![r]);
            }

            rows.Add(row);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/models/{model}/score") { Content = JsonContent.Create(new JsonObject { ["rows"] = rows }) };
        request.Headers.Add("x-request-id", requestId);
        using HttpResponseMessage response = await scoring.SendAsync(request, cancellationToken);
        JsonObject answer = (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!;
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"scoring {requestId} answered {(int)response.StatusCode}: {answer.ToJsonString()}");
        foreach (JsonNode? scored in answer["rows"]!.AsArray())
        {
            ServedBy.Add(scored!["version"]!.GetValue<int>());
        }

        Scored += sample.Length;
    }

    private async Task PostOutcomesAsync(string requestId, int[] sample, CancellationToken cancellationToken)
    {
        var outcomes = new JsonArray();
        for (int r = 0; r < sample.Length; r++)
        {
            string label = Bank["y"].Texts![sample[r]]!;
            outcomes.Add(new JsonObject { ["requestId"] = requestId, ["row"] = r, ["label"] = label, ["value"] = label == "yes" ? 100.0 : 0.0 });
        }

        using HttpResponseMessage response = await pipelines.PostAsync("/api/outcomes", JsonContent.Create(new JsonObject { ["model"] = model, ["outcomes"] = outcomes }), cancellationToken);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"outcomes of {requestId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
    }
}
