using ModelOps.Testing;

namespace ModelOps.Storage.Tests;

/// <summary>One Azurite for every test in this assembly; each test makes its own containers, queues and tables.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
