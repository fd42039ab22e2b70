using System.Text;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using Syndication.Core.Catalog;
using Syndication.Core.Feeds;
using Syndication.Core.Ingestion;
using Syndication.Core.Ingestion.Feeds;
using Syndication.Core.Newsletters;
using Syndication.Core.Trending;
using Syndication.Tests.Feeds;

namespace Syndication.Tests.Fuzzing;

/// <summary>
/// Mutation fuzzing of every parser that takes outside input: real inputs (our samples, and the
/// shared corpus where present) cut, spliced, bit-flipped and salted with the tokens parsers trip
/// on. The property is the contract each parser documents: it returns, or it refuses with its own
/// exception and a reason; nothing else escapes, and no input hangs it. CsCheck shrinks a failure
/// and prints its seed; a failure it finds becomes a case in <see cref="HostileCases"/>.
/// </summary>
/// <remarks>
/// CI runs <see cref="Fuzz.Iterations"/> inputs per parser (a few seconds in all);
/// <c>SYNDICATION_FUZZ_ITERATIONS=200000 dotnet test --filter FullyQualifiedName~Fuzzing</c> runs
/// a long campaign (docs/security.md has the last one's result).
/// </remarks>
public sealed class ParserFuzzTests
{
    private static readonly ArticleNormalizer Normalizer = new(
        new PublicationCatalog(new SyndicationOptions()), new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero)));

    [Fact]
    public void Ninjs_items_are_read_and_normalized_or_refused_with_a_reason()
    {
        Fuzz.Inputs(Fuzz.Seeds("*.json", Repository.Sample("articles"), Repository.HasCorpus ? Repository.CorpusFile("ninjs") : null))
            .Sample(bytes => Refusable(() => Normalizer.Normalize(NinjsReader.Read(bytes))), iter: Fuzz.Iterations, threads: 1);
    }

    [Fact]
    public void Markdown_front_matter_is_read_and_normalized_or_refused_with_a_reason()
    {
        Fuzz.Inputs(Fuzz.Seeds("*.md", Repository.Sample("articles"), Repository.Sample("broken")))
            .Sample(bytes => Refusable(() => Normalizer.Normalize(MarkdownReader.Read(bytes, "fuzzed.md"))), iter: Fuzz.Iterations, threads: 1);
    }

    [Fact]
    public void Agency_feeds_are_read_or_refused_with_a_reason()
    {
        // Our own feeds in three formats are always there; the corpus adds 27 real ones.
        var own = FeedWriter.WriteAll(FeedSamples.India, [.. FeedSamples.Nasty(), .. Enumerable.Range(0, 3).Select(FeedSamples.Entry)])
            .Select(d => d.Content.ToArray());
        var seeds = own.Concat(Fuzz.Seeds("*", Repository.HasCorpus ? Repository.CorpusFile("upstream-feeds") : null)).ToList();
        Fuzz.Inputs(seeds).Sample(bytes => Refusable(() => FeedReader.Read(bytes)), iter: Fuzz.Iterations, threads: 1);
    }

    [Fact]
    public void Page_view_logs_never_throw_and_every_line_lands_in_one_counter()
    {
        Fuzz.Inputs(Fuzz.Seeds("*.jsonl", Repository.Sample("pageviews"))).Sample(
            bytes =>
            {
                var log = PageViewAggregator.Aggregate(bytes);
                Assert.Equal(log.TotalLines, log.CountedViews + log.BotViews + log.DuplicateSessionViews + log.MalformedLines + log.BlankLines);
                Assert.Equal(log.CountedViews, log.Buckets.Sum(b => b.Views));
            },
            iter: Fuzz.Iterations,
            threads: 1);
    }

    [Fact]
    public void SendGrid_webhook_bodies_are_parsed_or_refused_as_malformed()
    {
        var body = Encoding.UTF8.GetBytes("""
            [{"email":"a@example.com","timestamp":1795590000,"event":"delivered","sg_event_id":"ZGVs","sg_message_id":"14c5.0","subscriber":"3f2a"},
             {"email":"b@example.org","timestamp":1795590012,"event":"bounce","type":"bounce","reason":"550 5.1.1","sg_event_id":"Ym91","custom_args":{"issue":"india/2026-11-25"}}]
            """);
        Fuzz.Inputs([body]).Sample(
            bytes =>
            {
                try
                {
                    var batch = SendGridEventParser.Parse(bytes);
                    Assert.True(batch.Skipped >= 0);
                }
                catch (FormatException ex)
                {
                    Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                }
            },
            iter: Fuzz.Iterations,
            threads: 1);
    }

    /// <summary>
    /// Hand-made hostile shapes (entity expansion, impossible dates, lone surrogates, YAML anchors),
    /// and the place where every input a fuzzing campaign finds escaping a contract is pinned.
    /// </summary>
    [Theory]
    [InlineData("ninjs", "{\"uri\":\"u\",\"headline\":\"h\",\"body_html\":\"<p>x</p>\",\"versioncreated\":\"9999-12-31T23:59:59-14:00\"}")]
    [InlineData("md", "---\ntitle: [a, {b: c}]\ndate: 0001-01-01T00:00:00+14:00\n---\nbody")]
    [InlineData("md", "---\n&a [*a]\n---\n")]
    [InlineData("feed", "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><rss version=\"2.0\"><channel><title>&b;</title></channel></rss>")]
    [InlineData("feed", "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><updated>2026-02-30T25:61:00Z</updated></entry></feed>")]
    [InlineData("feed", "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":1e999,\"date_published\":[]}]}")]
    public void HostileCases(string parser, string input)
    {
        var bytes = Encoding.UTF8.GetBytes(input);
        switch (parser)
        {
            case "ninjs":
                Refusable(() => Normalizer.Normalize(NinjsReader.Read(bytes)));
                break;
            case "md":
                Refusable(() => Normalizer.Normalize(MarkdownReader.Read(bytes, "case.md")));
                break;
            default:
                Refusable(() => FeedReader.Read(bytes));
                break;
        }
    }

    /// <summary>
    /// Inputs the first campaign (2026-11-25, 300 per parser) and the hostile cases above found escaping a contract, shrunk:
    /// valid JSON whose strings are not text made System.Text.Json throw InvalidOperationException
    /// through the ninjs reader, the JSON Feed reader and the webhook parser (a crash of the ingest
    /// function, retried to the poison queue, instead of a rejection with a reason). <c>%XX</c> is a raw byte.
    /// </summary>
    [Theory]
    [InlineData("ninjs", "{\"uri\":\"u\",\"headline\":\"%C3\",\"body_html\":\"x\"}")]
    [InlineData("ninjs", "{\"uri\":\"u\",\"headlines\":[{\"value\":\"\\ud800\"}],\"bodies\":[{\"value\":\"x\"}]}")]
    [InlineData("feed", "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"1\",\"title\":\"%AF\"}]}")]
    [InlineData("webhook", "[{\"email\":\"%DF\",\"timestamp\":1,\"event\":\"delivered\"}]")]
    [InlineData("md", "---\nuri: u\nheadline: h\nx: [!!!!]\n---\nbody\n")] // structured fuzzing, 2026-12-03: YamlDotNet's ArgumentException
    public void FoundByFuzzing(string parser, string input)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] == '%' && i + 2 < input.Length)
            {
                bytes.Add(Convert.ToByte(input.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add((byte)input[i]);
            }
        }

        switch (parser)
        {
            case "ninjs":
                Assert.Throws<RejectedInputException>(() => NinjsReader.Read([.. bytes]));
                break;
            case "feed":
                Assert.Throws<RejectedInputException>(() => FeedReader.Read(bytes.ToArray()));
                break;
            case "md":
                Assert.StartsWith("The front matter is not valid YAML", Assert.Throws<RejectedInputException>(() => MarkdownReader.Read([.. bytes], "case.md")).Message, StringComparison.Ordinal);
                break;
            default:
                // Since each event is read on its own, the event whose text is not Unicode is skipped and the batch kept.
                var batch = SendGridEventParser.Parse([.. bytes]);
                Assert.Empty(batch.Events);
                Assert.Equal(1, batch.Skipped);
                break;
        }
    }

    /// <summary>The parsers' contract: a result, or a <see cref="RejectedInputException"/> that says why.</summary>
    private static void Refusable(Action parse)
    {
        try
        {
            parse();
        }
        catch (RejectedInputException ex)
        {
            Assert.False(string.IsNullOrWhiteSpace(ex.Message), "a refusal must say why");
        }
    }
}

