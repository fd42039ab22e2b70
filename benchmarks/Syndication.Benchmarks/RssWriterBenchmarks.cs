using System.Buffers;
using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Syndication.Core.Articles;
using Syndication.Core.Feeds;

namespace Syndication.Benchmarks;

/// <summary>
/// A 50-item RSS feed with full bodies of 3-6 KB, as the feeds stage writes it: our writer against
/// .NET's <see cref="Rss20FeedFormatter"/> writing the same items with the same extensions
/// (content:encoded, dc:creator, categories with a domain, media:content, atom:link self).
/// </summary>
/// <remarks>
/// Two categories, each with its own baseline: <c>array</c>, where each side returns a new
/// <c>byte[]</c> (the formatter's <see cref="MemoryStream.ToArray"/>, our <c>RssWriter.Write</c>),
/// and <c>reused</c>, where each side writes into an output it keeps from call to call (the
/// formatter through a <see cref="MemoryStream"/> over one array, ours into one
/// <see cref="ArrayBufferWriter{T}"/> reset first), as the feeds stage now writes. Min and Median
/// besides the Mean: on a shared 2-core machine other work preempts runs, which moves the mean far
/// more than the cost of the code.
/// </remarks>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class RssWriterBenchmarks
{
    private const string ContentNamespace = "http://purl.org/rss/1.0/modules/content/";
    private const string DublinCoreNamespace = "http://purl.org/dc/elements/1.1/";
    private static readonly XNamespace Media = "http://search.yahoo.com/mrss/";

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = true,
    };

    // The formatter's output, kept from call to call: 1 MiB, room for its 317 KB.
    private readonly byte[] _streamBuffer = new byte[1 << 20];
    private readonly ArrayBufferWriter<byte> _output = new();
    private FeedChannel _channel = null!;
    private List<FeedEntry> _entries = null!;

    // The two write the same items: no cap, since the formatter has none.
    private readonly FeedWriteOptions _uncapped = new() { MaxBytes = int.MaxValue };

    [GlobalSetup]
    public void Setup()
    {
        _channel = new FeedChannel
        {
            Folder = "editions/india",
            FolderUrl = new Uri("https://feeds.example.com/editions/india/"),
            Title = "Syndication News: India",
            Description = "News by sector and edition. India edition.",
            HomePage = new Uri("https://news.example.com/"),
            Language = "en",
            TtlMinutes = 15,
        };

        // Fixed seed: every run writes the same feed.
        var random = new Random(20241202);
        var start = new DateTimeOffset(2024, 12, 2, 12, 0, 0, TimeSpan.Zero);
        _entries = [.. Enumerable.Range(0, 50).Select(i => new FeedEntry
        {
            Id = $"{i:x16}",
            Url = new Uri($"https://news.example.com/news/story-{i}-delhi-begins-dengue-vaccination"),
            Headline = $"Delhi begins dengue vaccination for children in {i + 10} high-burden wards",
            Summary = "The programme covers children aged 9 to 16 in wards with the most cases over the last three seasons, officials said.",
            ContentHtml = Body(i, random.Next(3_000, 6_001)),
            Byline = "Syndication News Desk",
            Created = start.AddMinutes(-37 * i),
            Updated = start.AddMinutes((-37 * i) + 5),
            Sectors = ["health", "governance"],
            Section = SectionType.News,
            Images = [new ArticleImage(new Uri($"https://news.example.com/img/{i}.jpg"), "A vaccination camp", 1200, 800, "Photo: Agency")],
        })];
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("array")]
    public byte[] Rss20FeedFormatter()
    {
        using var stream = new MemoryStream();
        Format(stream);
        return stream.ToArray();
    }

    [Benchmark]
    [BenchmarkCategory("array")]
    public byte[] RssWriter_same_items() => RssWriter.Write(_channel, _entries, _uncapped);

    /// <summary>As the stage ran it: these 50 bodies make about 288 KB, so the 250 KB cap drops the oldest bodies.</summary>
    [Benchmark]
    [BenchmarkCategory("array")]
    public byte[] RssWriter_capped_at_250KB() => RssWriter.Write(_channel, _entries, FeedWriteOptions.Default);

    /// <summary>The formatter into one buffer kept from call to call, through a <see cref="MemoryStream"/> over it (no <c>ToArray</c>).</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("reused")]
    public long Rss20FeedFormatter_reused_stream()
    {
        using var stream = new MemoryStream(_streamBuffer);
        Format(stream);
        return stream.Position;
    }

    /// <summary>Ours into one buffer kept from call to call, reset first.</summary>
    [Benchmark]
    [BenchmarkCategory("reused")]
    public int RssWriter_same_items_reused_buffer()
    {
        _output.ResetWrittenCount();
        return RssWriter.Write(_channel, _entries, _uncapped, _output);
    }

    /// <summary>As the stage runs it now: capped at 250 KB, into a buffer it reuses.</summary>
    [Benchmark]
    [BenchmarkCategory("reused")]
    public int RssWriter_capped_at_250KB_reused_buffer()
    {
        _output.ResetWrittenCount();
        return RssWriter.Write(_channel, _entries, FeedWriteOptions.Default, _output);
    }

    /// <summary>The same items with the same extensions through <see cref="SyndicationFeed"/> and <see cref="Rss20FeedFormatter"/>.</summary>
    private void Format(Stream output)
    {
        var taxonomy = _channel.Taxonomy;
        var items = new List<SyndicationItem>(_entries.Count);
        foreach (var entry in _entries)
        {
            var item = new SyndicationItem
            {
                Id = entry.PermanentId.AbsoluteUri,
                Title = new TextSyndicationContent(entry.Headline),
                Summary = new TextSyndicationContent(entry.Summary),
                PublishDate = entry.Created,
                LastUpdatedTime = entry.Updated,
            };
            item.Links.Add(SyndicationLink.CreateAlternateLink(entry.Url));
            foreach (var sector in entry.Sectors)
            {
                item.Categories.Add(new SyndicationCategory(sector, taxonomy.SectorScheme.AbsoluteUri, null));
            }

            item.Categories.Add(new SyndicationCategory("news", taxonomy.SectionScheme.AbsoluteUri, null));
            item.ElementExtensions.Add("encoded", ContentNamespace, entry.ContentHtml);
            item.ElementExtensions.Add("creator", DublinCoreNamespace, entry.Byline);
            foreach (var image in entry.Images)
            {
                item.ElementExtensions.Add(new XElement(
                    Media + "content",
                    new XAttribute("url", image.Url.AbsoluteUri),
                    new XAttribute("medium", "image"),
                    new XAttribute("width", image.Width!.Value),
                    new XAttribute("height", image.Height!.Value),
                    new XElement(Media + "description", new XAttribute("type", "plain"), image.Alt),
                    new XElement(Media + "credit", image.Credit)).CreateReader());
            }

            items.Add(item);
        }

        var feed = new SyndicationFeed(_channel.Title, _channel.Description, _channel.HomePage, items)
        {
            Language = _channel.Language,
            LastUpdatedTime = _entries.Max(e => e.Updated),
            Generator = _channel.Generator,
        };
        feed.Links.Add(SyndicationLink.CreateSelfLink(_channel.SelfUrl, "application/rss+xml"));
        using var xml = XmlWriter.Create(output, Settings);
        new Rss20FeedFormatter(feed, serializeExtensionsAsAtom: false).WriteTo(xml);
    }

    /// <summary>Paragraphs of news prose with links, to about <paramref name="bytes"/> characters.</summary>
    private static string Body(int story, int bytes)
    {
        var html = new StringBuilder(bytes + 400);
        var paragraph = 0;
        while (html.Length < bytes)
        {
            paragraph++;
            html.Append("<p>Officials said on Monday that the programme, which began in ")
                .Append(story + 10)
                .Append(" wards, would be widened to <a href=\"https://news.example.com/news/related-")
                .Append(story).Append('-').Append(paragraph)
                .Append("\">neighbouring districts</a> if vaccine supplies allow &amp; clinics stay open until 8 pm. ")
                .Append("Parents can register at any <em>urban primary health centre</em>; the second dose follows after three months.</p>\n");
        }

        return html.ToString();
    }
}
