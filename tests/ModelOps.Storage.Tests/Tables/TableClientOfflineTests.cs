using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using ModelOps.Storage.Tables;

namespace ModelOps.Storage.Tests.Tables;

/// <summary>What the client decides before and around the wire: validation, signing, auth and retries.</summary>
public sealed class TableClientOfflineTests
{
    private static readonly Uri Endpoint = new("http://127.0.0.1:1/devstoreaccount1");

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\u0001b")]
    [InlineData("a\u0085b")]
    public async Task Forbidden_key_characters_are_rejected_before_any_request(string key)
    {
        var transport = new ScriptedTransport();
        TableClient table = Client(transport);

        Func<Task> add = () => table.AddEntityAsync(new TableEntity("p", key));

        (await add.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("RowKey");
        transport.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Oversized_values_and_bad_names_are_rejected_before_any_request()
    {
        var transport = new ScriptedTransport();
        TableClient table = Client(transport);
        var tooManyProperties = new TableEntity("p", "r");
        for (int i = 0; i < 253; i++)
        {
            tooManyProperties[$"P{i}"] = i;
        }

        Func<Task>[] attempts =
        [
            () => table.AddEntityAsync(new TableEntity(new string('k', 513), "r")),
            () => table.AddEntityAsync(new TableEntity("p", "r") { ["Text"] = new string('x', 32 * 1024 + 1) }),
            () => table.AddEntityAsync(new TableEntity("p", "r") { ["Blob"] = new byte[64 * 1024 + 1] }),
            () => table.AddEntityAsync(new TableEntity("p", "r") { ["bad name"] = 1 }),
            () => table.AddEntityAsync(tooManyProperties),
            () => table.AddEntityAsync(new TableEntity("p", "r") { ["Unsupported"] = new object() }),
            () => table.SubmitTransactionAsync(Enumerable.Range(0, 101).Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"r{i}")))),
            () => table.SubmitTransactionAsync([new(TableTransactionActionType.Add, new TableEntity("p1", "r")), new(TableTransactionActionType.Add, new TableEntity("p2", "r"))]),
            () => table.SubmitTransactionAsync([new(TableTransactionActionType.Add, new TableEntity("p", "r")), new(TableTransactionActionType.Delete, new TableEntity("p", "r"))]),
        ];

        foreach (Func<Task> attempt in attempts)
        {
            await attempt.Should().ThrowAsync<ArgumentException>();
        }

        transport.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1abc")]
    [InlineData("with-dash")]
    [InlineData("tables")]
    public void Invalid_table_names_are_rejected(string name)
    {
        var service = new TableServiceClient(Endpoint, new TableSharedKeyCredential("devstoreaccount1", Convert.ToBase64String(new byte[32])));

        Action get = () => service.GetTableClient(name);

        get.Should().Throw<ArgumentException>().WithMessage($"*'{name}'*");
    }

