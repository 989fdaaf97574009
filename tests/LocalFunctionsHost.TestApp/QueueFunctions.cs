using System.Text.Json.Nodes;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;

namespace LocalFunctionsHost.TestApp;

/// <summary>A work item as a POCO queue payload.</summary>
public sealed record WorkItem(string ModelId, int Step);

/// <summary>Several outputs from one invocation, written by the host.</summary>
public sealed class FanOut
{
    [QueueOutput("%QUEUE_NEXT%")]
    public string[]? Next { get; init; }

    [QueueOutput("%QUEUE_TRAP%")]
    public string? Trap { get; init; }

    [QueueOutput("%QUEUE_BYTES%")]
    public byte[]? Bytes { get; init; }

    [BlobOutput("%CONTAINER%/{Id}.json")]
    public string? Report { get; init; }
}

/// <summary>Queue triggers: string, POCO and SDK-type payloads, failures for the poison path, outputs.</summary>
public sealed class QueueFunctions
{
    /// <summary>Records the body and metadata; a body containing "fail" throws (the retry and poison path).</summary>
    [Function("QueueText")]
    public static void QueueText([QueueTrigger("%QUEUE_TEXT%")] string message, FunctionContext context)
    {
        Recorder.Record("QueueText", new JsonObject { ["body"] = message, ["metadata"] = Recorder.Metadata(context.BindingContext.BindingData) });
        if (message.Contains("fail", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("asked to fail");
        }
    }

    [Function("QueuePoco")]
    public static void QueuePoco([QueueTrigger("%QUEUE_POCO%")] WorkItem item) =>
        Recorder.Record("QueuePoco", new JsonObject { ["modelId"] = item.ModelId, ["step"] = item.Step });

    /// <summary>A <see cref="QueueMessage"/> parameter: the host sends model binding data, the worker builds the message.</summary>
    [Function("QueueSdk")]
    public static void QueueSdk([QueueTrigger("%QUEUE_SDK%")] QueueMessage message) =>
        Recorder.Record("QueueSdk", new JsonObject
        {
            ["id"] = message.MessageId,
            ["body"] = message.Body.ToString(),
            ["dequeueCount"] = message.DequeueCount,
            ["popReceipt"] = message.PopReceipt,
        });

    [Function("QueueFanOut")]
    public static FanOut QueueFanOut([QueueTrigger("%QUEUE_FANOUT%")] string message) => new()
    {
        Next = [$$"""{"step":2,"from":"{{message}}"}""", "plain text!"],
        Trap = "abcd1234",
        Bytes = [0, 1, 2, 255],
        Report = """{"ok":true}""",
    };

    [Function("QueueReturn")]
    [QueueOutput("%QUEUE_RETURN_OUT%")]
    public static string QueueReturn([QueueTrigger("%QUEUE_RETURN_IN%")] string message) => message.ToUpperInvariant();
}
