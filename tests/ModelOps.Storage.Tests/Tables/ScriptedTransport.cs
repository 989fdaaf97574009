using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ModelOps.Storage.Tests.Tables;

/// <summary>A transport that answers from a script and records what was sent (for paths no real service can show).</summary>
internal sealed class ScriptedTransport(Func<Request, MockResponse>? respond = null) : HttpPipelineTransport
{
    private readonly Func<Request, MockResponse> _respond = respond ?? (_ => new MockResponse(500));

    public List<MockRequestRecord> Requests { get; } = [];

    public override Request CreateRequest() => new MockRequest();

    public override void Process(HttpMessage message) => ProcessAsync(message).AsTask().GetAwaiter().GetResult();

    public override ValueTask ProcessAsync(HttpMessage message)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (HttpHeader header in message.Request.Headers)
        {
            headers[header.Name] = header.Value;
        }

        Requests.Add(new MockRequestRecord(message.Request.Method.Method, message.Request.Uri.ToUri(), headers));
        message.Response = _respond(message.Request);
        return ValueTask.CompletedTask;
    }
}

internal sealed record MockRequestRecord(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers);

/// <summary>A request that only holds what was set on it.</summary>
internal sealed class MockRequest : Request
{
    private readonly Dictionary<string, List<string>> _headers = new(StringComparer.OrdinalIgnoreCase);

    public override string ClientRequestId { get; set; } = Guid.NewGuid().ToString();

    public override void Dispose()
    {
    }

    protected override void AddHeader(string name, string value) => Values(name).Add(value);

    protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, string.Join(",", h.Value)));

    protected override bool RemoveHeader(string name) => _headers.Remove(name);

    protected override bool TryGetHeader(string name, out string value)
    {
        bool found = _headers.TryGetValue(name, out List<string>? values);
        value = found ? string.Join(",", values!) : null!;
        return found;
    }

    protected override bool TryGetHeaderValues(string name, out IEnumerable<string> values)
    {
        bool found = _headers.TryGetValue(name, out List<string>? list);
        values = list!;
        return found;
    }

    private List<string> Values(string name) => _headers.TryGetValue(name, out List<string>? list) ? list : _headers[name] = [];
}

/// <summary>A response with a status, headers and an optional body.</summary>
internal sealed class MockResponse(int status) : Response
{
    private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);

    public override int Status => status;

    public override string ReasonPhrase => status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override Stream? ContentStream { get; set; }

    public override string ClientRequestId { get; set; } = string.Empty;

    public void SetContent(string body) => ContentStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body));

    public override void Dispose()
    {
    }

    protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, h.Value));

    protected override bool TryGetHeader(string name, out string value) => _headers.TryGetValue(name, out value!);

    protected override bool TryGetHeaderValues(string name, out IEnumerable<string> values)
    {
        bool found = _headers.TryGetValue(name, out string? value);
        values = found ? [value!] : [];
        return found;
    }
}