    [Fact]
    public void SharedKeyLite_signs_date_and_canonicalized_resource_with_the_account_twice_for_path_style()
    {
        // String to sign for SharedKeyLite (Table): x-ms-date + "\n" + CanonicalizedResource.
        var credential = new TableSharedKeyCredential("devstoreaccount1", StorageConnectionString.DevelopmentAccountKey);
        const string date = "Sun, 22 Nov 2026 10:00:00 GMT";
        const string resource = "/devstoreaccount1/devstoreaccount1/Tables";
        using var hmac = new System.Security.Cryptography.HMACSHA256(Convert.FromBase64String(StorageConnectionString.DevelopmentAccountKey));
        string expected = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(date + "\n" + resource)));

        string canonical = SharedKeyLitePolicy.CanonicalizedResource("devstoreaccount1", new Uri("http://127.0.0.1:10002/devstoreaccount1/Tables?$top=5"));
        string withComp = SharedKeyLitePolicy.CanonicalizedResource("acct", new Uri("https://acct.table.core.windows.net/?restype=service&comp=properties"));

        canonical.Should().Be(resource);
        withComp.Should().Be("/acct/?comp=properties");
        credential.Sign(date + "\n" + canonical).Should().Be(expected);
    }

    [Fact]
    public async Task Requests_carry_the_shared_key_lite_header_and_the_fixed_date()
    {
        var transport = new ScriptedTransport(_ => Respond(204));
        var clock = new Testing.ManualTimeProvider(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));
        var options = new TableClientOptions { Transport = transport, TimeProvider = clock };
        var credential = new TableSharedKeyCredential("devstoreaccount1", StorageConnectionString.DevelopmentAccountKey);
        TableClient table = new TableServiceClient(Endpoint, credential, options).GetTableClient("Models");

        await table.UpsertEntityAsync(new TableEntity("p", "r"));

        MockRequestRecord request = transport.Requests.Single();
        request.Headers["x-ms-date"].Should().Be("Sun, 22 Nov 2026 10:00:00 GMT");
        request.Headers["x-ms-version"].Should().Be("2019-02-02");
        string resource = "/devstoreaccount1/devstoreaccount1/Models(PartitionKey='p',RowKey='r')";
        request.Headers["Authorization"].Should().Be("SharedKeyLite devstoreaccount1:" + credential.Sign("Sun, 22 Nov 2026 10:00:00 GMT\n" + resource));
    }

    [Fact]
    public async Task Token_credential_sends_a_bearer_token_for_the_storage_scope()
    {
        var transport = new ScriptedTransport(_ => Respond(204));
        var credential = new RecordingCredential();
        TableClient table = new TableServiceClient(new Uri("https://acct.table.core.windows.net"), credential, new TableClientOptions { Transport = transport })
            .GetTableClient("Models");

        await table.UpsertEntityAsync(new TableEntity("p", "r"));

        transport.Requests.Single().Headers["Authorization"].Should().Be("Bearer token-123");
        credential.Scopes.Should().Equal("https://storage.azure.com/.default");
    }

    [Fact]
    public async Task A_transient_503_is_retried_by_the_pipeline()
    {
        int calls = 0;
        var transport = new ScriptedTransport(_ => ++calls == 1 ? Respond(503) : Respond(204));
        var options = new TableClientOptions { Transport = transport };
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        TableClient table = new TableServiceClient(Endpoint, new TableSharedKeyCredential("devstoreaccount1", StorageConnectionString.DevelopmentAccountKey), options)
            .GetTableClient("Models");

        Response response = await table.UpsertEntityAsync(new TableEntity("p", "r"));

        response.Status.Should().Be(204);
        transport.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task Service_errors_become_request_failed_with_the_odata_code()
    {
        var transport = new ScriptedTransport(_ => Respond(404, """{"odata.error":{"code":"TableNotFound","message":{"lang":"en-US","value":"The table specified does not exist."}}}"""));
        TableClient table = Client(transport);

        Func<Task> get = () => table.GetEntityAsync<TableEntity>("p", "r");

        RequestFailedException e = (await get.Should().ThrowAsync<RequestFailedException>()).Which;
        e.Status.Should().Be(404);
        e.ErrorCode.Should().Be("TableNotFound");
        e.Message.Should().Contain("does not exist");
    }

    [Fact]
    public void Development_storage_and_explicit_endpoints_parse()
    {
        StorageConnectionString dev = StorageConnectionString.Parse("UseDevelopmentStorage=true");
        StorageConnectionString explicitOne = StorageConnectionString.Parse(
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + StorageConnectionString.DevelopmentAccountKey +
            ";TableEndpoint=http://127.0.0.1:41234/devstoreaccount1;BlobEndpoint=http://127.0.0.1:41232/devstoreaccount1/");
        StorageConnectionString cloud = StorageConnectionString.Parse("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net");

        dev.TableEndpoint.Should().Be(new Uri("http://127.0.0.1:10002/devstoreaccount1"));
        dev.BlobEndpoint.Should().Be(new Uri("http://127.0.0.1:10000/devstoreaccount1"));
        dev.AccountKey.Should().Be(StorageConnectionString.DevelopmentAccountKey);
        explicitOne.TableEndpoint.Should().Be(new Uri("http://127.0.0.1:41234/devstoreaccount1"));
        explicitOne.BlobEndpoint.Should().Be(new Uri("http://127.0.0.1:41232/devstoreaccount1"));
        cloud.TableEndpoint.Should().Be(new Uri("https://acct.table.core.windows.net"));
        cloud.ToString().Should().NotContain("a2V5");
    }

    [Theory]
    [InlineData("AccountKey=abc")]
    [InlineData("garbage")]
    [InlineData("AccountName=a;TableEndpoint=not a uri")]
    public void Malformed_connection_strings_say_what_is_wrong(string text)
    {
        Action parse = () => StorageConnectionString.Parse(text);

        parse.Should().Throw<FormatException>().Which.Message.Should().NotContain("abc");
    }

    private static TableClient Client(ScriptedTransport transport) =>
        new TableServiceClient(Endpoint, new TableSharedKeyCredential("devstoreaccount1", StorageConnectionString.DevelopmentAccountKey), new TableClientOptions { Transport = transport })
            .GetTableClient("Models");

    private static MockResponse Respond(int status, string? body = null)
    {
        var response = new MockResponse(status);
        if (body is not null)
        {
            response.SetContent(body);
        }

        return response;
    }

    private sealed class RecordingCredential : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return new AccessToken("token-123", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
