using ModelOps.Testing;

namespace ModelOps.Promotion.Tests;

/// <summary>One Azurite and one maildev for every test here; each test has its own tables, containers and mail addresses.</summary>
[CollectionDefinition(Name)]
public sealed class LocalServices : ICollectionFixture<AzuriteFixture>, ICollectionFixture<MaildevFixture>
{
    public const string Name = "Azurite and maildev";
}
