using System.Text.Json;
using Azure;
using Azure.Core;

namespace ModelOps.Storage.Tables;

/// <summary>
/// The Table service of one storage account: create, delete and get clients for tables. Shaped like
/// Azure.Data.Tables' <c>TableServiceClient</c> so it can be swapped for it.
/// </summary>
public class TableServiceClient
{
    private readonly TablePipeline _pipeline;

    /// <summary>For mocking.</summary>
    protected TableServiceClient()
    {
        _pipeline = null!;
    }

    /// <summary>Creates a client from a connection string (account key, explicit endpoints or <c>UseDevelopmentStorage=true</c>).</summary>
    public TableServiceClient(string connectionString, TableClientOptions? options = null)
    {
        StorageConnectionString parsed = StorageConnectionString.Parse(connectionString);
        TableSharedKeyCredential? key = parsed.AccountKey is null ? null : new TableSharedKeyCredential(parsed.AccountName, parsed.AccountKey);
        _pipeline = TablePipeline.Create(parsed.TableEndpoint, key, null, options);
    }

    /// <summary>Creates a client that signs requests with an account key (SharedKeyLite).</summary>
    public TableServiceClient(Uri endpoint, TableSharedKeyCredential credential, TableClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credential);
        _pipeline = TablePipeline.Create(endpoint, credential, null, options);
    }

    /// <summary>Creates a client that authenticates with Microsoft Entra tokens (scope <c>https://storage.azure.com/.default</c>).</summary>
    public TableServiceClient(Uri endpoint, TokenCredential credential, TableClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credential);
        _pipeline = TablePipeline.Create(endpoint, null, credential, options);
    }

    /// <summary>The service endpoint.</summary>
    public virtual Uri Uri => _pipeline.Endpoint;

    /// <summary>A client for one table (nothing is sent).</summary>
    public virtual TableClient GetTableClient(string tableName)
    {
        TableValidation.TableName(tableName);
        return new TableClient(_pipeline, tableName);
    }

    /// <summary>Creates the table; returns false (no exception) when it already exists.</summary>
    public virtual async Task<Response<bool>> CreateTableIfNotExistsAsync(string tableName, CancellationToken cancellationToken = default)
    {
        TableValidation.TableName(tableName);
        using HttpMessage message = _pipeline.CreateMessage(RequestMethod.Post, "/Tables");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        TablePipeline.SetJsonContent(message, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = tableName }));
        Response response = await _pipeline.SendAsync(message, cancellationToken, 201, 204, 409);
        return Response.FromValue(response.Status != 409, response);
    }

    /// <summary>Deletes the table; a table that does not exist is not an error (404 is returned as it is).</summary>
    public virtual async Task<Response> DeleteTableAsync(string tableName, CancellationToken cancellationToken = default)
    {
        TableValidation.TableName(tableName);
        using HttpMessage message = _pipeline.CreateMessage(RequestMethod.Delete, $"/Tables('{tableName}')");
        return await _pipeline.SendAsync(message, cancellationToken, 204, 404);
    }

    /// <summary>Lists the names of the account's tables (optionally filtered, e.g. <c>TableName ge 'a'</c>).</summary>
    public virtual async IAsyncEnumerable<string> QueryTableNamesAsync(string? filter = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? nextTable = null;
        do
        {
            var query = new List<string>();
            if (filter is not null)
            {
                query.Add("$filter=" + Uri.EscapeDataString(filter));
            }

            if (nextTable is not null)
            {
                query.Add("NextTableName=" + Uri.EscapeDataString(nextTable));
            }

            using HttpMessage message = _pipeline.CreateMessage(RequestMethod.Get, "/Tables", query.Count == 0 ? null : "?" + string.Join('&', query));
            Response response = await _pipeline.SendAsync(message, cancellationToken, 200);
            using JsonDocument page = JsonDocument.Parse(response.Content.ToMemory());
            foreach (JsonElement table in page.RootElement.GetProperty("value").EnumerateArray())
            {
                yield return table.GetProperty("TableName").GetString()!;
            }

            nextTable = response.Headers.TryGetValue("x-ms-continuation-NextTableName", out string? next) ? next : null;
        }
        while (nextTable is not null);
    }
}
