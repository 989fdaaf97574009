using Microsoft.AspNetCore.Http;

namespace LocalFunctionsHost.Tests;

/// <summary>Which key opened a call, and at which level.</summary>
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
    public void A_function_key_in_the_code_parameter_opens_a_function_and_is_known_by_its_name()
    {
        KeyCheck check = new FunctionKeys(Settings).Check(Request(code: "key-two"), "function");

        check.Allowed.Should().BeTrue();
        check.KeyName.Should().Be("audit-bot");
        check.AuthLevel.Should().Be("Function");
    }

    [Fact]
    public void The_master_key_opens_admin_and_is_named_master()
    {
        KeyCheck check = new FunctionKeys(Settings).Check(Request(header: "the-master"), "admin");

        check.Allowed.Should().BeTrue();
        check.KeyName.Should().Be("master");
        check.AuthLevel.Should().Be("Admin");
    }

    [Fact]
    public void An_anonymous_call_without_a_key_is_allowed_and_names_no_key()
    {
        KeyCheck check = new FunctionKeys(Settings).Check(Request(), "anonymous");

        check.Allowed.Should().BeTrue();
        check.KeyName.Should().BeNull();
    }
}
