using System.Text;

namespace Syndication.Core.Trending;

/// <summary>
/// Which page views are not readers: the producer's class <c>bot</c>, or an agent that names itself
/// like one. Crawlers, spiders, scrapers, link previews, monitors, headless browsers and
/// prefetchers read everything, and a burst from one would crown any story (docs/trending.md).
/// </summary>
internal static class BotPolicy
{
    /// <summary>Words that mark an agent as a bot, found anywhere in it, in any ASCII case. Edit here (and in docs/trending.md).</summary>
    private static readonly string[] Words = ["bot", "crawl", "spider", "scrap", "preview", "monitor", "headless", "prefetch"];

    private static readonly byte[][] Utf8Words = [.. Words.Select(Encoding.UTF8.GetBytes)];

    // An agent is read up to this many bytes: the words are looked for in its start.
    private const int ReadBytes = 256;

    /// <summary>True when the agent (UTF-8, as in the log) is not a reader.</summary>
    public static bool IsBot(ReadOnlySpan<byte> agent)
    {
        // The producer's two classes, the common case, without folding anything.
        if (agent.SequenceEqual("browser"u8))
        {
            return false;
        }

        if (agent.SequenceEqual("bot"u8))
        {
            return true;
        }

        Span<byte> lower = stackalloc byte[Math.Min(agent.Length, ReadBytes)];
        for (var i = 0; i < lower.Length; i++)
        {
            var b = agent[i];
            lower[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
        }

        foreach (var word in Utf8Words)
        {
            if (lower.IndexOf(word) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
