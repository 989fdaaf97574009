using ModelOps.Testing;

namespace ModelOps.Scoring.Tests;

/// <summary>One Azurite for the tests that write blobs; each test makes its own container.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
