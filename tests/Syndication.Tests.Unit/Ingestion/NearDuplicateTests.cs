using System.Text.RegularExpressions;
using System.Xml.Linq;
using Syndication.Core.Ingestion.Normalization;

namespace Syndication.Tests.Ingestion;

public sealed class NearDuplicateTests
{
    private const string Headline = "Monsoon rains lift kharif sowing as farm ministry revises crop estimate";

    private const string Intro =
        "NEW DELHI, July 14 - Farmers across northern and central India have planted rice, pulses and oilseeds on a larger area than a year earlier after monsoon rains arrived on time and spread faster than forecast, the farm ministry said on Monday.";

    private const string Rest = """
        Sowing of summer-planted crops reached 42.6 million hectares by the end of last week, up 11 percent from the same period last year, according to data released by the ministry. Rice was planted on 13.1 million hectares, while the area under pulses rose by nearly a fifth as farmers in Madhya Pradesh and Rajasthan switched from soybean to pigeon peas and green gram.

        The India Meteorological Department said rainfall in the first six weeks of the season was 9 percent above the long-period average, with only the eastern states of Bihar and Jharkhand reporting a deficit. Reservoir levels in the 150 main dams monitored by the Central Water Commission stood at 38 percent of capacity, higher than the ten-year average for this time of year.

        Trade and industry officials said the early progress should ease pressure on food prices, which pushed retail inflation above the central bank's comfort level for much of the past year. Vegetable prices in particular have started to cool in wholesale markets in Delhi and Mumbai, traders said.

        "If the rains hold through August, we expect a record harvest of rice and a strong recovery in pulses," a senior ministry official told reporters, asking not to be named because the estimates have not yet been made public. The government is expected to release its first advance estimate of kharif output in September.

        Economists cautioned that the distribution of rainfall matters as much as the total. A long dry spell in August, when crops are flowering, could still cut yields in rain-fed areas that account for about half of the country's farmland. Insurers said enrolment under the state-backed crop insurance scheme had risen for a second year, with more than 30 million farmers covered so far.

        The rupee and rural-focused shares, including tractor makers and fertiliser companies, rose after the data was published. Shares of the largest tractor maker gained 3 percent in Mumbai, while an index of consumer goods companies that sell heavily in villages added 1.4 percent.

        The ministry also said it would raise the minimum support price for several crops next month, a move that farm unions have demanded for more than a year. Officials are meeting state governments this week to review seed and fertiliser supplies ahead of the peak planting weeks.
        """;

    private const string Attribution = "(With inputs from agencies)";

    /// <summary>SimHash of <see cref="Wire"/> as first stored.</summary>
    private const ulong GoldenFingerprint = 0x86850124E8909A94;

    public static TheoryData<string, string> LightEdits => new()
    {
        { "the same text", Wire },
        { "case, punctuation and white space", Wire.ToUpperInvariant().Replace(",", " ;", StringComparison.Ordinal).Replace("\n", "\n\n   ", StringComparison.Ordinal).Replace("'", "’", StringComparison.Ordinal) },
        { "a different intro sentence", $"{Headline}\nIndian farmers have planted summer crops on a much bigger area than last year thanks to an early and vigorous monsoon, government data showed on Monday.\n{Rest}\n{Attribution}" },
        { "a different attribution line", $"{Headline}\n{Intro}\n{Rest}\n(Reporting by Staff Writer in New Delhi; Editing by Asia Desk)" },
        { "no attribution line", $"{Headline}\n{Intro}\n{Rest}" },
        { "a new intro and a new attribution", $"{Headline}\nIndian farmers have planted summer crops on a much bigger area than last year thanks to an early and vigorous monsoon, government data showed on Monday.\n{Rest}\n(Reporting by Staff Writer in New Delhi; Editing by Asia Desk)" },
        { "a rewritten headline", $"Early monsoon lifts India's summer sowing by 11%\n{Intro}\n{Rest}\n{Attribution}" },
        { "house style: per cent, dateline dropped", $"{Headline}\n{Intro.Replace("NEW DELHI, July 14 - ", "", StringComparison.Ordinal)}\n{Rest.Replace("percent", "per cent", StringComparison.Ordinal)}\n{Attribution}" },
    };

