using Microsoft.AspNetCore.Http;

namespace LocalFunctionsHost.Tests;

/// <summary>Which key opened a call, and the identity the worker is sent for it (the host's claims).</summary>
public sealed class FunctionKeysTests
{
    private static readonly LocalSettings Settings = new(
        new Dictionary<string, string>(),
        "the-master",
        new Dictionary<string, string> { ["default"] = "key-one", ["audit-bot"] = "key-two" });

    private static HttpRequest Request(string? header = null, string? code = null)
    {
        var context = new DefaultHttpContext();
        if (header is not null)
        {
            context.Request.Headers["x-functions-key"] = header;
        }

        if (code is not null)
        {
            context.Request.QueryString = new QueryString("?code=" + code);
        }

        return context.Request;
    }

    [Fact]
    public void A_function_key_is_named_in_the_identity_sent_to_the_worker()
    {
        KeyCheck check = new FunctionKeys(Settings).Check(Request(code: "key-two"), "function");
        var identity = FunctionKeys.Identity(check)!;

        check.Allowed.Should().BeTrue();
        identity.AuthenticationType.Value.Should().Be("WebJobsAuthLevel");
        identity.Claims.Should().Contain(c => c.Type == FunctionKeys.KeyIdClaim && c.Value == "audit-bot");
        identity.Claims.Should().Contain(c => c.Type == FunctionKeys.AuthLevelClaim && c.Value == "Function");
    }

    [Fact]
    public void The_master_key_opens_admin_and_is_named_master()
    {
        KeyCheck check = new FunctionKeys(Settings).Check(Request(header: "the-master"), "admin");

        check.Allowed.Should().BeTrue();
        FunctionKeys.Identity(check)!.Claims.Should().Contain(c => c.Type == FunctionKeys.KeyIdClaim && c.Value == "master");
    }

    [Fact]
    public void An_anonymous_call_without_a_key_carries_no_identity()
    {
        KeyCheck check = new FunctionKeys(Settings).Check(Request(), "anonymous");

        check.Allowed.Should().BeTrue();
        FunctionKeys.Identity(check).Should().BeNull();
    }
}
