using System.ServiceModel.Syndication;
using System.Xml;
using Syndication.Core.Ingestion.Feeds;

namespace Syndication.Benchmarks;

/// <summary>The shared corpus's upstream feeds, and which of them each reader can read.</summary>
internal static class Corpus
{
    private static readonly XmlReaderSettings PeerSettings = new()
    {
        // Generous to the peer: the RSS 0.91 sample names an external DTD, which it would otherwise refuse.
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
    };

    public static IReadOnlyList<(string Name, byte[] Bytes)> Load()
    {
        var folder = Folder();
        return [.. Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(path => (Path.GetFileName(path), File.ReadAllBytes(path)))];
    }

    public static ParsedFeed ReadOurs(byte[] bytes) => FeedReader.Read(bytes);

    public static CodeHollow.FeedReader.Feed ReadCodeHollow(byte[] bytes) => CodeHollow.FeedReader.FeedReader.ReadFromByteArray(bytes);

    public static SyndicationFeed ReadSyndicationFeed(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        using var reader = XmlReader.Create(stream, PeerSettings);
        return SyndicationFeed.Load(reader);
    }

    public static bool CanRead(Func<byte[], object> read, byte[] bytes, out string? error)
    {
        try
        {
            _ = read(bytes);
            error = null;
            return true;
        }
#pragma warning disable CA1031 // Any failure means "cannot read this feed"; the kind is only reported.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = $"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}";
            return false;
        }
    }

    public static void PrintCoverage(TextWriter output)
    {
        var feeds = Load();
        output.WriteLine($"{feeds.Count} feeds in {Folder()}");
        foreach (var (name, bytes) in feeds)
        {
            output.WriteLine(name);
            Report(output, "ours", CanRead(ReadOurs, bytes, out var ours), ours);
            Report(output, "CodeHollow", CanRead(ReadCodeHollow, bytes, out var codeHollow), codeHollow);
            Report(output, "SyndicationFeed", CanRead(ReadSyndicationFeed, bytes, out var syndication), syndication);
        }
    }

    private static void Report(TextWriter output, string reader, bool ok, string? error) =>
        output.WriteLine($"  {reader,-16} {(ok ? "ok" : error)}");

    /// <summary>
    /// <c>../shared/corpus/upstream-feeds</c> beside the repository, found by walking up from the
    /// running assembly (BenchmarkDotNet runs a copy from deep inside bin/), or SYNDICATION_CORPUS.
    /// </summary>
    private static string Folder()
    {
        if (Environment.GetEnvironmentVariable("SYNDICATION_CORPUS") is { Length: > 0 } configured)
        {
            return Path.Combine(configured, "upstream-feeds");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Syndication.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "corpus", "upstream-feeds"));
            }
        }

        throw new InvalidOperationException("Run from inside the Syndication checkout, or set SYNDICATION_CORPUS to the corpus folder.");
    }
}
