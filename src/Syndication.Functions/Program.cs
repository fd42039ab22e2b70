using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Syndication.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
SyndicationApp.ConfigureServices(builder.Services, builder.Configuration);
SyndicationApp.ConfigureTelemetry(builder.Services, builder.Configuration);
builder.Build().Run();
