using ModelOps.Registry;
using ModelOps.Scoring.Engines;
using ModelOps.Storage;
using ModelOps.Storage.Registry;

namespace ModelOps.Cli;

/// <summary>
/// The registry every CLI registration goes through (<c>models register</c> and the demo champion of <c>up</c>),
/// checked as the apps check it: where both engines run a model, both score the sample rows and a disagreement
/// refuses the version; a model only ONNX Runtime runs must score them there.
/// </summary>
internal static class CheckedRegistry
{
    public static ModelRegistry Create(StorageConnection connection, RegistryOptions options, RegistryStorageOptions storage) =>
        ModelRegistryFactory.Create(connection, options, storage, TimeProvider.System, validator: new CrossCheckedArtifactValidator(options, new EngineSelector()));
}
