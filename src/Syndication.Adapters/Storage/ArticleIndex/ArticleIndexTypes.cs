// The records ArticleIndex takes and returns: an applied update, touched spans, queue notes, held and recent articles.
using Azure;
using Syndication.Core.Articles;

namespace Syndication.Adapters.Storage;

/// <summary>Changes applied to the index, whose feeds are to be written and then acknowledged.</summary>
/// <param name="TouchedScopes">Every scope whose newest-first list changed: the feeds to rebuild.</param>
/// <param name="Marker">The version of the queue's record of these scopes, to remove once their feeds are written; null when nothing changed.</param>
public sealed record IndexUpdate(IReadOnlySet<string> TouchedScopes, ETag? Marker)
{
    public static IndexUpdate Empty { get; } = new(new HashSet<string>(), null);

    public bool IsEmpty => Marker is null;

    /// <summary>Articles this update took out of public view (killed, or embargoed again): every output that may still show them drops them.</summary>
    public IReadOnlySet<string> Withdrawn { get; init; } = new HashSet<string>();

    /// <summary>Embargoed articles whose lift came, now in the index.</summary>
    public int Lifted { get; init; }

    /// <summary>Articles still held by an embargo after this build.</summary>
    public int Held { get; init; }

    /// <summary>Breaking stories this build published for the first time: their alerts are due.</summary>
    public int AlertsDue { get; init; }
    /// <summary>
    /// Per scope, the spans of public dates (whole UTC minutes) of the index rows this update wrote
    /// or removed: the archive documents that cover them are the only ones that may have to change.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<TouchedSpan>> TouchedTimes { get; init; } = new Dictionary<string, IReadOnlyList<TouchedSpan>>();

    /// <summary>Every note kept in the queue (<see cref="ArticleIndex.SaveNoteAsync"/>), by key: read with the changes, at no extra request.</summary>
    public IReadOnlyDictionary<string, QueueNote> Notes { get; init; } = new Dictionary<string, QueueNote>();

    /// <summary>The keys of the notes whose time has come: work due even when no article changed.</summary>
    public IReadOnlySet<string> Due { get; init; } = new HashSet<string>();
}

/// <summary>Public dates from <paramref name="From"/> (included) until <paramref name="Until"/> (excluded).</summary>
public readonly record struct TouchedSpan(DateTimeOffset From, DateTimeOffset Until);

/// <summary>
/// A small note a stage keeps in the change queue's range, so the one query of an idle build reads
/// it too: what it last wrote, and when it must write again without a change (<paramref name="DueAt"/>).
/// </summary>
public sealed record QueueNote(string Key, DateTimeOffset? DueAt, string Value);

/// <summary>A story held by its embargo, as the private status page lists it.</summary>
public sealed record HeldArticle(string Id, string Headline, DateTimeOffset LiftsAt, IReadOnlyList<string> Editions, string? Origin);

/// <summary>A listed article as trending sees it: the keys page views may use, and what its box shows.</summary>
/// <param name="RowKey">Its row in the index (for <see cref="ArticleIndex.EntriesAsync"/>).</param>
/// <param name="ClusterId">Its near-duplicate story cluster; its own id when alone.</param>
/// <param name="Image">Its first picture, if any.</param>
public sealed record RecentArticle(string RowKey, string Id, string SourceKey, string Slug, Uri Url, string Headline, DateTimeOffset Created, string ClusterId, SectionType Section, ArticleImage? Image);
