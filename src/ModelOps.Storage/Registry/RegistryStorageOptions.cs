namespace ModelOps.Storage.Registry;

/// <summary>Where the registry lives in the storage account (section <c>Registry</c>: <c>Registry__TableName</c>, <c>Registry__ArtifactContainer</c>).</summary>
public sealed class RegistryStorageOptions
{
    /// <summary>The table holding models, versions, aliases and audit entries.</summary>
    public string TableName { get; set; } = "ModelRegistry";

    /// <summary>The blob container holding artifacts by SHA-256.</summary>
    public string ArtifactContainer { get; set; } = "model-artifacts";
}
