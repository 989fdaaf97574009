using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ModelOps.Hosting;

/// <summary>
/// Builds a function app: an ASP.NET Core server run by Azure Functions as a custom handler.
/// It listens on 127.0.0.1 at <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> when the host sets it, so an
/// inherited <c>ASPNETCORE_URLS</c> can never widen the binding.
/// </summary>
public static class FunctionAppBuilder
{
    /// <summary>The environment variable through which the Functions host passes the handler's port.</summary>
    public const string PortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <summary>Creates a builder with the shared services of every ModelOps function app.</summary>
    public static WebApplicationBuilder Create(string[] args)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
        if (int.TryParse(Environment.GetEnvironmentVariable(PortVariable), out int port) && port is > 0 and < 65536)
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }

        // Request-level framework logs would drown the function logs the host collects.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddModelOps();
        return builder;
    }

    /// <summary>Registers what both apps share: problem details, the exception handler and the clock.</summary>
    public static IServiceCollection AddModelOps(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddSingleton(TimeProvider.System);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, HostingJsonContext.Default));
        return services;
    }

    /// <summary>Adds the exception handler and the anonymous health function at <c>GET /api/health</c>.</summary>
    public static WebApplication UseModelOps(this WebApplication app, string appName)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealth(appName);
        return app;
    }

    /// <summary>Maps the health function; the Functions host routes <c>/api/health</c> to it.</summary>
    public static IEndpointConventionBuilder MapHealth(this IEndpointRouteBuilder endpoints, string appName)
    {
        string version = typeof(FunctionAppBuilder).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        return endpoints.MapGet("/api/health", (TimeProvider clock) =>
            TypedResults.Ok(new HealthReport("healthy", appName, version, clock.GetUtcNow())));
    }
}
