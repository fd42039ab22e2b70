using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Newsletters;
using Syndication.Adapters.Storage;
using Syndication.Core.Catalog;
using Syndication.Core.Newsletters;

namespace Syndication.Pipeline;

public static class NewsletterServices
{
    /// <summary>
    /// Newsletter settings (validated at start), stores, the mail transport (SendGrid with a key,
    /// the outbox without) and the newsletter services; called by <see cref="ServiceCollectionExtensions.AddSyndication"/>.
    /// </summary>
    public static IServiceCollection AddNewsletters(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(NewsletterOptions.SectionName);
        services.AddOptions<NewsletterOptions>()
            .Bind(section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<NewsletterOptions>>(new ErrorListValidator<NewsletterOptions>(o => o.Validate()));
        services.AddOptions<NewsletterKeys>()
            .Bind(section)
            .PostConfigure<IOptions<StorageSettings>>((keys, storage) => keys.DevelopmentStorage = IsDevelopmentStorage(storage.Value))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<NewsletterKeys>>(new ErrorListValidator<NewsletterKeys>(o => o.Validate()));

        services.AddSingleton<SubscriberStore>();
        services.AddSingleton<SuppressionList>();
        services.AddSingleton<SendLedger>();
        services.AddSingleton<SendQuota>();
        services.AddSingleton<WebhookEventLog>();
        services.AddSingleton<RateLimiter>();
        services.AddSingleton(sp => new DigestRenderer(sp.GetRequiredService<IOptions<NewsletterOptions>>().Value, sp.GetRequiredService<PublicationCatalog>()));
        services.AddSingleton(sp => new NewsletterPages(sp.GetRequiredService<IOptions<NewsletterOptions>>().Value, sp.GetRequiredService<PublicationCatalog>()));
        services.AddSingleton(sp => new NewsletterLinks(sp.GetRequiredService<IOptions<NewsletterOptions>>().Value));
        services.AddSingleton(sp =>
        {
            var keys = sp.GetRequiredService<IOptions<NewsletterKeys>>().Value;
            if (keys.UsesDevelopmentKeys)
            {
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NewsletterServices)).LogWarning(
                    "Newsletter: no token or subscriber id keys configured; using the public development keys (development storage only)");
            }

            return new SubscriberTokens(keys.KeyRing(), sp.GetRequiredService<TimeProvider>(), TimeSpan.FromDays(sp.GetRequiredService<IOptions<NewsletterOptions>>().Value.ConfirmTokenDays));
        });
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<NewsletterKeys>>().Value.SubscriberIds());
        services.AddSingleton<IMailTransport>(sp =>
        {
            var keys = sp.GetRequiredService<IOptions<NewsletterKeys>>().Value;
            var options = sp.GetRequiredService<IOptions<NewsletterOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            if (keys.SendGridApiKey.Length > 0)
            {
                // The transport times each request itself (a timeout is an uncertain batch, not an error).
                var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                return new SendGridTransport(http, new SendGridSettings(
                    keys.SendGridApiKey,
                    keys.SendGridHost,
                    TimeSpan.FromSeconds(options.RequestTimeoutSeconds),
                    options.MaxAttempts,
                    TimeSpan.FromSeconds(options.MaxRetryAfterSeconds),
                    TimeSpan.FromMilliseconds(options.RetryBackoffMilliseconds)),
                    TimeProvider.System); // waits for SendGrid are real time, whatever clock the pipeline runs on
            }

            return keys.OutboxFolder.Length > 0
                ? new OutboxTransport(new DirectoryInfo(keys.OutboxFolder), time)
                : new OutboxTransport(sp.GetRequiredService<StorageAccount>(), time);
        });
        services.AddSingleton<NewsletterArchive>();
        services.AddSingleton<NewsletterStage>();
        services.AddSingleton<AlertStage>();
        services.AddSingleton<NewsletterReports>();
        services.AddSingleton<SubscriptionService>();
        services.AddSingleton<SubscriberImporter>();
        return services;
    }

    /// <summary>Azurite: the development connection string, or an account served from a loopback address.</summary>
    private static bool IsDevelopmentStorage(StorageSettings storage)
    {
        var connection = storage.ConnectionString;
        return connection.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
            || connection.Contains("://127.0.0.1", StringComparison.Ordinal)
            || connection.Contains("://localhost", StringComparison.OrdinalIgnoreCase);
    }
}
