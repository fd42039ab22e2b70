using System.Globalization;
using System.Text;
using System.Text.Json;
using Syndication.Core.Catalog;

namespace Syndication.Cli.Generate;

/// <summary>
/// Writes synthetic but realistic ninjs 2.x articles for scale runs: headlines and bodies from a
/// small vocabulary, spread over editions (by place), sectors (by IPTC subject), sections (by genre)
/// and the last <c>days</c> days, with IST and other offsets. Deterministic for a seed.
/// </summary>
internal static class ArticleGenerator
{
    private static readonly string[] Subjects = ["Ministry", "Regulator", "City council", "Central bank", "University", "Farmers' union", "Port authority", "Health agency", "Startup", "Court"];
    private static readonly string[] Verbs = ["announces", "delays", "expands", "reviews", "approves", "rejects", "launches", "pauses", "funds", "tests"];
    private static readonly string[] Objects = ["water project", "rail link", "vaccine drive", "tax reform", "solar auction", "school meals plan", "flood defences", "data rules", "crop insurance", "grid upgrade"];
    private static readonly string[] Places = ["IN", "US", "GB", "KE", "NG", "JP", "DE", "FR", "SG", "AU", "BR", "ZA"];
    private static readonly string[] Genres = ["", "", "", "", "", "", "Opinion", "Blog", "Interview", "Analysis"];
    private static readonly TimeSpan[] Offsets = [TimeSpan.FromHours(5.5), TimeSpan.Zero, TimeSpan.FromHours(-5), TimeSpan.FromHours(1), TimeSpan.FromHours(9)];
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static IEnumerable<(string Name, byte[] Content)> Articles(int count, int seed, DateTimeOffset now, int days = 7)
    {
        var random = new Random(seed);
        var sectors = PublicationCatalog.DefaultSectors;
        for (var i = 0; i < count; i++)
        {
            var subject = Pick(random, Subjects);
            var headline = $"{subject} {Pick(random, Verbs)} {Pick(random, Objects)} in {Pick(random, ["north", "south", "east", "west", "central"])} region, {i}";
            var sector = sectors[random.Next(sectors.Count)];
            var genre = Pick(random, Genres);
            var offset = Pick(random, Offsets);
            var created = now.AddMinutes(-random.Next(0, days * 24 * 60)).ToOffset(offset);
            var body = new StringBuilder();
            for (var p = 0; p < 4 + random.Next(4); p++)
            {
                body.Append("<p>").Append(subject).Append(" officials said the ").Append(Pick(random, Objects))
                    .Append(" would be reviewed again next quarter, after ").Append(random.Next(2, 90))
                    .Append(" percent of respondents asked for changes. Local groups welcomed the decision.</p>");
            }

            var item = new Dictionary<string, object?>
            {
                ["uri"] = $"urn:newsml:syndication.example:generated:{seed}:{i}",
                ["type"] = "text",
                ["version"] = "1",
                ["firstcreated"] = created.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                ["versioncreated"] = created.AddMinutes(random.Next(0, 90)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                ["pubstatus"] = "usable",
                ["language"] = "en",
                ["headlines"] = new[] { new { role = "main", value = headline } },
                ["descriptions"] = new[] { new { role = "summary", value = $"{subject} said the decision follows months of consultation." } },
                ["bodies"] = new[] { new { role = "main", contenttype = "text/html", value = body.ToString() } },
                ["by"] = random.Next(3) == 0 ? "Devdiscourse News Desk" : "Staff Reporter",
                ["subjects"] = new[] { new { uri = "http://cv.iptc.org/newscodes/mediatopic/" + sector.MediaTopics[0]["medtop:".Length..], name = sector.Name } },
                ["places"] = new[] { new { name = "country", literal = Pick(random, Places) } },
                ["genres"] = genre.Length == 0 ? null : new[] { new { name = genre, literal = "genre:" + genre } },
            };
            yield return ($"generated-{seed}-{i:D6}.json", JsonSerializer.SerializeToUtf8Bytes(item, Json));
        }
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
