namespace ModelOps.Registry;

/// <summary>One named tensor a model takes or returns: its ONNX element type (e.g. <c>float</c>, <c>string</c>) and shape (-1 for any size).</summary>
public sealed record TensorSpec(string Name, string ElementType, IReadOnlyList<long> Shape);

/// <summary>What a model takes and returns.</summary>
public sealed record ModelSchema(IReadOnlyList<TensorSpec> Inputs, IReadOnlyList<TensorSpec> Outputs)
{
    /// <summary>A schema with nothing declared.</summary>
    public static ModelSchema Empty { get; } = new([], []);
}

/// <summary>
/// The model card: what a reader needs to decide whether to use the model, and who may approve its promotions
/// (<see cref="Approvers"/>: e-mail addresses; none listed means nobody can approve).
/// </summary>
public sealed record ModelCard(
    string IntendedUse = "",
    string Limitations = "",
    string InputsDescription = "",
    string OutputsDescription = "",
    string Accuracy = "",
    string FairnessNotes = "",
    IReadOnlyList<string>? Approvers = null);

/// <summary>A registered model: the name versions are filed under, and what is true of all of them.</summary>
public sealed record Model(
    string Name,
    string Description,
    string Owner,
    IReadOnlyList<string> Tags,
    ModelSchema Schema,
    ModelCard Card,
    int LatestVersion,
    DateTimeOffset CreatedAt);
