using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ModelOps.Hosting;

/// <summary>
/// Builds a ModelOps function app: a standard .NET isolated worker with ASP.NET Core integration, run by the
/// Functions host in Azure and by any host that speaks the worker protocol locally.
/// </summary>
public static class FunctionApps
{
    /// <summary>
    /// A builder with what every app shares: ASP.NET Core integration (HTTP functions take <c>HttpRequest</c>
    /// and return <c>IActionResult</c>), the problem middleware, the clock, the app's health report and who calls (<see cref="CallerIdentity"/>).
    /// </summary>
    public static FunctionsApplicationBuilder CreateBuilder(string[] args, string appName)
    {
        ArgumentException.ThrowIfNullOrEmpty(appName);
        FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.UseMiddleware<ProblemMiddleware>();

        // Request-level framework logs would drown the function logs the host collects.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new AppHealth(appName, typeof(FunctionApps).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0"));
        builder.Services.AddJsonContext(HostingJsonContext.Default);
        builder.Services.AddOptions<CallerOptions>().Bind(builder.Configuration.GetSection(CallerOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<CallerIdentity>();
        return builder;
    }

    /// <summary>Answers of <c>IActionResult</c> functions serialize their values with <paramref name="context"/> first (source-generated contracts).</summary>
    public static IServiceCollection AddJsonContext(this IServiceCollection services, IJsonTypeInfoResolver context) =>
        services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => o.JsonSerializerOptions.TypeInfoResolverChain.Insert(0, context));
}
