using ModelOps.Testing;

namespace ModelOps.Monitoring.Functions.Tests;

/// <summary>One Azurite for the tests of this assembly; each test uses its own tables, containers and model.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
