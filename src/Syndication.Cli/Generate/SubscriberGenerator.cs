using System.Text;

namespace Syndication.Cli.Generate;

/// <summary>
/// Writes a synthetic subscriber list in the import's CSV format (<c>email,edition,sectors,cadence,status</c>):
/// editions weighted like the page views', none to three sectors each, four in five daily, and
/// 85% confirmed, 10% pending, 5% unsubscribed. Addresses are on example.com. Deterministic for a seed.
/// </summary>
internal static class SubscriberGenerator
{
    public static void Write(IReadOnlyList<string> editions, IReadOnlyList<string> sectors, int count, int seed, FileInfo file)
    {
        var random = new Random(seed);
        file.Directory?.Create();
        using var writer = new StreamWriter(file.FullName, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16);
        writer.Write("email,edition,sectors,cadence,status\n");
        for (var i = 0; i < count; i++)
        {
            // The first edition (the one that carries everything) is read by a third; the rest share the others.
            var edition = random.Next(3) == 0 ? editions[0] : editions[random.Next(editions.Count)];
            var chosen = Enumerable.Range(0, random.Next(4)).Select(_ => sectors[random.Next(sectors.Count)]).Distinct();
            var cadence = random.Next(5) == 0 ? "weekly" : "daily";
            var status = random.Next(20) switch
            {
                0 => "unsubscribed",
                1 or 2 => "pending",
                _ => "confirmed",
            };
            writer.Write($"reader{seed}-{i}@example.com,{edition},{string.Join(';', chosen)},{cadence},{status}\n");
        }
    }
}