/// <summary>Seeds and mutations for <see cref="ParserFuzzTests"/>.</summary>
internal static class Fuzz
{
    /// <summary>Inputs per parser: 300 by default (CI), more with <c>SYNDICATION_FUZZ_ITERATIONS</c>.</summary>
    public static long Iterations { get; } =
        long.TryParse(Environment.GetEnvironmentVariable("SYNDICATION_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : 300;

    /// <summary>What parsers of JSON, XML, YAML and dates trip on.</summary>
    private static readonly byte[][] Tokens = [.. new[]
    {
        "<", ">", "&", "&amp;", "&#0;", "&#xD800;", "<![CDATA[", "]]>", "<!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>", "&e;",
        "<!ENTITY a \"&a;\">", "xmlns=\"http://www.w3.org/2005/Atom\"", "<item>", "</item>", "<entry>", "\"", "'", "{", "}", "[", "]", ":", ",",
        "\\u0000", "\\ud800", "\\", "\u0000", "\u2028", "\uFEFF", "---\n", "\n---\n", ": ", "- ", "*a", "&a ", "!!binary ", "null", "true", "1e999",
        "-0", "9999-99-99T99:99:99Z", "0001-01-01T00:00:00-14:00", "Mon, 31 Feb 2026 25:00:00 XYZ", "javascript:alert(1)", "<script>", "\r\n",
    }.Select(Encoding.UTF8.GetBytes), [0xFF, 0xFE], [0xC3], [0xED, 0xA0, 0x80]];

    public static IReadOnlyList<byte[]> Seeds(string pattern, params string?[] folders) =>
        [.. folders.Where(f => f is not null && Directory.Exists(f))
            .SelectMany(f => Directory.EnumerateFiles(f!, pattern, SearchOption.AllDirectories))
            .Where(f => !Path.GetFileName(f).StartsWith('.') && new FileInfo(f).Length <= 512 * 1024)
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)];

    /// <summary>A seed with one to eight mutations: flip, delete, duplicate, insert a token, insert random bytes, truncate.</summary>
    public static Gen<byte[]> Inputs(IReadOnlyList<byte[]> seeds)
    {
        Assert.NotEmpty(seeds);
        return from seed in Gen.Int[0, seeds.Count - 1]
               from edits in Gen.Select(Gen.Int[0, 5], Gen.Int[0, int.MaxValue], Gen.Int[0, 64], Gen.Byte).Array[1, 8]
               select Mutate(seeds[seed], edits);
    }

    private static byte[] Mutate(byte[] seed, (int Kind, int At, int Length, byte Value)[] edits)
    {
        var bytes = new List<byte>(seed);
        foreach (var (kind, at, length, value) in edits)
        {
            var position = bytes.Count == 0 ? 0 : at % bytes.Count;
            var span = Math.Min(length, bytes.Count - position);
            switch (kind)
            {
                case 0:
                    if (bytes.Count > 0)
                    {
                        bytes[position] ^= (byte)(1 << (value % 8));
                    }

                    break;
                case 1:
                    bytes.RemoveRange(position, span);
                    break;
                case 2:
                    bytes.InsertRange(position, bytes.GetRange(position, span));
                    break;
                case 3:
                    bytes.InsertRange(position, Tokens[value % Tokens.Length]);
                    break;
                case 4:
                    bytes.InsertRange(position, Enumerable.Range(0, length).Select(i => (byte)(value + (i * 31))));
                    break;
                default:
                    bytes.RemoveRange(position, bytes.Count - position);
                    break;
            }
        }

        return [.. bytes];
    }
}
