using Syndication.Core.Catalog;

namespace Syndication.Tests.Catalog;

public sealed class SyndicationOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_include_global_and_india_in_ist()
    {
        var options = new SyndicationOptions();
        var catalog = new PublicationCatalog(options);

        Assert.Empty(options.Validate());
        Assert.Contains(catalog.Editions, e => e is { Id: "global", CarriesEverything: true });
        Assert.Equal("Asia/Kolkata", catalog.FindEdition("india")!.TimeZone);
        Assert.Equal("medtop:07000000", catalog.FindSector("health")!.MediaTopics[0]);
    }

    [Fact]
    public void Every_wrong_setting_is_named()
    {
        var options = new SyndicationOptions
        {
            Site = new SiteOptions { BaseUrl = "news.example.com", Name = "" },
            Editions = [new Edition("India", "India", "IST", ["IN"])],
            Feeds = new FeedOptions { MaxItems = 0 },
        };

        var errors = options.Validate();

        Assert.Contains(errors, e => e.Contains("Syndication:Site:BaseUrl", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Syndication:Site:Name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Syndication:Feeds:MaxItems", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'IST', which is not an IANA zone", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("lowercase", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("carry every story", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-1, null, "Syndication:Ingest:FutureDateToleranceMinutes")]
    [InlineData(1441, null, "Syndication:Ingest:FutureDateToleranceMinutes")]
    [InlineData(15, "https://www.youtube.com/", "Syndication:Ingest:IframeHosts")]
    [InlineData(15, "", "Syndication:Ingest:IframeHosts")]
    public void Wrong_ingest_settings_are_named(int toleranceMinutes, string? iframeHost, string named)
    {
        var options = new SyndicationOptions
        {
            Ingest = new IngestOptions { FutureDateToleranceMinutes = toleranceMinutes, IframeHosts = iframeHost is null ? null : [iframeHost] },
        };

        Assert.Contains(options.Validate(), e => e.Contains(named, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(61)]
    public void A_coalescing_window_outside_0_to_60_seconds_is_named(int seconds)
    {
        var options = new SyndicationOptions { Feeds = new FeedOptions { CoalesceSeconds = seconds } };

        Assert.Contains(options.Validate(), e => e.Contains("Syndication:Feeds:CoalesceSeconds must be between 0 and 60", StringComparison.Ordinal));
        Assert.Empty(new SyndicationOptions { Feeds = new FeedOptions { CoalesceSeconds = 0 } }.Validate());
        Assert.Equal(10, new FeedOptions().CoalesceSeconds);
    }

    [Fact]
    public void Ingest_defaults_are_valid()
    {
        var options = new SyndicationOptions { Ingest = new IngestOptions { FutureDateToleranceMinutes = 0, IframeHosts = ["www.dailymotion.com", "player.vimeo.com"] } };

        Assert.Empty(options.Validate());
        Assert.Equal(15, new IngestOptions().FutureDateToleranceMinutes);
        Assert.Null(new IngestOptions().IframeHosts);
    }
}
