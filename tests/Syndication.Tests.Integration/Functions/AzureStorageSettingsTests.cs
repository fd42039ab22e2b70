using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Syndication.Adapters.Storage;
using Syndication.Functions;

namespace Syndication.Tests.Functions;

/// <summary>The app settings infra/modules/functionapp.bicep writes compose a working app (no request is made).</summary>
public sealed class AzureStorageSettingsTests
{
    private static ServiceProvider Compose(Dictionary<string, string?> settings)
    {
        settings["SweepSchedule"] = "0 */5 * * * *";
        settings["FeedsSchedule"] = "30 */5 * * * *";
        settings["UpstreamSchedule"] = "15 */5 * * * *";
        settings["StatusSchedule"] = "45 */10 * * * *";
        settings["TrendingSchedule"] = "45 */5 * * * *";
        settings["NewsletterSchedule"] = "45 */5 * * * *";
        settings["AlertSchedule"] = "*/20 * * * * *";

        // What the Key Vault references of functionapp.bicep resolve to: in Azure the keys are required.
        settings["Syndication:Newsletter:TokenSigningKey"] = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray());
        settings["Syndication:Newsletter:SubscriberIdKey"] = Convert.ToBase64String(Enumerable.Repeat((byte)9, 32).ToArray());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        SyndicationApp.ConfigureServices(services, configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
        return provider;
    }

    [Fact]
    public void Identity_based_settings_reach_the_private_account_and_write_feeds_to_the_public_one()
    {
        using var provider = Compose(new()
        {
            ["AzureWebJobsStorage:blobServiceUri"] = "https://stprivate.blob.core.windows.net/",
            ["AzureWebJobsStorage:queueServiceUri"] = "https://stprivate.queue.core.windows.net/",
            ["AzureWebJobsStorage:tableServiceUri"] = "https://stprivate.table.core.windows.net/",
            ["AzureWebJobsStorage:credential"] = "managedidentity",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
            ["FeedsStorage:blobServiceUri"] = "https://stfeeds.blob.core.windows.net/",
        });

        var account = provider.GetRequiredService<StorageAccount>();
        Assert.Equal("https://stprivate.blob.core.windows.net/incoming", account.Container(StorageNames.IncomingContainer).Uri.ToString());
        Assert.Equal("https://stprivate.table.core.windows.net/", account.Tables.Uri.ToString());
        Assert.Equal("https://stfeeds.blob.core.windows.net/feeds/rss.xml", provider.GetRequiredService<FeedPublisher>().StorageUrl("rss.xml").ToString());
    }

    [Fact]
    public void An_account_name_alone_means_the_public_cloud_endpoints_and_feeds_stay_in_the_same_account()
    {
        using var provider = Compose(new()
        {
            ["AzureWebJobsStorage:accountName"] = "stprivate",
            ["AzureWebJobsStorage:credential"] = "managedidentity",
        });

        var account = provider.GetRequiredService<StorageAccount>();
        Assert.Equal("https://stprivate.table.core.windows.net/", account.Tables.Uri.ToString());
        Assert.Equal("https://stprivate.blob.core.windows.net/feeds", account.Feeds.Uri.ToString());
    }
}
