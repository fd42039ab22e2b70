using System.Buffers;
using Syndication.Core.Articles;

namespace Syndication.Core.Feeds;

/// <summary>How feeds are written beyond what the channel says.</summary>
public sealed record FeedWriteOptions
{
    /// <summary>
    /// 250,000 bytes: under 250 KB however a reader counts it (some stop fetching or truncate at
    /// 256 KiB or 512 KiB), and the blob stays cheap to poll.
    /// </summary>
    public const int DefaultMaxBytes = 250_000;

    public static FeedWriteOptions Default { get; } = new();

    /// <summary>
    /// Upper bound of a feed's size. Over it, full bodies are dropped from the oldest items first
    /// (their summaries stay), then the oldest items themselves.
    /// </summary>
    public int MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>Length of the summary taken from the body when an entry has none.</summary>
    public int ExcerptChars { get; init; } = 300;
}

/// <summary>One written feed: where it goes, what it is, and what had to be trimmed to fit.</summary>
/// <param name="Items">Items written; fewer than the entries given when the size cap dropped the oldest.</param>
/// <param name="ItemsWithContent">Items written with their full body.</param>
public sealed record FeedDocument(FeedFormat Format, string Path, Uri Url, string ContentType, ReadOnlyMemory<byte> Content, int Items, int ItemsWithContent);

/// <summary>
/// Writes a channel's feeds. Output depends only on the channel and the entries, never on the
/// clock, so building twice from the same articles gives the same bytes and the stored blob keeps
/// its ETag (the stage uploads only when bytes change).
/// </summary>
public static class FeedWriter
{
    /// <summary>The channel's feed in one format, under the size cap.</summary>
    public static FeedDocument Write(FeedFormat format, FeedChannel channel, IReadOnlyList<FeedEntry> entries, FeedWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(entries);
        options ??= FeedWriteOptions.Default;
        return Write(format, channel, PreparedEntry.Prepare(channel, entries, options), options);
    }

    /// <summary>The channel's feeds in every format (RSS, Atom, JSON Feed), entries prepared once.</summary>
    public static IReadOnlyList<FeedDocument> WriteAll(FeedChannel channel, IReadOnlyList<FeedEntry> entries, FeedWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(entries);
        options ??= FeedWriteOptions.Default;
        var prepared = PreparedEntry.Prepare(channel, entries, options);
        return [.. FeedFormats.All.Select(format => Write(format, channel, prepared, options))];
    }

    /// <summary>
    /// The channel's feeds in every format (RSS, Atom, JSON Feed), entries prepared once, each
    /// written into one pooled buffer instead of an array of its own: a document's
    /// <see cref="FeedDocument.Content"/> is valid only until the next document is asked for (or
    /// the enumeration ends). For a caller that stores each file before writing the next, as the
    /// feeds stage does, this saves allocating (and the runtime faulting in) a fresh large array
    /// per feed, which is most of what writing a 250 KB feed costs.
    /// </summary>
    public static IEnumerable<FeedDocument> WriteEach(FeedChannel channel, IReadOnlyList<FeedEntry> entries, FeedWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(entries);
        options ??= FeedWriteOptions.Default;
        return Each(channel, PreparedEntry.Prepare(channel, entries, options), options);

        static IEnumerable<FeedDocument> Each(FeedChannel channel, IReadOnlyList<PreparedEntry> prepared, FeedWriteOptions options)
        {
            foreach (var format in FeedFormats.All)
            {
                var (buffer, limits) = WriteBuffer(format, channel, prepared, options);
                try
                {
                    yield return Document(format, channel, prepared, buffer.WrittenMemory, limits);
                }
                finally
                {
                    buffer.Dispose();
                }
            }
        }
    }

    /// <summary>
    /// The channel's feed in one format, under the size cap, appended to <paramref name="output"/>
    /// (an <see cref="ArrayBufferWriter{T}"/> reset between feeds, a pipe): the same bytes as
    /// <see cref="Write(FeedFormat, FeedChannel, IReadOnlyList{FeedEntry}, FeedWriteOptions?)"/>
    /// without a new array per feed. Returns the number of bytes written.
    /// </summary>
    public static int Write(FeedFormat format, FeedChannel channel, IReadOnlyList<FeedEntry> entries, FeedWriteOptions? options, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(output);
        options ??= FeedWriteOptions.Default;
        var (buffer, _) = WriteBuffer(format, channel, PreparedEntry.Prepare(channel, entries, options), options);
        using (buffer)
        {
            output.Write(buffer.WrittenSpan);
            return buffer.Length;
        }
    }

    internal static FeedDocument Write(FeedFormat format, FeedChannel channel, IReadOnlyList<PreparedEntry> items, FeedWriteOptions options)
    {
        var (buffer, limits) = WriteBuffer(format, channel, items, options);
        using (buffer)
        {
            return Document(format, channel, items, buffer.ToArray(), limits);
        }
    }

