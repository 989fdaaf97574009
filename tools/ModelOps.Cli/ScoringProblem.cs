using System.Text.Json;

namespace ModelOps.Cli;

/// <summary>An RFC 7807 problem from the Scoring app: its title and detail, and the <c>{row, field, problem}</c> list of a 400.</summary>
internal sealed record ScoringProblem(int Status, string? Title, string? Detail, IReadOnlyList<(int? Row, string Field, string Problem)> Errors)
{
    private const int ErrorsShown = 5;

    public static async Task<ScoringProblem> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        int status = (int)response.StatusCode;
        string text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            JsonElement root = document.RootElement;
            var errors = new List<(int?, string, string)>();
            if (root.TryGetProperty("errors", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement e in list.EnumerateArray())
                {
                    int? row = e.TryGetProperty("row", out JsonElement r) && r.ValueKind == JsonValueKind.Number ? r.GetInt32() : null;
                    errors.Add((row, Text(e, "field") ?? "?", Text(e, "problem") ?? "is refused."));
                }
            }

            return new ScoringProblem(status, Text(root, "title"), Text(root, "detail"), errors);
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's page, say): the status is all there is to tell.
            return new ScoringProblem(status, null, null, []);
        }
    }

    /// <summary>One line per problem (the first few), rows named by <paramref name="describeRow"/>; else the title and detail.</summary>
    public string Describe(Func<int, string> describeRow)
    {
        ArgumentNullException.ThrowIfNull(describeRow);
        if (Errors.Count > 0)
        {
            IEnumerable<string> lines = Errors.Take(ErrorsShown).Select(e => (e.Row is { } r ? describeRow(r) + ", " : string.Empty) + $"field '{e.Field}': {e.Problem}");
            string more = Errors.Count > ErrorsShown ? $"{Environment.NewLine}  … and {Errors.Count - ErrorsShown} more" : string.Empty;
            return $"the scoring app refused the rows ({Status}): " + string.Join(Environment.NewLine + "  ", lines) + more;
        }

        return string.Join(": ", new[] { Title, Detail }.Where(t => !string.IsNullOrEmpty(t)).Prepend($"the scoring app answered {Status}"));
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
