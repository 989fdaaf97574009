using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelOps.Hosting;
using ModelOps.Hosting.Registry;
using ModelOps.Pipelines;
using ModelOps.Pipelines.Batch;
using ModelOps.Pipelines.Monitoring;
using ModelOps.Pipelines.Promotion;
using ModelOps.Registry;
using ModelOps.Scoring.Engines;

FunctionsApplicationBuilder builder = FunctionApps.CreateBuilder(args, "Pipelines");
builder.Services.AddModelRegistry(builder.Configuration);

// Registration is cross-checked by both engines, and takes models only ONNX Runtime can run.
builder.Services.AddSingleton<IModelArtifactValidator>(sp => new CrossCheckedArtifactValidator(sp.GetRequiredService<RegistryOptions>(), new EngineSelector()));
builder.Services.AddJsonContext(RegistryApiJsonContext.Default);
builder.Services.AddJsonContext(RegistryJsonContext.Default);
builder.Services.AddPromotion(builder.Configuration);
builder.Services.AddBatchScoring(builder.Configuration);
builder.Services.AddMonitoring(builder.Configuration);
builder.Build().Run();
