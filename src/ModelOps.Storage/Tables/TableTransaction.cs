using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;

namespace ModelOps.Storage.Tables;

/// <summary>What one operation of an entity group transaction does.</summary>
public enum TableTransactionActionType
{
    Add = 0,
    UpdateMerge = 1,
    UpdateReplace = 2,
    Delete = 3,
    UpsertMerge = 4,
    UpsertReplace = 5,
}

/// <summary>One operation of an entity group transaction; <paramref name="ETag"/> applies to updates and deletes (default: any).</summary>
public sealed record TableTransactionAction(TableTransactionActionType ActionType, ITableEntity Entity, ETag ETag = default);

/// <summary>An entity group transaction failed: nothing was applied. <see cref="FailedTransactionActionIndex"/> says which operation failed.</summary>
public sealed class TableTransactionFailedException : RequestFailedException
{
    public TableTransactionFailedException(int status, string message, string? errorCode, int? failedIndex)
        : base(status, message, errorCode, null)
    {
        FailedTransactionActionIndex = failedIndex;
    }

    /// <summary>The index of the failing operation in the submitted list, when the service named it.</summary>
    public int? FailedTransactionActionIndex { get; }
}

/// <summary>
/// The <c>$batch</c> wire format: one <c>multipart/mixed</c> batch holding exactly one changeset, each
/// operation an <c>application/http</c> part with an absolute URL (Azure Storage REST, "Performing entity
/// group transactions"). Limits: 100 operations, one partition, one operation per entity, 4 MiB.
/// </summary>
internal static partial class TableTransaction
{
    public const int MaxActions = 100;
    private const int MaxPayloadBytes = 4 * 1024 * 1024;

    [GeneratedRegex(@"^(\d+):", RegexOptions.CultureInvariant)]
    private static partial Regex IndexPrefix();

    [GeneratedRegex(@"HTTP/1\.1 (\d{3})", RegexOptions.CultureInvariant)]
    private static partial Regex StatusLine();

    public static void Validate(TableTransactionAction[] actions)
    {
        if (actions.Length == 0)
        {
            throw new ArgumentException("A transaction needs at least one operation.", nameof(actions));
        }

        if (actions.Length > MaxActions)
        {
            throw new ArgumentException($"A transaction holds at most {MaxActions} operations; this one has {actions.Length}.", nameof(actions));
        }

        string partition = actions[0].Entity.PartitionKey;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < actions.Length; i++)
        {
            ITableEntity entity = actions[i].Entity ?? throw new ArgumentException($"Operation {i} has no entity.", nameof(actions));
            if (actions[i].ActionType == TableTransactionActionType.Delete)
            {
                TableValidation.Key(entity.PartitionKey, nameof(ITableEntity.PartitionKey));
                TableValidation.Key(entity.RowKey, nameof(ITableEntity.RowKey));
            }
            else
            {
                TableValidation.Entity(entity, nameof(actions));
            }

            if (!string.Equals(entity.PartitionKey, partition, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Operation {i} is in partition '{entity.PartitionKey}', but a transaction covers one partition ('{partition}').", nameof(actions));
            }

            if (!seen.Add(entity.RowKey))
            {
                throw new ArgumentException($"Operation {i} touches RowKey '{entity.RowKey}' again; a transaction may touch each entity once.", nameof(actions));
            }
        }
    }

    public static HttpMessage CreateMessage(TablePipeline pipeline, string table, TableTransactionAction[] actions)
    {
        string batch = "batch_" + Guid.NewGuid().ToString("D");
        string changeset = "changeset_" + Guid.NewGuid().ToString("D");
        var body = new StringBuilder();
        body.Append("--").Append(batch).Append("\r\n")
            .Append("Content-Type: multipart/mixed; boundary=").Append(changeset).Append("\r\n\r\n");
        string baseUri = pipeline.Endpoint.ToString().TrimEnd('/');
        foreach (TableTransactionAction action in actions)
        {
            AppendOperation(body, changeset, baseUri, table, action);
        }

        body.Append("--").Append(changeset).Append("--\r\n")
            .Append("--").Append(batch).Append("--\r\n");

        byte[] payload = Encoding.UTF8.GetBytes(body.ToString());
        if (payload.Length > MaxPayloadBytes)
        {
            throw new ArgumentException($"The transaction is {payload.Length} bytes; the limit is 4 MiB.", nameof(actions));
        }

        HttpMessage message = pipeline.CreateMessage(RequestMethod.Post, "/$batch");
        message.Request.Headers.SetValue(HttpHeader.Names.ContentType, "multipart/mixed; boundary=" + batch);
        message.Request.Content = RequestContent.Create(payload);
        return message;
    }

