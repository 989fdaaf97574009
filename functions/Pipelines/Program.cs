using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using ModelOps.Hosting;
using ModelOps.Hosting.Registry;
using ModelOps.Pipelines;
using ModelOps.Pipelines.Batch;
using ModelOps.Registry;

FunctionsApplicationBuilder builder = FunctionApps.CreateBuilder(args, "Pipelines");
builder.Services.AddModelRegistry(builder.Configuration);
builder.Services.AddJsonContext(RegistryApiJsonContext.Default);
builder.Services.AddJsonContext(RegistryJsonContext.Default);
builder.Services.AddBatchScoring(builder.Configuration);
builder.Build().Run();
