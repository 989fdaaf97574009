using ModelOps.Onnx;
using ModelOps.Registry;

namespace ModelOps.Registry.Tests;

/// <summary>Small real ONNX models and matching registrations.</summary>
internal static class TestModels
{
    public static readonly byte[] AuditKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    /// <summary>Y = X · w + b for X of shape [N, 2]; <paramref name="bias"/> makes distinct bytes.</summary>
    public static byte[] Linear(float bias = 0.5f) => ModelOps.Testing.TestOnnxModels.Linear(bias);

    public static ModelSchema Schema { get; } = new([new TensorSpec("X", "float", [-1, 2])], [new TensorSpec("Y", "float", [-1, 1])]);

    public static RegistrationRequest Request(string model = "churn", int? version = null, string? alias = null) =>
        new(model, version, "Churn risk", "data-team", ["churn", "telco"], Schema, new ModelCard("Retention offers", "Telco only"),
            new Dictionary<string, double> { ["auc"] = 0.81 }, Lineage.Empty, [], alias, "first cut");
}
