using System.Text.Json;
using Azure;
using Azure.Core;

namespace ModelOps.Storage.Tables;

/// <summary>
/// One table: entity operations, queries and entity group transactions over the Table REST API.
/// Shaped like Azure.Data.Tables' <c>TableClient</c>. Arguments are validated before anything is sent.
/// </summary>
public class TableClient
{
    private readonly TablePipeline _pipeline;

    /// <summary>For mocking.</summary>
    protected TableClient()
    {
        _pipeline = null!;
        Name = string.Empty;
    }

    /// <summary>Creates a client for <paramref name="tableName"/> from a connection string.</summary>
    public TableClient(string connectionString, string tableName, TableClientOptions? options = null)
        : this(new TableServiceClient(connectionString, options).GetTableClient(tableName))
    {
    }

    private TableClient(TableClient other)
    {
        _pipeline = other._pipeline;
        Name = other.Name;
    }

    internal TableClient(TablePipeline pipeline, string tableName)
    {
        _pipeline = pipeline;
        Name = tableName;
    }

    /// <summary>The table's name.</summary>
    public virtual string Name { get; }

    /// <summary>Creates the table; returns false when it already exists.</summary>
    public virtual async Task<Response<bool>> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = _pipeline.CreateMessage(RequestMethod.Post, "/Tables");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        TablePipeline.SetJsonContent(message, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = Name }));
        Response response = await _pipeline.SendAsync(message, cancellationToken, 201, 204, 409);
        return Response.FromValue(response.Status != 409, response);
    }

    /// <summary>Deletes the table; 404 is returned, not thrown.</summary>
    public virtual async Task<Response> DeleteAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = _pipeline.CreateMessage(RequestMethod.Delete, $"/Tables('{Name}')");
        return await _pipeline.SendAsync(message, cancellationToken, 204, 404);
    }

    /// <summary>Inserts a new entity; 409 <c>EntityAlreadyExists</c> if one has the same keys.</summary>
    public virtual async Task<Response> AddEntityAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : ITableEntity
    {
        TableValidation.Entity(entity);
        using HttpMessage message = _pipeline.CreateMessage(RequestMethod.Post, "/" + Name);
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        TablePipeline.SetJsonContent(message, Serialize(entity));
        return await _pipeline.SendAsync(message, cancellationToken, 201, 204);
    }

    /// <summary>Inserts or updates the entity without a concurrency check (merge or replace).</summary>
    public virtual Task<Response> UpsertEntityAsync<T>(T entity, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default)
        where T : ITableEntity => WriteAsync(entity, mode, ifMatch: null, cancellationToken);

    /// <summary>
    /// Updates an existing entity only if its ETag still equals <paramref name="ifMatch"/> (use
    /// <see cref="ETag.All"/> for any version): 412 when it changed, 404 when it is gone.
    /// </summary>
    public virtual Task<Response> UpdateEntityAsync<T>(T entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default)
        where T : ITableEntity
    {
        if (ifMatch == default)
        {
            throw new ArgumentException("An update needs an ETag (or ETag.All); use UpsertEntityAsync to write without one.", nameof(ifMatch));
        }

        return WriteAsync(entity, mode, ifMatch, cancellationToken);
    }

    private async Task<Response> WriteAsync<T>(T entity, TableUpdateMode mode, ETag? ifMatch, CancellationToken cancellationToken)
        where T : ITableEntity
    {
        TableValidation.Entity(entity);
        using HttpMessage message = _pipeline.CreateMessage(
            mode == TableUpdateMode.Replace ? RequestMethod.Put : RequestMethod.Patch,
            TablePipeline.EntityPath(Name, entity.PartitionKey, entity.RowKey));
        if (ifMatch is { } etag)
        {
            message.Request.Headers.SetValue(HttpHeader.Names.IfMatch, etag.ToString());
        }

        TablePipeline.SetJsonContent(message, Serialize(entity));
        return await _pipeline.SendAsync(message, cancellationToken, 204);
    }

    /// <summary>Deletes an entity if its ETag matches (default: any version); 404 when it does not exist.</summary>
    public virtual async Task<Response> DeleteEntityAsync(string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default)
    {
        TableValidation.Key(partitionKey, nameof(partitionKey));
        TableValidation.Key(rowKey, nameof(rowKey));
        using HttpMessage message = _pipeline.CreateMessage(RequestMethod.Delete, TablePipeline.EntityPath(Name, partitionKey, rowKey));
        message.Request.Headers.SetValue(HttpHeader.Names.IfMatch, ifMatch == default ? "*" : ifMatch.ToString());
        return await _pipeline.SendAsync(message, cancellationToken, 204);
    }

    /// <summary>Reads one entity; 404 (<c>ResourceNotFound</c>) when it does not exist.</summary>
    public virtual async Task<Response<T>> GetEntityAsync<T>(string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
        where T : class, ITableEntity, new()
    {
        TableValidation.Key(partitionKey, nameof(partitionKey));
        TableValidation.Key(rowKey, nameof(rowKey));
        string? query = select is null ? null : "?$select=" + Uri.EscapeDataString(string.Join(',', select));
        using HttpMessage message = _pipeline.CreateMessage(RequestMethod.Get, TablePipeline.EntityPath(Name, partitionKey, rowKey), query);
        Response response = await _pipeline.SendAsync(message, cancellationToken, 200);
        using JsonDocument json = JsonDocument.Parse(response.Content.ToMemory());
        string? etag = response.Headers.TryGetValue(HttpHeader.Names.ETag, out string? header) ? header : null;
        return Response.FromValue(TableEntityMapper.FromEntity<T>(EdmJson.ReadEntity(json.RootElement, etag)), response);
    }

    /// <summary>Reads one entity, or returns a response without a value when it does not exist.</summary>
    public virtual async Task<NullableResponse<T>> GetEntityIfExistsAsync<T>(string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
        where T : class, ITableEntity, new()
    {
        try
        {
            Response<T> found = await GetEntityAsync<T>(partitionKey, rowKey, select, cancellationToken);
            return found;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return new MissingEntity<T>();
        }
    }

    /// <summary>
    /// Queries the table with an OData <c>$filter</c> (build values safely with <see cref="CreateQueryFilter"/>),
    /// optional page size (<c>$top</c> per request) and <c>$select</c>. Enumerating follows the service's
    /// continuation headers to the end; a page may be empty and still continue.
    /// </summary>
    public virtual AsyncPageable<T> QueryAsync<T>(string? filter = null, int? maxPerPage = null, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
        where T : class, ITableEntity, new()
    {
        if (maxPerPage is <= 0 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPerPage), maxPerPage, "A page holds 1 to 1000 entities.");
        }

        return new TableQueryPageable<T>(_pipeline, Name, filter, maxPerPage, select?.ToArray(), cancellationToken);
    }

    /// <summary>
    /// Submits up to 100 operations on entities of one partition as one atomic entity group transaction.
    /// If any fails, none is applied and <see cref="TableTransactionFailedException"/> names the failing index.
    /// </summary>
    public virtual async Task<Response<IReadOnlyList<Response>>> SubmitTransactionAsync(IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        TableTransactionAction[] list = actions.ToArray();
        TableTransaction.Validate(list);
        using HttpMessage message = TableTransaction.CreateMessage(_pipeline, Name, list);
        await _pipeline.Pipeline.SendAsync(message, cancellationToken);
        return TableTransaction.ReadResponse(message.Response, list.Length);
    }

    /// <summary>
    /// Builds an OData filter from an interpolated string, quoting each value by type: strings in single
    /// quotes with quotes doubled, <c>datetime'…'</c>, <c>guid'…'</c>, <c>X'…'</c>, <c>L</c> suffixes for Int64.
    /// </summary>
    public static string CreateQueryFilter(FormattableString filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        object?[] args = filter.GetArguments().Select(ODataLiteral.Format).ToArray<object?>();
        return string.Format(System.Globalization.CultureInfo.InvariantCulture, filter.Format, args);
    }

    internal static byte[] Serialize<T>(T entity)
        where T : ITableEntity => EdmJson.Serialize(entity.PartitionKey, entity.RowKey, TableEntityMapper.ToProperties(entity));

    private sealed class MissingEntity<T> : NullableResponse<T>
    {
        public override bool HasValue => false;

        public override T? Value => default;

        public override Response GetRawResponse() => throw new InvalidOperationException("The entity does not exist.");
    }
}
