using ModelOps.Hosting;
using ModelOps.Hosting.Registry;
using ModelOps.Pipelines;

WebApplicationBuilder builder = FunctionAppBuilder.Create(args);
builder.Services.AddModelRegistry(builder.Configuration);
builder.Services.AddRegistryApiJson();

WebApplication app = builder.Build();
app.UseModelOps("Pipelines");
app.MapRegistryApi();
app.Run();

/// <summary>The Pipelines function app's entry point (a custom handler); tests start it through this type.</summary>
public partial class Program;
