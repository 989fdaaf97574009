using Azure.Core;
using Azure.Core.Pipeline;

namespace ModelOps.Storage.Tests;

/// <summary>A pipeline policy that counts and records requests as they go out (per attempt).</summary>
internal sealed class RequestRecorder : HttpPipelineSynchronousPolicy
{
    private readonly List<string> _requests = [];

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        lock (_requests)
        {
            _requests.Add($"{message.Request.Method} {message.Request.Uri}");
        }
    }
}
