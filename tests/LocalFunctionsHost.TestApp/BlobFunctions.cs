using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;

namespace LocalFunctionsHost.TestApp;

/// <summary>Blob bindings: an input read by the worker from model binding data, an output and a trigger.</summary>
public sealed class BlobFunctions
{
    /// <summary>The message names a blob in %CONTAINER%; the function copies it to copies/NAME in upper case.</summary>
    [Function("BlobCopy")]
    [BlobOutput("%CONTAINER%/copies/{queueTrigger}")]
    public static string BlobCopy(
        [QueueTrigger("%QUEUE_BLOB%")] string name,
        [BlobInput("%CONTAINER%/{queueTrigger}")] string content) => content.ToUpperInvariant();

    /// <summary>Records each blob version it sees; content containing "fail" throws (the poison path).</summary>
    [Function("BlobWatch")]
    public static void BlobWatch([BlobTrigger("%WATCHED_CONTAINER%/{name}")] string content, string name)
    {
        Recorder.Record("BlobWatch", new JsonObject { ["name"] = name, ["content"] = content });
        if (content.Contains("fail", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("asked to fail");
        }
    }
}