    private static void AppendOperation(StringBuilder body, string changeset, string baseUri, string table, TableTransactionAction action)
    {
        ITableEntity entity = action.Entity;
        (string method, string url, bool hasBody, string? ifMatch) = action.ActionType switch
        {
            TableTransactionActionType.Add => ("POST", $"{baseUri}/{table}", true, null),
            TableTransactionActionType.UpdateMerge => ("MERGE", EntityUrl(), true, IfMatch(action.ETag)),
            TableTransactionActionType.UpdateReplace => ("PUT", EntityUrl(), true, IfMatch(action.ETag)),
            TableTransactionActionType.UpsertMerge => ("MERGE", EntityUrl(), true, null),
            TableTransactionActionType.UpsertReplace => ("PUT", EntityUrl(), true, null),
            TableTransactionActionType.Delete => ("DELETE", EntityUrl(), false, IfMatch(action.ETag)),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action.ActionType, "Unknown transaction operation."),
        };

        body.Append("--").Append(changeset).Append("\r\n")
            .Append("Content-Type: application/http\r\n")
            .Append("Content-Transfer-Encoding: binary\r\n\r\n")
            .Append(method).Append(' ').Append(url).Append(" HTTP/1.1\r\n")
            .Append("Accept: ").Append(TablePipeline.JsonMinimalMetadata).Append("\r\n")
            .Append("DataServiceVersion: 3.0\r\n");
        if (ifMatch is not null)
        {
            body.Append("If-Match: ").Append(ifMatch).Append("\r\n");
        }

        if (hasBody)
        {
            body.Append("Content-Type: application/json\r\n")
                .Append("Prefer: return-no-content\r\n\r\n")
                .Append(Encoding.UTF8.GetString(TableClient.Serialize(entity))).Append("\r\n");
        }
        else
        {
            body.Append("\r\n");
        }

        string EntityUrl() => baseUri + TablePipeline.EntityPath(table, entity.PartitionKey, entity.RowKey);
    }

    private static string IfMatch(ETag etag) => etag == default ? "*" : etag.ToString();

    public static Response<IReadOnlyList<Response>> ReadResponse(Response response, int count)
    {
        if (response.Status != 202)
        {
            RequestFailedException failure = TablePipeline.CreateException(response);
            throw new TableTransactionFailedException(response.Status, failure.Message, failure.ErrorCode, null);
        }

        string text = response.Content.ToString();
        MatchCollection statuses = StatusLine().Matches(text);
        foreach (Match status in statuses)
        {
            int code = int.Parse(status.Groups[1].Value, CultureInfo.InvariantCulture);
            if (code >= 400)
            {
                int jsonStart = text.IndexOf('{', status.Index);
                int jsonEnd = text.LastIndexOf('}');
                (string? errorCode, string? detail) = jsonStart >= 0 && jsonEnd > jsonStart
                    ? EdmJson.ReadError(Encoding.UTF8.GetBytes(text[jsonStart..(jsonEnd + 1)]))
                    : (null, null);
                int? index = detail is not null && IndexPrefix().Match(detail) is { Success: true } m
                    ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
                    : statuses.Count == count ? statuses.Cast<Match>().ToList().IndexOf(status) : null;
                throw new TableTransactionFailedException(
                    code,
                    $"The transaction failed at operation {index?.ToString(CultureInfo.InvariantCulture) ?? "?"} with {code} {errorCode}: {detail}. No operation was applied.",
                    errorCode,
                    index);
            }
        }

        return Response.FromValue<IReadOnlyList<Response>>(Array.Empty<Response>(), response);
    }
}
