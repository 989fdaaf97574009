using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using ModelOps.Hosting;
using Moq;

namespace ModelOps.Functions.Tests;

/// <summary>
/// Who calls: the platform's signed-in principal only where the platform authenticates callers
/// (<c>Callers__TrustPlatformIdentity</c>); anywhere else the header is anyone's to send and is ignored.
/// </summary>
public sealed class CallerIdentityTests
{
    private static CallerIdentity Identity(bool trustPlatform) => new(Options.Create(new CallerOptions { TrustPlatformIdentity = trustPlatform }));

    /// <summary>A call with a forged signed-in header, authorised by the function key named <c>default</c>.</summary>
    private static HttpRequest ForgedCall()
    {
        var http = new DefaultHttpContext
        {
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(CallerPrincipal.KeyIdClaim, "default")], "WebJobsAuthLevel")),
        };
        http.Request.Headers[CallerPrincipal.NameHeader] = "mallory@example.org";
        http.Request.Headers["x-functions-key"] = "k";
        return http.Request;
    }

    private static FunctionContext Invocation()
    {
        var binding = new Mock<BindingContext>();
        binding.SetupGet(b => b.BindingData).Returns(new Dictionary<string, object?>());
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.BindingContext).Returns(binding.Object);
        return context.Object;
    }

    [Fact]
    public void A_forged_signed_in_header_is_ignored_when_the_platform_does_not_authenticate_callers()
    {
        CallerIdentity identity = Identity(trustPlatform: false);

        identity.SignedIn(ForgedCall()).Should().BeNull();
        identity.Of(ForgedCall(), Invocation()).Should().Be("key:default", "the audit names the key that authorised the call");
    }

    [Fact]
    public void The_signed_in_principal_is_the_caller_when_the_platform_authenticates_callers()
    {
        CallerIdentity identity = Identity(trustPlatform: true);

        identity.SignedIn(ForgedCall()).Should().Be("mallory@example.org");
        identity.Of(ForgedCall(), Invocation()).Should().Be("mallory@example.org");
    }

    [Fact]
    public void Trusted_or_not_a_call_without_the_header_is_known_by_its_key()
    {
        var http = new DefaultHttpContext();
        http.Request.Headers["x-functions-key"] = "k";

        Identity(trustPlatform: true).SignedIn(http.Request).Should().BeNull();
        Identity(trustPlatform: true).Of(http.Request, Invocation()).Should().Be("key:unnamed");
    }
}
