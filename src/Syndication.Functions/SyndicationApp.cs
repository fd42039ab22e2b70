using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Syndication.Pipeline;

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

    /// <summary>App setting holding the NCRONTAB schedule of the newsletter send timer.</summary>
    public const string NewsletterScheduleSetting = "NewsletterSchedule";

    public static void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSyndication(configuration);
        services.AddOptions<ScheduleSettings>()
            .Configure(s =>
            {
                s.Sweep = configuration[SweepScheduleSetting] ?? "";
                s.Feeds = configuration[FeedsScheduleSetting] ?? "";
                s.Upstream = configuration[UpstreamScheduleSetting] ?? "";
                s.Newsletter = configuration[NewsletterScheduleSetting] ?? "";
            })
            .Validate(s => ScheduleSettings.IsNcrontab(s.Sweep), $"{SweepScheduleSetting} must be a six-field NCRONTAB expression such as '0 */5 * * * *'.")
            .Validate(s => ScheduleSettings.IsNcrontab(s.Feeds), $"{FeedsScheduleSetting} must be a six-field NCRONTAB expression such as '0 */5 * * * *'.")
            .Validate(s => ScheduleSettings.IsNcrontab(s.Upstream), $"{UpstreamScheduleSetting} must be a six-field NCRONTAB expression such as '0 */5 * * * *'.")
            .Validate(s => ScheduleSettings.IsNcrontab(s.Newsletter), $"{NewsletterScheduleSetting} must be a six-field NCRONTAB expression such as '45 */5 * * * *'.")
            .ValidateOnStart();
    }
}

/// <summary>Timer schedules, read by the host from app settings (<c>%SweepSchedule%</c>) and checked here at start.</summary>
public sealed class ScheduleSettings
{
    public string Sweep { get; set; } = "";

    public string Feeds { get; set; } = "";

    public string Upstream { get; set; } = "";

    public string Newsletter { get; set; } = "";

    public static bool IsNcrontab(string expression) =>
        expression.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: 6 } fields
        && fields.All(f => f.All(c => char.IsAsciiDigit(c) || c is '*' or '/' or ',' or '-' || char.IsAsciiLetter(c)));
}
