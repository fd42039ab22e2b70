using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Syndication.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication(); // HTTP triggers with ASP.NET Core's HttpRequest and results

// ASP.NET Core's own request lines carry the full URL, tokens included: only warnings of it are
// logged; NewsletterEndpoints logs each request with its route template instead.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
SyndicationApp.ConfigureServices(builder.Services, builder.Configuration);
SyndicationApp.ConfigureTelemetry(builder.Services, builder.Configuration);
builder.Build().Run();
