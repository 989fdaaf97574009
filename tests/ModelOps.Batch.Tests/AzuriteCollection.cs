using ModelOps.Testing;

namespace ModelOps.Batch.Tests;

/// <summary>One Azurite for the storage tests; each test uses its own tables and containers (the queue names are fixed, and a stale message of another test's run finds no run and is dropped).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