    [Theory]
    [MemberData(nameof(LightEdits))]
    public void A_lightly_edited_copy_of_a_wire_story_is_near(string edit, string copy)
    {
        var distance = NearDuplicate.Distance(NearDuplicate.SimHash(Wire), NearDuplicate.SimHash(copy));

        Assert.True(distance <= NearDuplicate.DefaultMaxDistance, $"{edit}: {distance} bits apart");
    }

    public static TheoryData<string, string> OtherStories => new()
    {
        {
            "the same topic on the same day, written by another desk",
            """
            India's summer crop planting races ahead on early rains

            MUMBAI - An early start to the June-September rainy season has helped Indian growers expand the area under summer crops, with rice and lentil planting running well ahead of last year's pace, according to government figures published on Monday.

            Growers had covered 42.6 million hectares with kharif crops by last Friday, an increase of about 11 percent on the year. Lentil acreage jumped by almost 20 percent as growers in the centre of the country moved away from soybeans, which fetched poor prices last season.

            The weather office said cumulative rainfall since June 1 was 9 percent above normal. Only the east of the country, where Bihar recorded a shortfall, lagged behind.

            Dealers in Mumbai said the brisk sowing had already pulled down prices of onions and tomatoes, and traders expect a bumper rice crop to keep cereal inflation in check into next year. Policy makers at the Reserve Bank of India have repeatedly pointed to food costs as the main risk to their inflation target.

            Still, meteorologists warned that the second half of the season is harder to forecast. Crops planted early are most vulnerable to a break in the rains during August, when grain begins to form, and nearly half of India's cultivated land has no irrigation.

            Farm groups plan to protest in the capital next week to demand higher guaranteed prices for their produce.
            """
        },
        {
            "a different story",
            """
            Central bank holds rates steady, signals patience on cuts

            The central bank left its benchmark interest rate unchanged for a fourth straight meeting on Wednesday, saying it wanted more evidence that inflation was returning sustainably to its target before it began lowering borrowing costs.

            All six members of the monetary policy committee voted to keep the policy rate at 6.5 percent, in line with the expectations of economists polled last week. The committee kept its stance focused on the withdrawal of accommodation, a phrase markets read as a sign that cuts are not imminent.

            The governor told a news conference that growth remained resilient, supported by government spending on roads and railways and by a pick-up in private investment. He raised the bank's forecast for economic growth in the current fiscal year to 7.2 percent from 7 percent.

            Bond yields rose slightly after the decision, while the currency was little changed against the dollar. Analysts said the first cut was now unlikely before the end of the year, and some pushed their forecasts into next spring.

            The bank also announced measures to tighten rules for unsecured consumer loans, which have grown quickly over the past two years, and said it would publish new guidelines for digital lenders next month.
            """
        },
    };

    [Theory]
    [MemberData(nameof(OtherStories))]
    public void Another_story_is_far(string kind, string story)
    {
        var distance = NearDuplicate.Distance(NearDuplicate.SimHash(Wire), NearDuplicate.SimHash(story));

        Assert.True(distance > NearDuplicate.DefaultMaxDistance + 4, $"{kind}: only {distance} bits apart");
    }

    [Theory]
    [InlineData(0UL, 0UL, 0)]
    [InlineData(0UL, ulong.MaxValue, 64)]
    [InlineData(0b1011UL, 0b0001UL, 2)]
    [InlineData(0x8000_0000_0000_0001UL, 0x0000_0000_0000_0001UL, 1)]
    public void Distance_counts_the_differing_bits(ulong a, ulong b, int distance)
    {
        Assert.Equal(distance, NearDuplicate.Distance(a, b));
        Assert.Equal(distance, NearDuplicate.Distance(b, a));
        Assert.Equal(distance <= NearDuplicate.DefaultMaxDistance, NearDuplicate.AreNear(a, b));
    }

    [Theory]
    [InlineData("", 0UL)]
    [InlineData("  ... -- !!! ", 0UL)]
    public void A_text_without_words_has_no_fingerprint(string text, ulong fingerprint) =>
        Assert.Equal(fingerprint, NearDuplicate.SimHash(text));

    [Fact]
    public void Texts_shorter_than_a_shingle_still_get_a_fingerprint()
    {
        Assert.NotEqual(0UL, NearDuplicate.SimHash("Breaking"));
        Assert.Equal(NearDuplicate.SimHash("Breaking news"), NearDuplicate.SimHash("BREAKING, news!"));
        Assert.NotEqual(NearDuplicate.SimHash("Breaking news"), NearDuplicate.SimHash("News breaking"));
    }

