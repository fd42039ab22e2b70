using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Storage;
using Syndication.Adapters.Upstream;
using Syndication.Core.Catalog;
using Syndication.Core.Ingestion;
using Syndication.Core.Trending;
using Syndication.Pipeline.Operations;

namespace Syndication.Pipeline;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers settings (validated at start), storage adapters and stage services. The Functions
    /// app, the CLI and the tests all compose the pipeline through this one method.
    /// </summary>
    public static IServiceCollection AddSyndication(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SyndicationOptions>()
            .Bind(configuration.GetSection(SyndicationOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SyndicationOptions>>(new ErrorListValidator<SyndicationOptions>(o => o.Validate()));

        services.AddOptions<StorageSettings>()
            .Configure(settings =>
            {
                var read = StorageSettings.Read(configuration);
                settings.ConnectionString = read.ConnectionString;
                settings.BlobServiceUri = read.BlobServiceUri;
                settings.TableServiceUri = read.TableServiceUri;
                settings.Credential = read.Credential;
                settings.ClientId = read.ClientId;
                settings.FeedsConnectionString = read.FeedsConnectionString;
                settings.FeedsBlobServiceUri = read.FeedsBlobServiceUri;
            })
            .Validate(
                settings => settings.IsComplete,
                $"{StorageSettings.ConnectionSetting} must be set to a storage connection string (UseDevelopmentStorage=true for Azurite), " +
                $"or to identity-based settings ({StorageSettings.ConnectionSetting}__blobServiceUri and __tableServiceUri, or __accountName).")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StorageRequestCounter>();
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<StorageSettings>>().Value;
            return new StorageAccount(settings.Storage(), sp.GetRequiredService<StorageRequestCounter>(), settings.Feeds());
        });
        services.AddSingleton(sp => new PublicationCatalog(sp.GetRequiredService<IOptions<SyndicationOptions>>().Value));
        services.AddSingleton(sp => new ArticleNormalizer(
            sp.GetRequiredService<PublicationCatalog>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<SyndicationOptions>>().Value.Ingest));
        services.AddSingleton<ArticleStore>();
        services.AddSingleton<ArticleIndex>();
        services.AddSingleton<DropZone>();
        services.AddSingleton<FeedPublisher>();
        services.AddSingleton<TrendingDocumentStore>();
        services.AddSingleton<ArchiveCatalog>();
        services.AddSingleton<FeedArchives>();
        services.AddSingleton<IngestStage>();
        services.AddSingleton(_ => new WebSubPinger(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }));
        services.AddSingleton<FeedsStage>();
        services.AddSingleton<FeedPublishing>();
        services.AddSingleton<LocalBlobEvents>();
        services.AddSingleton(sp => new UpstreamFetcher(sp.GetRequiredService<IOptions<SyndicationOptions>>().Value.Upstream));
        services.AddSingleton<UpstreamStateStore>();
        services.AddSingleton<UpstreamStage>();
        services.AddSingleton<PipelineMetrics>();
        services.AddSingleton<StageRunStore>();
        services.AddSingleton<StageRunRecorder>();
        services.AddSingleton<StatusPageBlob>();
        services.AddSingleton<StatusStage>();

        services.AddOptions<TrendingOptions>()
            .Bind(configuration.GetSection(TrendingOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TrendingOptions>>(new ErrorListValidator<TrendingOptions>(o => o.Validate()));
        services.AddSingleton<PageViewStore>();
        services.AddSingleton<TrendingStage>();
        services.AddNewsletters(configuration);
        return services;
    }
}
