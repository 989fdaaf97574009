using System.Text;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Learning.Tests.Pipelines;

namespace ModelOps.Scoring.Tests;

/// <summary>Real models for scoring tests: Telco pipelines trained once per run, and a PyTorch-converted model only ONNX Runtime runs.</summary>
internal static class TestArtifacts
{
    private static readonly Lazy<(FittedPipeline Pipeline, byte[] Onnx)> Glm = new(() => Train(TelcoData.ExampleSpec()));

    private static readonly Lazy<(FittedPipeline Pipeline, byte[] Onnx)> Gbdt = new(() => Train(TelcoData.ExampleSpec() with
    {
        Estimator = new EstimatorSpec { Type = EstimatorType.Gbdt, Iterations = 20, MaxDepth = 3, Seed = 7 },
        Transforms = TelcoData.ExampleSpec().Transforms.Select(t => t.Step == TransformKind.OneHot ? t with { Unknown = UnknownCategoryPolicy.Error } : t).ToArray(),
    }));

    /// <summary>The shipped Telco spec (elastic-net GLM), exported.</summary>
    public static byte[] TelcoGlm => Glm.Value.Onnx;

    public static FittedPipeline TelcoGlmPipeline => Glm.Value.Pipeline;

    /// <summary>Boosted trees on Telco with unknown levels rejected (one_hot unknown: error).</summary>
    public static byte[] TelcoGbdt => Gbdt.Value.Onnx;

    public static FittedPipeline TelcoGbdtPipeline => Gbdt.Value.Pipeline;

    /// <summary>PyTorch's Softplus over a fixed [10, 20] input: an operator our engine does not claim.</summary>
    public static byte[] Softplus => PyTorchConverted("test_Softplus");

    /// <summary>Rows of 20 numbers as a scoring body for <see cref="Softplus"/> (its graph input is named "0").</summary>
    public static string SoftplusBody(float[][] rows) =>
        "{\"rows\":[" + string.Join(',', rows.Select(r => "{\"0\":[" + string.Join(',', r.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]}")) + "]}";

    /// <summary>ONNX Runtime's own output "1" for each row of <see cref="Softplus"/>, run directly in the graph's fixed batches of 10 (the last padded).</summary>
    public static float[][] SoftplusByOnnxRuntime(float[][] rows)
    {
        using var direct = new InferenceSession(Softplus);
        var outputs = new float[rows.Length][];
        for (int start = 0; start < rows.Length; start += 10)
        {
            var input = new float[200];
            int end = Math.Min(start + 10, rows.Length);
            for (int r = start; r < end; r++)
            {
                rows[r].CopyTo(input, (r - start) * 20);
            }

            using OrtValue value = OrtValue.CreateTensorValueFromMemory(input, [10, 20]);
            using IDisposableReadOnlyCollection<OrtValue> results = direct.Run(new RunOptions(), ["0"], [value], ["1"]);
            float[] batch = results[0].GetTensorDataAsSpan<float>().ToArray();
            for (int r = start; r < end; r++)
            {
                outputs[r] = batch.AsSpan((r - start) * 20, 20).ToArray();
            }
        }

        return outputs;
    }

    /// <summary>A model from Debian's libonnx-testdata PyTorch-converted set (installed by the test command).</summary>
    public static byte[] PyTorchConverted(string name) => File.ReadAllBytes(Path.Combine("/usr/share/libonnx-testdata/data/pytorch-converted", name, "model.onnx"));

    /// <summary>Telco test rows <c>[start, start + count)</c> as JSON row objects (missing numbers as null).</summary>
    public static string TelcoRowsJson(int start, int count, int explain = 0, string? keyField = null)
    {
        Dataset data = TelcoData.Test.Slice(start, start + count);
        var json = new StringBuilder("{\"rows\":[");
        for (int r = 0; r < count; r++)
        {
            json.Append(r == 0 ? "{" : ",{");
            if (keyField is not null)
            {
                json.Append('"').Append(keyField).Append("\":\"c").Append(start + r).Append("\",");
            }

            json.Append(string.Join(',', TelcoGlmPipeline.Inputs.Select(i => JsonSerializer.Serialize(i.Name) + ":" + Value(data[i.Name], r))));
            json.Append('}');
        }

        return json.Append("],\"explain\":").Append(explain).Append('}').ToString();
    }

    private static string Value(DataColumn column, int r) => column.Numbers is { } n
        ? double.IsNaN(n[r]) ? "null" : n[r].ToString("R", System.Globalization.CultureInfo.InvariantCulture)
        : column.Texts![r] is { } t ? JsonSerializer.Serialize(t) : "null";

    private static (FittedPipeline, byte[]) Train(PipelineSpec spec)
    {
        FittedPipeline pipeline = PipelineTrainer.Fit(spec, TelcoData.Train).Pipeline;
        return (pipeline, PipelineOnnxExporter.Export(pipeline));
    }
}