    [Fact]
    public void The_fingerprint_of_a_text_never_changes()
    {
        // Stored with every article and compared across deployments: a change to the hash or the
        // normalisation must be deliberate (and come with a recomputation of the stored ones).
        Assert.Equal(GoldenFingerprint, NearDuplicate.SimHash(Wire));
    }

    [Theory]
    [InlineData("Trump’s wall: Mexico “won’t pay”", "trumps wall mexico wont pay")]
    [InlineData("Theresa May's party\tsays\n\nno", "theresa mays party says no")]
    [InlineData("ﬁnal ＡＢＣ — 4,5%", "final abc 4 5")]
    [InlineData("Ελλάδα Москва 北京", "ελλάδα москва 北京")]
    [InlineData("🔥 hot", "hot")]
    public void Text_is_compared_as_lowercase_words(string text, string words) =>
        Assert.Equal(words, NearDuplicate.NormalizeText(Regex.Unescape(text)));

    [CorpusFact]
    public void Syndicated_copies_in_a_real_clipping_feed_are_near()
    {
        // Retriever's Swedish press-clipping feed carries the same local-paper stories under each
        // paper's own headline: the bodies are word for word the same, the headlines are not.
        var items = FeedItems("feedreader-Rss20ISO88591Intranet30.xml");
        var copies = items.Where(item => item.Body.Length > 0).GroupBy(item => item.Body).Where(group => group.Count() > 1).ToList();

        Assert.True(copies.Count >= 2, "the feed's two syndicated stories");
        Assert.Contains(copies, group => group.Select(item => item.Title).Distinct().Count() > 1);
        foreach (var group in copies)
        {
            var fingerprints = group.Select(item => NearDuplicate.SimHash(item.Text)).ToList();
            foreach (var a in fingerprints)
            {
                foreach (var b in fingerprints)
                {
                    Assert.True(NearDuplicate.AreNear(a, b), $"'{group.First().Title}': copies {NearDuplicate.Distance(a, b)} bits apart");
                }
            }
        }
    }

    [CorpusFact]
    public void In_the_real_feeds_only_copies_of_one_story_are_near()
    {
        // Every feed of the corpus together, same-day world news from Reuters, NYT, CTV, the Mirror
        // and others among them: any two items found near must be the same story.
        var items = Directory.GetFiles(Repository.CorpusFile("upstream-feeds"))
            .SelectMany(file => FeedItems(Path.GetFileName(file)))
            .Where(item => item.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= 40)
            .Select(item => (item.Title, item.Body, Hash: NearDuplicate.SimHash(item.Text)))
            .ToList();

        Assert.True(items.Count > 150, $"{items.Count} items read");
        for (var i = 0; i < items.Count; i++)
        {
            for (var j = i + 1; j < items.Count; j++)
            {
                if (NearDuplicate.AreNear(items[i].Hash, items[j].Hash))
                {
                    Assert.True(items[i].Body == items[j].Body, $"'{items[i].Title}' and '{items[j].Title}' are near but different stories");
                }
            }
        }
    }

    private static string Wire => $"{Headline}\n{Intro}\n{Rest}\n{Attribution}";

    /// <summary>Title, plain-text body and the text fingerprinted (title and body) of each item a feed file has.</summary>
    private static List<(string Title, string Body, string Text)> FeedItems(string file)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(Repository.CorpusFile("upstream-feeds", file));
        }
        catch (System.Xml.XmlException)
        {
            // Two corpus files are not well-formed XML; the feed reader's tests deal with those.
            return [];
        }

        XNamespace atom = "http://www.w3.org/2005/Atom";
        XNamespace content = "http://purl.org/rss/1.0/modules/content/";
        return [.. document.Descendants("item").Concat(document.Descendants(atom + "entry")).Select(item =>
        {
            var title = ((string?)item.Element("title") ?? (string?)item.Element(atom + "title") ?? "").Trim();
            var html = (string?)item.Element(content + "encoded") ?? (string?)item.Element("description")
                ?? (string?)item.Element(atom + "content") ?? (string?)item.Element(atom + "summary") ?? "";
            var body = HtmlCleaner.ToPlainText(HtmlCleaner.Default.Clean(html));
            return (title, body, $"{title}\n{body}");
        })];
    }
}
