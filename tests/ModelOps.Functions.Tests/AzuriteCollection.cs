using ModelOps.Testing;

namespace ModelOps.Functions.Tests;

/// <summary>One Azurite for the tests of this assembly that need storage; each test uses its own table and container.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
