using ModelOps.Hosting;

WebApplicationBuilder builder = FunctionAppBuilder.Create(args);

WebApplication app = builder.Build();
app.UseModelOps("Scoring");
app.Run();

/// <summary>The Scoring function app's entry point (a custom handler); tests start it through this type.</summary>
public partial class Program;
