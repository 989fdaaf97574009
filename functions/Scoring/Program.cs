using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using ModelOps.Hosting;

FunctionsApplicationBuilder builder = FunctionApps.CreateBuilder(args, "Scoring");
builder.Build().Run();
