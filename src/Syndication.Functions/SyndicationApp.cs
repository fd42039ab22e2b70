using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;

namespace Syndication.Functions;

/// <summary>The app's registrations, shared by <c>Program.cs</c> and the test that resolves every function.</summary>
public static class SyndicationApp
{
    /// <summary>App setting holding the NCRONTAB schedule of the incoming sweep.</summary>
    public const string SweepScheduleSetting = "SweepSchedule";

    /// <summary>App setting holding the NCRONTAB schedule of the feed build.</summary>
    public const string FeedsScheduleSetting = "FeedsSchedule";

    /// <summary>App setting holding the NCRONTAB schedule of the agency feed poll.</summary>
    public const string UpstreamScheduleSetting = "UpstreamSchedule";

    /// <summary>App setting holding the NCRONTAB schedule of the status page.</summary>
    public const string StatusScheduleSetting = "StatusSchedule";

    /// <summary>Where telemetry goes; without it nothing is exported (local runs, tests).</summary>
    public const string ApplicationInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary><c>ClientId={id};Authorization=AAD</c>: send telemetry signed in as that managed identity (Application Insights has local auth off).</summary>
    public const string ApplicationInsightsAuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>App setting holding the NCRONTAB schedule of the trending ranking.</summary>
    public const string TrendingScheduleSetting = "TrendingSchedule";

    /// <summary>App setting holding the NCRONTAB schedule of the newsletter send timer.</summary>
    public const string NewsletterScheduleSetting = "NewsletterSchedule";

    /// <summary>App setting holding the NCRONTAB schedule of the breaking-news alert timer.</summary>
    public const string AlertScheduleSetting = "AlertSchedule";

    public static void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSyndication(configuration);
        services.AddSingleton<Syndication.Http.NewsletterEndpoints>();
        services.AddOptions<ScheduleSettings>()
            .Configure(s =>
            {
                s.Sweep = configuration[SweepScheduleSetting] ?? "";
                s.Feeds = configuration[FeedsScheduleSetting] ?? "";
                s.Upstream = configuration[UpstreamScheduleSetting] ?? "";
                s.Status = configuration[StatusScheduleSetting] ?? "";
                s.Trending = configuration[TrendingScheduleSetting] ?? "";
                s.Newsletter = configuration[NewsletterScheduleSetting] ?? "";
                s.Alerts = configuration[AlertScheduleSetting] ?? "";
            })
            .Validate(s => ScheduleSettings.IsNcrontab(s.Sweep), $"{SweepScheduleSetting} must be a six-field NCRONTAB expression such as '0 */5 * * * *'.")
            .Validate(s => ScheduleSettings.IsNcrontab(s.Feeds), $"{FeedsScheduleSetting} must be a six-field NCRONTAB expression such as '0 */5 * * * *'.")
            .Validate(s => ScheduleSettings.IsNcrontab(s.Upstream), $"{UpstreamScheduleSetting} must be a six-field NCRONTAB expression such as '0 */5 * * * *'.")
            .Validate(s => ScheduleSettings.IsNcrontab(s.Status), $"{StatusScheduleSetting} must be a six-field NCRONTAB expression such as '0 */10 * * * *'.")
            .Validate(s => ScheduleSettings.IsNcrontab(s.Trending), $"{TrendingScheduleSetting} must be a six-field NCRONTAB expression such as '45 */5 * * * *'.")
            .Validate(s => ScheduleSettings.IsNcrontab(s.Newsletter), $"{NewsletterScheduleSetting} must be a six-field NCRONTAB expression such as '45 */5 * * * *'.")
            .Validate(s => ScheduleSettings.IsNcrontab(s.Alerts), $"{AlertScheduleSetting} must be a six-field NCRONTAB expression such as '*/20 * * * * *'.")
            .ValidateOnStart();
    }

    /// <summary>
    /// OpenTelemetry in the worker, only when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set:
    /// our log lines with their scopes (<c>Stage</c>, <c>File</c>, <c>ArticleId</c>, <c>Feed</c>, ...)
    /// as custom dimensions, the <c>Syndication</c> meter, and traces, exported straight to
    /// Application Insights with the app's managed identity. <c>UseFunctionsWorkerDefaults</c> tells
    /// the host that the worker exports its own logs, so the host does not send them a second time.
    /// Without the setting nothing changes: logs go through the host (console under <c>func start</c>).
    /// </summary>
    /// <returns>Whether telemetry is exported.</returns>
    public static bool ConfigureTelemetry(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrWhiteSpace(configuration[ApplicationInsightsSetting]))
        {
            return false;
        }

        var credential = TelemetryCredential.From(configuration[ApplicationInsightsAuthenticationSetting]);
        void Exporter(AzureMonitorExporterOptions options)
        {
            options.ConnectionString = configuration[ApplicationInsightsSetting];
            options.Credential = credential;
        }

        // One exporter per signal, each added where it belongs: UseAzureMonitorExporter() alone
        // exported metrics but no log record here (TelemetryTests shows it).
        services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithMetrics(metrics => metrics.AddMeter(PipelineMetrics.MeterName).AddAzureMonitorMetricExporter(Exporter))
            .WithTracing(tracing => tracing.AddAzureMonitorTraceExporter(Exporter))
            .WithLogging(logging => logging.AddAzureMonitorLogExporter(Exporter), options =>
            {
                // Scopes become custom dimensions (Stage, File, ArticleId, ...), beside the formatted message the alerts match.
                options.IncludeScopes = true;
                options.IncludeFormattedMessage = true;
                options.ParseStateValues = true;
            });
        return true;
    }
}

/// <summary>Timer schedules, read by the host from app settings (<c>%SweepSchedule%</c>) and checked here at start.</summary>
public sealed class ScheduleSettings
{
    public string Sweep { get; set; } = "";

    public string Feeds { get; set; } = "";

    public string Upstream { get; set; } = "";

    public string Status { get; set; } = "";

    public string Trending { get; set; } = "";

    public string Newsletter { get; set; } = "";

    public string Alerts { get; set; } = "";

    public static bool IsNcrontab(string expression) =>
        expression.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: 6 } fields
        && fields.All(f => f.All(c => char.IsAsciiDigit(c) || c is '*' or '/' or ',' or '-' || char.IsAsciiLetter(c)));
}
