using Syndication.Core.Articles;
using Syndication.Core.Catalog;
using Syndication.Core.Newsletters;

namespace Syndication.Tests.Newsletters;

/// <summary>An India edition issue and its readers, as the digest tests and benchmarks need them.</summary>
internal static class DigestFixtures
{
    public static readonly PublicationCatalog Catalog = new(new SyndicationOptions());

    public static readonly Edition India = Catalog.FindEdition("india")!;

    public static NewsletterOptions Options(int maxStories = 12) => new()
    {
        PublicBaseUrl = "https://news.example.com/newsletter",
        UnsubscribeMailbox = "unsubscribe@news.example.com",
        PublisherName = "Syndication News Ltd",
        PostalAddress = "1 Example Street, Mumbai 400001, India",
        MaxStories = maxStories,
    };

    public static DigestStory Story(int i, string sector, int summaryLength = 200, bool image = false) => new()
    {
        Id = $"{i:x16}",
        Headline = $"Story {i}: monsoon crop insurance claims settled faster as states adopt satellite data",
        Summary = Words(summaryLength),
        Url = new Uri($"https://news.example.com/news/story-{i}"),
        Sectors = [sector],
        Section = i % 5 == 0 ? SectionType.Analysis : SectionType.News,
        Image = image ? new ArticleImage(new Uri($"https://cdn.example.com/images/story-{i}.jpg"), $"Farmers in a field, story {i}", 1200, 800) : null,
    };

    public static DigestIssue Issue(IReadOnlyList<DigestStory> stories, int trending = 10) => new()
    {
        Edition = India,
        IssueKey = "india/2026-11-25",
        LocalDate = new DateOnly(2026, 11, 25),
        ArchiveUrl = new Uri("https://news.example.com/newsletter/archive/india/2026-11-25"),
        Stories = stories,
        Trending = [.. Enumerable.Range(1, trending).Select(i => new TrendingStory($"Trending story number {i} about the grid", new Uri($"https://news.example.com/news/trending-{i}")))],
    };

    public static DigestIssue SampleIssue() => Issue(
    [
        Story(1, "health", image: true),
        Story(2, "agriculture"),
        Story(3, "economy"),
        Story(4, "health"),
        Story(5, "education"),
    ]);

    public static DigestRecipient Recipient(string email = "priya.nair@example.com", IReadOnlyList<string>? sectors = null, string? name = null, int n = 0) => new()
    {
        Email = EmailAddress.Parse(email),
        SubscriberId = $"{n:x32}",
        Sectors = sectors ?? ["health", "education"],
        UnsubscribeToken = $"UNSUBtoken{n}",
        PreferencesToken = $"PREFtoken{n}",
        Name = name,
    };

    /// <summary>Long text with long words, so that size tests are not flattered by short ones.</summary>
    public static string Words(int length)
    {
        const string Text = "Officials said the programme would reach every district before the sowing season, with payments reconciled against satellite imagery and village records so that farmers no longer wait months for compensation. ";
        var builder = new System.Text.StringBuilder();
        while (builder.Length < length)
        {
            builder.Append(Text);
        }

        return builder.ToString(0, length).Trim();
    }
}
