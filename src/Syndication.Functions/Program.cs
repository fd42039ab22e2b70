using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Syndication.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication(); // HTTP triggers with ASP.NET Core's HttpRequest and results
SyndicationApp.ConfigureServices(builder.Services, builder.Configuration);
SyndicationApp.ConfigureTelemetry(builder.Services, builder.Configuration);
builder.Build().Run();
