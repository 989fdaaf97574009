using ModelOps.Hosting;

WebApplicationBuilder builder = FunctionAppBuilder.Create(args);

WebApplication app = builder.Build();
app.UseModelOps("Pipelines");
app.Run();

/// <summary>The Pipelines function app's entry point (a custom handler); tests start it through this type.</summary>
public partial class Program;
