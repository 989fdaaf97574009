using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Scoring.Benchmarks;

/// <summary>
/// What a user would otherwise write: a minimal ASP.NET Core API that scores one JSON row object with ONNX Runtime
/// (<c>POST /score/{model}</c>), one session per model file, inputs by name ([1,1] tensors), label and probabilities
/// back as JSON. It runs in its own process, as the worker does.
/// </summary>
internal static class MinimalApiPeer
{
    /// <summary><c>peer PORT NAME=FILE.onnx…</c></summary>
    public static async Task RunAsync(string[] args)
    {
        int port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
        var sessions = args.Skip(1).Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => new InferenceSession(p[1], new Microsoft.ML.OnnxRuntime.SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR }));
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        WebApplication app = builder.Build();
        app.MapGet("/ready", () => Results.Ok());
        app.MapPost("/score/{model}", async (string model, HttpRequest request) =>
        {
            if (!sessions.TryGetValue(model, out InferenceSession? found) || found is not InferenceSession session)
            {
                return Results.NotFound();
            }

            using JsonDocument row = await JsonDocument.ParseAsync(request.Body);
            return Results.Json(Score(session, row.RootElement), PeerJsonContext.Default.PeerScore);
        });
        await app.RunAsync();
    }

    /// <summary>One row object scored: a [1,1] tensor per input by name, label and probabilities read back.</summary>
    public static PeerScore Score(InferenceSession session, JsonElement row)
    {
        var inputs = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
        try
        {
            foreach ((string name, NodeMetadata meta) in session.InputMetadata)
            {
                JsonElement value = row.GetProperty(name);
                inputs[name] = meta.ElementDataType switch
                {
                    Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.String => OrtValue.CreateFromStringTensor(StringTensor(value.GetString() ?? string.Empty)),
                    Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Double => OrtValue.CreateTensorValueFromMemory(new[] { value.ValueKind == JsonValueKind.Null ? double.NaN : value.GetDouble() }, [1, 1]),
                    _ => OrtValue.CreateTensorValueFromMemory(new[] { value.ValueKind == JsonValueKind.Null ? float.NaN : value.GetSingle() }, [1, 1]),
                };
            }

            using var options = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(options, inputs, session.OutputNames);
            string label = outputs[0].GetStringElement(0);
            double[] probabilities = outputs[1].GetTensorTypeAndShape().ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Double
                ? outputs[1].GetTensorDataAsSpan<double>().ToArray()
                : Array.ConvertAll(outputs[1].GetTensorDataAsSpan<float>().ToArray(), p => (double)p);
            return new PeerScore(label, probabilities);
        }
        finally
        {
            foreach (OrtValue v in inputs.Values)
            {
                v.Dispose();
            }
        }
    }

    private static Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<string> StringTensor(string value) => new(new[] { value }, [1, 1]);
}

/// <summary>The peer's answer.</summary>
internal sealed record PeerScore(string Label, double[] Probabilities);

[System.Text.Json.Serialization.JsonSerializable(typeof(PeerScore))]
internal sealed partial class PeerJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
