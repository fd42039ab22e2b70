using System.Text;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.Time.Testing;
using Syndication.Core.Articles;
using Syndication.Core.Catalog;
using Syndication.Core.Ingestion;
using Syndication.Core.Newsletters;

namespace Syndication.Tests.Newsletters;

/// <summary>The bundled sample articles, sent to the bundled sample subscribers, as the send stage would.</summary>
public sealed class SampleDigestTests
{
    private static readonly PublicationCatalog Catalog = DigestFixtures.Catalog;
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 25, 1, 30, 0, TimeSpan.Zero));

    private static List<Article> SampleArticles()
    {
        var normalizer = new ArticleNormalizer(Catalog, Clock);
        return [.. Directory.GetFiles(Repository.Sample("articles")).Order(StringComparer.Ordinal).Select(path =>
        {
            var bytes = File.ReadAllBytes(path);
            var draft = path.EndsWith(".md", StringComparison.Ordinal) ? MarkdownReader.Read(bytes, Path.GetFileName(path)) : NinjsReader.Read(bytes);
            return normalizer.Normalize(draft);
        })];
    }

    [Fact]
    public void Every_confirmed_sample_subscriber_gets_a_digest_of_their_edition_and_cadence_under_the_size_limit()
    {
        var articles = SampleArticles().Where(a => a.Status == PublicationStatus.Usable).OrderByDescending(a => a.Created).ToList();
        var renderer = new DigestRenderer(DigestFixtures.Options(), Catalog);
        var tokens = new SubscriberTokens(new TokenKeyRing("k1", new Dictionary<string, byte[]> { ["k1"] = new byte[32] }), Clock);
        var ids = new SubscriberIds(Enumerable.Repeat((byte)1, 32).ToArray());
        var sessions = new Dictionary<string, DigestIssueRenderer>();
        var sent = 0;

        foreach (var line in File.ReadAllLines(Repository.Sample("subscribers.csv")).Skip(1).Where(l => l.Length > 0))
        {
            var fields = line.Split(',');
            if (fields[4] != "confirmed")
            {
                continue;
            }

            var edition = Catalog.FindEdition(fields[1])!;
            var cadence = fields[3] == "weekly" ? NewsletterCadence.Weekly : NewsletterCadence.Daily;
            var schedule = new SendSchedule(edition, new TimeOnly(7, 0), cadence, DayOfWeek.Monday);
            var date = cadence == NewsletterCadence.Weekly ? new DateOnly(2026, 11, 30) : new DateOnly(2026, 11, 25);
            var decision = schedule.Evaluate(schedule.ScheduledInstant(date), "x/2026-11-24");
            Assert.True(decision.Due);
            if (!sessions.TryGetValue(decision.IssueKey, out var session))
            {
                var stories = articles.Where(a => edition.CarriesEverything || a.Editions.Contains(edition.Id)).Select(DigestStory.From).ToList();
                session = renderer.ForIssue(new DigestIssue
                {
                    Edition = edition,
                    IssueKey = decision.IssueKey,
                    LocalDate = decision.LocalDate,
                    ArchiveUrl = new Uri($"https://news.example.com/newsletter/archive/{decision.IssueKey}"),
                    Cadence = cadence,
                    Stories = stories,
                    Trending = [.. articles.Take(5).Select(a => new TrendingStory(a.Headline, a.Url))],
                });
                sessions[decision.IssueKey] = session;
            }

            var email = EmailAddress.Parse(fields[0]);
            var id = ids.IdFor(email);
            var message = session.Render(new DigestRecipient
            {
                Email = email,
                SubscriberId = id,
                Sectors = fields[2].Split(';'),
                UnsubscribeToken = tokens.Issue(TokenPurpose.Unsubscribe, id),
                PreferencesToken = tokens.Issue(TokenPurpose.Preferences, id),
            });
            var document = new HtmlParser().ParseDocument(message.Html);

            Assert.NotEmpty(document.QuerySelectorAll("td.story"));
            Assert.True(Encoding.UTF8.GetByteCount(message.Html) < 100 * 1024);
            Assert.EndsWith(cadence == NewsletterCadence.Weekly ? $"{edition.Name} weekly digest: Monday, 30 November 2026" : $"{edition.Name} daily digest: Wednesday, 25 November 2026", message.Subject, StringComparison.Ordinal);
            Assert.Contains(document.QuerySelectorAll("td.foot a"), a => a.GetAttribute("href")!.StartsWith("https://news.example.com/newsletter/u/", StringComparison.Ordinal));
            Assert.All(document.Images, image => Assert.False(string.IsNullOrWhiteSpace(image.AlternativeText)));
            sent++;
        }

        // 21 subscribers, of whom 2 are pending and 2 unsubscribed.
        Assert.Equal(17, sent);
    }
}
