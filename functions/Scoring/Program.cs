using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelOps.Hosting;
using ModelOps.Scoring;
using ModelOps.Scoring.Functions;

FunctionsApplicationBuilder builder = FunctionApps.CreateBuilder(args, "Scoring");
builder.Services.AddModelScoring(builder.Configuration);
builder.Services.AddJsonContext(ScoringJsonContext.Default);

// Fields a row does not have (value for a classifier, reasons without explain) are left out, as the OpenAPI document says, not sent as null.
builder.Services.Configure<JsonOptions>(o => o.JsonSerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);
builder.Build().Run();
