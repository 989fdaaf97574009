using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Core;

namespace ModelOps.Storage.Tables;

/// <summary>
/// Pages of a table query. Each page is one request; the service's
/// <c>x-ms-continuation-NextPartitionKey</c>/<c>NextRowKey</c> headers are echoed back as query
/// parameters until they stop coming (a page of at most 1000 entities, possibly empty).
/// </summary>
internal sealed class TableQueryPageable<T>(
    TablePipeline pipeline,
    string table,
    string? filter,
    int? maxPerPage,
    string[]? select,
    CancellationToken cancellationToken) : AsyncPageable<T>(cancellationToken)
    where T : class, ITableEntity, new()
{
    private const string NextPartitionKey = "x-ms-continuation-NextPartitionKey";
    private const string NextRowKey = "x-ms-continuation-NextRowKey";

    public override async IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
    {
        string? token = continuationToken;
        int? top = pageSizeHint ?? maxPerPage;
        do
        {
            using HttpMessage message = pipeline.CreateMessage(RequestMethod.Get, $"/{table}()", BuildQuery(token, top));
            Response response = await pipeline.SendAsync(message, CancellationToken, 200);
            var values = new List<T>();
            using (JsonDocument json = JsonDocument.Parse(response.Content.ToMemory()))
            {
                foreach (JsonElement item in json.RootElement.GetProperty("value").EnumerateArray())
                {
                    values.Add(TableEntityMapper.FromEntity<T>(EdmJson.ReadEntity(item)));
                }
            }

            token = ReadContinuation(response);
            yield return Page<T>.FromValues(values, token, response);
        }
        while (token is not null);
    }

    private string BuildQuery(string? token, int? top)
    {
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(filter))
        {
            parts.Add("$filter=" + Uri.EscapeDataString(filter));
        }

        if (top is { } n)
        {
            parts.Add("$top=" + n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (select is { Length: > 0 })
        {
            parts.Add("$select=" + Uri.EscapeDataString(string.Join(',', select)));
        }

        if (token is not null)
        {
            int split = token.IndexOf(' ', StringComparison.Ordinal);
            string partition = split < 0 ? token : token[..split];
            parts.Add("NextPartitionKey=" + Uri.EscapeDataString(partition));
            if (split >= 0)
            {
                parts.Add("NextRowKey=" + Uri.EscapeDataString(token[(split + 1)..]));
            }
        }

        return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);
    }

    // The continuation token is "NextPartitionKey NextRowKey" (the service's values contain no spaces:
    // they are opaque, base64-like markers).
    private static string? ReadContinuation(Response response)
    {
        if (!response.Headers.TryGetValue(NextPartitionKey, out string? partition) || string.IsNullOrEmpty(partition))
        {
            return null;
        }

        return response.Headers.TryGetValue(NextRowKey, out string? row) && !string.IsNullOrEmpty(row)
            ? partition + " " + row
            : partition;
    }

}
