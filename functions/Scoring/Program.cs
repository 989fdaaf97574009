using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using ModelOps.Hosting;
using ModelOps.Scoring;
using ModelOps.Scoring.Functions;

FunctionsApplicationBuilder builder = FunctionApps.CreateBuilder(args, "Scoring");
builder.Services.AddModelScoring(builder.Configuration);
builder.Services.AddJsonContext(ScoringJsonContext.Default);
builder.Build().Run();
