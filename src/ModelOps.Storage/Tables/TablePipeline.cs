using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ModelOps.Storage.Tables;

/// <summary>
/// The HTTP side shared by the table clients: the Azure.Core pipeline (retries, auth, logging), the
/// service endpoint, the common OData headers, and turning error responses into
/// <see cref="RequestFailedException"/> with the service's error code.
/// </summary>
internal sealed class TablePipeline
{
    public const string JsonMinimalMetadata = "application/json;odata=minimalmetadata";

    public TablePipeline(Uri endpoint, HttpPipeline pipeline)
    {
        Endpoint = new Uri(endpoint.ToString().TrimEnd('/'));
        Pipeline = pipeline;
    }

    public Uri Endpoint { get; }

    public HttpPipeline Pipeline { get; }

    public static TablePipeline Create(Uri endpoint, TableSharedKeyCredential? sharedKey, TokenCredential? token, TableClientOptions? options)
    {
        options ??= new TableClientOptions();
        var perRetry = new List<HttpPipelinePolicy>();
        if (sharedKey is not null)
        {
            perRetry.Add(new SharedKeyLitePolicy(sharedKey, options.TimeProvider));
        }
        else if (token is not null)
        {
            perRetry.Add(new BearerTokenAuthenticationPolicy(token, "https://storage.azure.com/.default"));
        }

        HttpPipeline pipeline = HttpPipelineBuilder.Build(options, [], perRetry.ToArray(), new ResponseClassifier());
        return new TablePipeline(endpoint, pipeline);
    }

    /// <summary>Creates a request with the OData headers every Table operation sends.</summary>
    public HttpMessage CreateMessage(RequestMethod method, string relativePath, string? query = null)
    {
        HttpMessage message = Pipeline.CreateMessage();
        Request request = message.Request;
        request.Method = method;
        var uri = new RequestUriBuilder();
        uri.Reset(Endpoint);
        uri.AppendPath(relativePath, escape: false);
        if (!string.IsNullOrEmpty(query))
        {
            uri.Query = query;
        }

        request.Uri = uri;
        request.Headers.SetValue("x-ms-version", TableClientOptions.ServiceVersion);
        request.Headers.SetValue("DataServiceVersion", "3.0");
        request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        request.Headers.SetValue(HttpHeader.Names.Accept, JsonMinimalMetadata);
        return message;
    }

    public static void SetJsonContent(HttpMessage message, byte[] body)
    {
        message.Request.Headers.SetValue(HttpHeader.Names.ContentType, "application/json");
        message.Request.Content = RequestContent.Create(body);
    }

    /// <summary>Sends the message; any status outside <paramref name="expected"/> throws.</summary>
    public async Task<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken, params int[] expected)
    {
        await Pipeline.SendAsync(message, cancellationToken);
        Response response = message.Response;
        if (Array.IndexOf(expected, response.Status) < 0)
        {
            throw CreateException(response);
        }

        return response;
    }

    public static RequestFailedException CreateException(Response response)
    {
        (string? code, string? detail) = EdmJson.ReadError(response.Content.ToMemory().Span);
        code ??= response.Headers.TryGetValue("x-ms-error-code", out string? header) ? header : null;
        string message = $"Table service returned {response.Status} ({response.ReasonPhrase})"
            + (code is null ? string.Empty : $" {code}")
            + (string.IsNullOrEmpty(detail) ? "." : $": {detail}");
        return new RequestFailedException(response.Status, message, code, null);
    }

    /// <summary>Quotes a key for use in an entity URI: single quotes doubled, then percent-encoded.</summary>
    public static string EntityPath(string table, string partitionKey, string rowKey) =>
        $"/{table}(PartitionKey='{Uri.EscapeDataString(partitionKey.Replace("'", "''", StringComparison.Ordinal))}',RowKey='{Uri.EscapeDataString(rowKey.Replace("'", "''", StringComparison.Ordinal))}')";

    /// <summary>Every response is classified by the operation itself; the pipeline only retries transient failures.</summary>
    private sealed class ResponseClassifier : Azure.Core.ResponseClassifier
    {
        public override bool IsErrorResponse(HttpMessage message) => message.Response.Status >= 400;
    }
}
