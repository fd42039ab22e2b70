using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Syndication.Adapters.Newsletters;
using Syndication.Adapters.Storage;
using Syndication.Core.Catalog;
using Syndication.Core.Newsletters;
using Syndication.Pipeline;
using Syndication.Tests.Infrastructure;
using Syndication.Tests.Newsletters;

namespace Syndication.Tests.Http;

/// <summary>
/// Mail security gateways (Safe Links, Proofpoint and the like) fetch every link of a message
/// before its reader sees it. Through <c>serve</c>: their GETs change nothing; a person's POST does.
/// </summary>
public sealed partial class LinkScannerTests
{
    [GeneratedRegex(@"https?://[^\s""'<>]+")]
    private static partial Regex Url();

    /// <summary>Every URL of an .eml: its headers (List-Unsubscribe) and its base64 text and HTML parts, decoded.</summary>
    internal static IEnumerable<string> LinksOf(string eml)
    {
        var texts = new List<string> { eml[..eml.IndexOf("\r\n\r\n", StringComparison.Ordinal)] };
        const string Marker = "Content-Transfer-Encoding: base64\r\n\r\n";
        for (var start = eml.IndexOf(Marker, StringComparison.Ordinal); start >= 0; start = eml.IndexOf(Marker, start, StringComparison.Ordinal))
        {
            start += Marker.Length;
            var end = eml.IndexOf("--", start, StringComparison.Ordinal);
            texts.Add(Encoding.UTF8.GetString(Convert.FromBase64String(eml[start..end].Replace("\r\n", "", StringComparison.Ordinal))));
        }

        return texts.SelectMany(t => Url().Matches(t).Select(m => WebUtility.HtmlDecode(m.Value).TrimEnd('.', ',', ')')));
    }

    private static async Task<Dictionary<string, string>> StatesAsync(SubscriberStore store, IEnumerable<string> ids)
    {
        var states = new Dictionary<string, string>();
        foreach (var id in ids)
        {
            var s = await store.GetAsync(id, CancellationToken.None);
            states[id] = s is null ? "none" : $"{s.State} {s.Edition} {s.Cadence} [{string.Join(',', s.Sectors)}] suppressed={s.Suppressed}";
        }

        return states;
    }

    [Fact]
    public async Task Fetching_every_link_of_the_confirmation_and_digest_emails_changes_no_ones_state_and_a_persons_post_does()
    {
        await using var serve = await LocalServe.StartAsync();
        var ids = serve.Get<SubscriberIds>();

        // Someone types Asha's address into the form; the confirmation goes to her mailbox, through the gateway.
        Assert.Equal(HttpStatusCode.OK, (await serve.SubscribeAsync("asha@example.com", "india", null, "health")).StatusCode);
        var asha = ids.IdFor(EmailAddress.Parse("asha@example.com"));
        var confirmation = await serve.WaitForEmailAsync($"confirm/{asha}.eml");

        // Readers of the Global edition get today's digest, its links pointing at serve.
        await using var pipeline = await NewsletterStageTests.PipelineWithStoriesAsync(
            new Dictionary<string, string?> { ["Syndication:Newsletter:PublicBaseUrl"] = serve.Url("newsletter").AbsoluteUri }, serve.Account);
        var readers = await NewsletterStageTests.SeedAsync(pipeline, "reader", 2);
        var global = pipeline.Get<PublicationCatalog>().FindEdition("global")!;
        var report = await pipeline.Get<NewsletterStage>().SendIssueAsync(global, NewsletterCadence.Daily, new DateOnly(2026, 11, 25), dryRun: false, CancellationToken.None);
        var outbox = new BlobContainerClient(serve.Account.ConnectionString, StorageNames.OutboxContainer);
        var digests = new List<string>();
        await foreach (var blob in outbox.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, report.IssueKey + "/", CancellationToken.None))
        {
            digests.Add((await outbox.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString());
        }

        Assert.Equal(readers.Count, digests.Count);
        var store = serve.Get<SubscriberStore>();
        var everyone = readers.Select(r => r.Id).Append(asha).ToList();
        var before = await StatesAsync(store, everyone);

        // The scanner: every link of every email, fetched twice, as gateways do.
        var links = new[] { confirmation }.Concat(digests).SelectMany(LinksOf).Where(l => l.StartsWith(serve.Host.BaseUrl.AbsoluteUri, StringComparison.Ordinal)).Distinct().ToList();
        Assert.Contains(links, l => l.Contains("/newsletter/c/", StringComparison.Ordinal));
        Assert.Contains(links, l => l.Contains("/newsletter/u/", StringComparison.Ordinal));
        Assert.Contains(links, l => l.Contains("/newsletter/p/", StringComparison.Ordinal));
        Assert.Contains(links, l => l.Contains("/newsletter/archive/", StringComparison.Ordinal));
        foreach (var link in links.Concat(links))
        {
            Assert.Equal(HttpStatusCode.OK, (await serve.Http.GetAsync(link)).StatusCode);
        }

        Assert.Equal(before, await StatesAsync(store, everyone));
        Assert.Equal(SubscriberState.Pending, (await store.GetAsync(asha, CancellationToken.None))!.State);

        // A person presses the button of the confirmation page: only that POST confirms.
        var confirm = links.Single(l => l.Contains("/newsletter/c/", StringComparison.Ordinal));
        var confirmed = await serve.Http.PostAsync(confirm, new FormUrlEncodedContent([]));
        Assert.Contains("You are subscribed", await confirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(SubscriberState.Confirmed, (await store.GetAsync(asha, CancellationToken.None))!.State);

        // A mail program's RFC 8058 one-click unsubscribe still works: a POST to List-Unsubscribe's URL.
        var digest = digests.First(d => d.Contains(readers[0].Email, StringComparison.Ordinal));
        var listUnsubscribe = Regex.Match(digest, @"List-Unsubscribe: <([^>]+)>").Groups[1].Value;
        Assert.Contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click", digest, StringComparison.Ordinal);
        var oneClick = await serve.Http.PostAsync(listUnsubscribe, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        Assert.Equal(SubscriberState.Unsubscribed, (await store.GetAsync(readers[0].Id, CancellationToken.None))!.State);
        Assert.Equal(SubscriberState.Confirmed, (await store.GetAsync(readers[1].Id, CancellationToken.None))!.State);
    }
}
