using Syndication.Core.Articles;
using Syndication.Core.Catalog;
using Syndication.Core.Feeds;

namespace Syndication.Core.Newsletters;

/// <summary>One top story of an issue, as much of an article as the email needs.</summary>
public sealed record DigestStory
{
    public required string Id { get; init; }

    public required string Headline { get; init; }

    public string? Summary { get; init; }

    public required Uri Url { get; init; }

    public SectionType Section { get; init; } = SectionType.News;

    public IReadOnlyList<string> Sectors { get; init; } = [];

    public ArticleImage? Image { get; init; }

    /// <summary>The story's correction (NewsroomRules), shown above its summary; none when null.</summary>
    public string? Correction { get; init; }

    public static DigestStory From(Article article)
    {
        ArgumentNullException.ThrowIfNull(article);
        return new DigestStory
        {
            Id = article.Id,
            Headline = article.Headline,
            Summary = article.Summary,
            Url = article.Url,
            Section = article.Section,
            Sectors = article.Sectors,
            Image = article.Images.Count > 0 ? article.Images[0] : null,
            Correction = article.Correction,
        };
    }

    public static DigestStory From(FeedEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new DigestStory
        {
            Id = entry.Id,
            Headline = entry.Headline,
            Summary = entry.Summary,
            Url = entry.Url,
            Section = entry.Section,
            Sectors = entry.Sectors,
            Correction = entry.Correction,
        };
    }
}

/// <summary>One entry of the edition's trending list, in rank order.</summary>
/// <param name="ArticleId">The article's id, so a story killed since the list was ranked can be left out; null when the list did not say.</param>
public sealed record TrendingStory(string Headline, Uri Url, string? ArticleId = null);

/// <summary>Everything an issue shows that is the same for all its readers.</summary>
public sealed record DigestIssue
{
    public required Edition Edition { get; init; }

    /// <summary>From <see cref="SendSchedule"/>: <c>india/2026-11-25</c>.</summary>
    public required string IssueKey { get; init; }

    /// <summary>The issue's date in the edition's time zone (<see cref="ScheduleDecision.LocalDate"/>).</summary>
    public required DateOnly LocalDate { get; init; }

    public NewsletterCadence Cadence { get; init; } = NewsletterCadence.Daily;

    /// <summary>The archived issue on the web, for the "view in browser" link.</summary>
    public required Uri ArchiveUrl { get; init; }

    /// <summary>The edition's top stories, best first; each reader gets those of their sectors.</summary>
    public required IReadOnlyList<DigestStory> Stories { get; init; }

    /// <summary>The edition's trending list, rank 1 first.</summary>
    public IReadOnlyList<TrendingStory> Trending { get; init; } = [];
}

/// <summary>One reader of an issue: what differs from one email to the next.</summary>
public sealed record DigestRecipient
{
    public required EmailAddress Email { get; init; }

    public required string SubscriberId { get; init; }

    /// <summary>Sector ids the reader chose; none means every sector.</summary>
    public IReadOnlyList<string> Sectors { get; init; } = [];

    /// <summary>From <see cref="SubscriberTokens.Issue"/> with <see cref="TokenPurpose.Unsubscribe"/>.</summary>
    public required string UnsubscribeToken { get; init; }

    /// <summary>From <see cref="SubscriberTokens.Issue"/> with <see cref="TokenPurpose.Preferences"/>.</summary>
    public required string PreferencesToken { get; init; }

    /// <summary>For the greeting and the To header; optional.</summary>
    public string? Name { get; init; }
}

/// <summary>A rendered email, ready for SendGrid: every header value is free of CR and LF.</summary>
public sealed record DigestMessage
{
    public required string ToAddress { get; init; }

    /// <summary>The display name for To, sanitized; null without a name.</summary>
    public string? ToName { get; init; }

    public required string Subject { get; init; }

    public required string Html { get; init; }

    public required string Text { get; init; }

    /// <summary><c>List-Unsubscribe</c> and <c>List-Unsubscribe-Post</c>, to add as custom headers.</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>
    /// Custom args for SendGrid (<c>issue</c>, <c>subscriber</c>), which its webhook echoes on every
    /// event. They hold no personal data, as SendGrid asks of custom args.
    /// </summary>
    public required IReadOnlyDictionary<string, string> CustomArgs { get; init; }

    public required string IssueKey { get; init; }

    public required string SubscriberId { get; init; }
}