    private static FeedDocument Document(FeedFormat format, FeedChannel channel, IReadOnlyList<PreparedEntry> items, ReadOnlyMemory<byte> content, Limits limits)
    {
        var written = items.Count(e => limits.Includes(e));
        var withContent = items.Count(e => limits.Includes(e) && limits.HasContent(e));
        return new FeedDocument(format, channel.PathOf(format), channel.UrlOf(format), FeedFormats.ContentType(format), content, written, withContent);
    }

    /// <summary>The bytes alone, for the per-format <c>Write</c> methods: no second copy.</summary>
    internal static byte[] WriteBytes(FeedFormat format, FeedChannel channel, IReadOnlyList<FeedEntry> entries, FeedWriteOptions? options)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(entries);
        options ??= FeedWriteOptions.Default;
        var (buffer, _) = WriteBuffer(format, channel, PreparedEntry.Prepare(channel, entries, options), options);
        using (buffer)
        {
            return buffer.ToArray();
        }
    }

    /// <summary>The feed in a pooled buffer the caller disposes, and the limits it was written with.</summary>
    private static (PooledBuffer Buffer, Limits Limits) WriteBuffer(FeedFormat format, FeedChannel channel, IReadOnlyList<PreparedEntry> items, FeedWriteOptions options)
    {
        BodyWriter body = format switch
        {
            FeedFormat.Rss => RssWriter.WriteBody,
            FeedFormat.Atom => AtomWriter.WriteBody,
            FeedFormat.Json => JsonFeedWriter.WriteBody,
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
        return Capped(channel, items, options.MaxBytes, body);
    }

    /// <summary>
    /// The largest feed under the cap: all of it when it fits (one write, the usual case), else the
    /// most bodies that fit, newest first, else the most items that fit without bodies. The first
    /// write measures every item and its body, so the second write is of the right size already
    /// (XML exactly; JSON Feed's stand-in content_text makes its guess a little short, so it steps
    /// back until it fits).
    /// </summary>
    private static (PooledBuffer Buffer, Limits Limits) Capped(FeedChannel channel, IReadOnlyList<PreparedEntry> items, int maxBytes, BodyWriter body)
    {
        var count = items.Count;
        var full = new Limits(count, count);
        var sizes = new ItemSize[count];
        var measured = Render(channel, items, full, body, sizes);
        if (measured.Length <= maxBytes || count == 0)
        {
            return (measured, full);
        }

        // Over the cap: this write only measured, its bytes are not copied out.
        var excess = (long)measured.Length - maxBytes;
        measured.Dispose();

        // Sizes are by rank: the oldest is last. Drop bodies from the oldest, then whole items.
        var keepContent = count;
        while (keepContent > 0 && excess > 0)
        {
            excess -= sizes[--keepContent].Content;
        }

        var keepItems = count;
        while (keepItems > 0 && excess > 0)
        {
            keepItems--;
            excess -= sizes[keepItems].Total - sizes[keepItems].Content;
        }

        var limits = new Limits(keepItems, keepItems < count ? 0 : keepContent);
        while (true)
        {
            var buffer = Render(channel, items, limits, body, sizes: null);
            if (buffer.Length <= maxBytes || limits.Items == 0)
            {
                return (buffer, limits);
            }

            buffer.Dispose();
            limits = limits.Content > 0 ? limits with { Content = limits.Content - 1 } : limits with { Items = limits.Items - 1 };
        }
    }

    private static PooledBuffer Render(FeedChannel channel, IReadOnlyList<PreparedEntry> items, Limits limits, BodyWriter body, ItemSize[]? sizes)
    {
        var buffer = new PooledBuffer(PreparedEntry.EstimateBytes(items, limits));
        try
        {
            body(buffer, channel, items, limits, sizes);
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }
}

/// <summary>Writes a feed's bytes; where <paramref name="sizes"/> is given, records each item's size by rank.</summary>
internal delegate void BodyWriter(PooledBuffer buffer, FeedChannel channel, IReadOnlyList<PreparedEntry> items, Limits limits, ItemSize[]? sizes);

/// <summary>Bytes an item took, and how many of them were its body.</summary>
internal readonly record struct ItemSize(int Total, int Content);

/// <summary>Which entries go in: the <see cref="Items"/> newest, the <see cref="Content"/> newest of them with full bodies.</summary>
internal readonly record struct Limits(int Items, int Content)
{
    public bool Includes(PreparedEntry entry) => entry.Rank < Items;

    public bool HasContent(PreparedEntry entry) => entry.Rank < Content && entry.ContentHtml is not null;
}

internal sealed record PreparedImage(string Url, int? Width, int? Height, string? Credit, string? Alt);

internal sealed record PreparedCategory(string Term, string Label, string Scheme);

/// <summary>An entry reduced once to what every format writes: plain texts, absolute links, normalized dates.</summary>
internal sealed class PreparedEntry
{
    public required string Id { get; init; }

    public required string Link { get; init; }

    public required string Title { get; init; }

    /// <summary>Plain text; empty when the entry has neither summary nor body.</summary>
    public required string Summary { get; init; }

    public string? ContentHtml { get; init; }

    public string? Author { get; init; }

    public required DateTimeOffset Published { get; init; }

    /// <summary>Never before <see cref="Published"/>.</summary>
    public required DateTimeOffset Updated { get; init; }

    /// <summary>Set only where it differs from the channel's language.</summary>
    public string? Language { get; init; }

    public required IReadOnlyList<PreparedImage> Images { get; init; }

    public required IReadOnlyList<PreparedCategory> Sectors { get; init; }

    public required PreparedCategory Section { get; init; }

    /// <summary>What a correction is introduced with at the top of an item.</summary>
    public const string CorrectionLabel = "Correction:";

    /// <summary>0 for the newest entry by publication time: what the size cap keeps longest.</summary>
    public int Rank { get; set; }

    public static IReadOnlyList<PreparedEntry> Prepare(FeedChannel channel, IReadOnlyList<FeedEntry> entries, FeedWriteOptions options)
    {
        var taxonomy = channel.Taxonomy;
        var sectorScheme = taxonomy.SectorScheme.AbsoluteUri;
        var sectionScheme = taxonomy.SectionScheme.AbsoluteUri;
        var prepared = new PreparedEntry[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] ?? throw new ArgumentException($"Entry {i} is null.", nameof(entries));
            if (!entry.Url.IsAbsoluteUri || !entry.PermanentId.IsAbsoluteUri)
            {
                throw new ArgumentException($"Entry {entry.Id} needs an absolute URL and permanent id, not '{entry.Url}' and '{entry.PermanentId}'.", nameof(entries));
            }

            var content = entry.ContentHtml is { Length: > 0 } html ? XmlText.Clean(FeedHtml.AbsolutizeLinks(html, entry.Url)) : null;
            var summary = entry.Summary is { Length: > 0 } given ? FeedText.Plain(given) : "";
            if (summary.Length == 0 && content is not null)
            {
                summary = FeedText.Excerpt(content, options.ExcerptChars);
            }

            // A correction leads the item in every format: summary and body alike, so a reader that
            // shows either (or a feed whose size cap dropped the body) shows it first.
            if (entry.Correction is { Length: > 0 } note && FeedText.Plain(note) is { Length: > 0 } correction)
            {
                summary = summary.Length > 0 ? $"{CorrectionLabel} {correction} {summary}" : $"{CorrectionLabel} {correction}";
                content = content is null ? null : $"<p class=\"correction\"><strong>{CorrectionLabel}</strong> {System.Net.WebUtility.HtmlEncode(correction)}</p>{content}";
            }

            var section = entry.Section.ToString();
            prepared[i] = new PreparedEntry
            {
                Id = entry.PermanentId.AbsoluteUri,
                Link = entry.Url.AbsoluteUri,
                Title = FeedText.Plain(entry.Headline),
                Summary = summary,
                ContentHtml = content,
                Author = entry.Byline is { Length: > 0 } byline && FeedText.Plain(byline) is { Length: > 0 } author ? author : null,
                Published = entry.Created,
                Updated = entry.Updated > entry.Created ? entry.Updated : entry.Created,
                Language = entry.Language is { Length: > 0 } language && !language.Equals(channel.Language, StringComparison.OrdinalIgnoreCase) ? language : null,
                Images = PrepareImages(entry),
                Sectors = [.. entry.Sectors.Where(s => s.Length > 0).Select(s => new PreparedCategory(s, FeedText.Plain(taxonomy.SectorLabel(s)), sectorScheme))],
                Section = new PreparedCategory(section.ToLowerInvariant(), section, sectionScheme),
            };
        }

        // Newest first by publication time; ties keep the caller's order, so ranks are deterministic.
        var order = Enumerable.Range(0, prepared.Length).OrderByDescending(i => prepared[i].Published).ThenBy(i => i).ToArray();
        for (var rank = 0; rank < order.Length; rank++)
        {
            prepared[order[rank]].Rank = rank;
        }

        return prepared;
    }

    /// <summary>A starting buffer size close to the output, so writing seldom grows it.</summary>
    public static int EstimateBytes(IReadOnlyList<PreparedEntry> items, Limits limits)
    {
        long total = 2048;
        foreach (var item in items)
        {
            if (limits.Includes(item))
            {
                total += 700 + item.Title.Length + item.Summary.Length + (limits.HasContent(item) ? item.ContentHtml!.Length + 64 : 0);
            }
        }

        return (int)Math.Min(total + (total / 16), 64 * 1024 * 1024);
    }

    private static PreparedImage[] PrepareImages(FeedEntry entry)
    {
        var images = new List<PreparedImage>(entry.Images.Count);
        foreach (ArticleImage image in entry.Images)
        {
            if (image?.Url is not { } url)
            {
                continue;
            }

            var absolute = url.IsAbsoluteUri ? url : Uri.TryCreate(entry.Url, url.OriginalString, out var resolved) ? resolved : null;
            if (absolute is null || absolute.Scheme is not ("http" or "https"))
            {
                continue;
            }

            images.Add(new PreparedImage(
                absolute.AbsoluteUri,
                image.Width is > 0 ? image.Width : null,
                image.Height is > 0 ? image.Height : null,
                image.Credit is { Length: > 0 } credit ? FeedText.Plain(credit) : null,
                image.Alt is { Length: > 0 } alt ? FeedText.Plain(alt) : null));
        }

        return [.. images];
    }
}
