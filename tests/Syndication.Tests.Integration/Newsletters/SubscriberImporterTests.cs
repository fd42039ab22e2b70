using System.Text;
using Syndication.Adapters.Newsletters;
using Syndication.Core.Newsletters;
using Syndication.Pipeline;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Newsletters;

public sealed class SubscriberImporterTests
{
    private static async Task<ImportReport> ImportAsync(TestPipeline pipeline, string csv)
    {
        await pipeline.Storage.EnsureLayoutAsync(CancellationToken.None);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        return await pipeline.Get<SubscriberImporter>().ImportAsync(stream, CancellationToken.None);
    }

    private static async Task<List<string>> MailableAsync(TestPipeline pipeline, string edition)
    {
        var emails = new List<string>();
        await foreach (var subscriber in pipeline.Get<SubscriberStore>().ListMailableAsync(edition, NewsletterCadence.Daily, CancellationToken.None))
        {
            emails.Add(subscriber.Email);
        }

        return emails;
    }

    [Fact]
    public async Task A_spreadsheet_export_with_quotes_bad_lines_and_a_repeated_address_imports_the_good_lines_and_names_the_bad_ones()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var csv = """
            email,edition,sectors,cadence,status
            "asha@example.com","india","health; economy",daily,confirmed

            not-an-address,india,health,daily,confirmed
            "ben@example.com",atlantis,,daily,confirmed
            "unclosed@example.com,india,health,daily,confirmed
            carol@example.com,global,,daily,pending
            ASHA@example.com,global,sport,daily,confirmed
            """;

        var report = await ImportAsync(pipeline, csv);

        Assert.True(report.Imported == 2 && report.Skipped == 3, string.Join("; ", report.FirstSkipped));
        Assert.Equal(["line 4", "line 5", "line 6"], report.FirstSkipped.Select(s => s[..s.IndexOf(':', StringComparison.Ordinal)]));
        Assert.Contains("unclosed quote", report.FirstSkipped[2], StringComparison.Ordinal);

        // The later line for the same address won: Asha reads the Global edition, about sport, only.
        Assert.Empty(await MailableAsync(pipeline, "india"));
        Assert.Equal(["ASHA@example.com"], await MailableAsync(pipeline, "global"));
        var ids = pipeline.Get<SubscriberIds>();
        var asha = await pipeline.Get<SubscriberStore>().GetAsync(ids.IdFor(EmailAddress.Parse("asha@example.com")), CancellationToken.None);
        Assert.Equal(["sport"], asha!.Sectors);
    }

    [Fact]
    public async Task Importing_again_moves_a_reader_out_of_the_edition_they_left_keeps_when_they_signed_up_and_keeps_a_suppression()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        await ImportAsync(pipeline, "dev@example.com,india,health,daily,confirmed\nbounced@example.com,india,,daily,confirmed\nstays@example.com,india,,daily,confirmed\n");
        var ids = pipeline.Get<SubscriberIds>();
        var store = pipeline.Get<SubscriberStore>();
        var dev = ids.IdFor(EmailAddress.Parse("dev@example.com"));
        var first = await store.GetAsync(dev, CancellationToken.None);
        var bounced = ids.IdFor(EmailAddress.Parse("bounced@example.com"));
        await pipeline.Get<SuppressionList>().AddAsync(bounced, SuppressionReason.HardBounce, pipeline.Clock.GetUtcNow(), CancellationToken.None);
        pipeline.Clock.Advance(TimeSpan.FromDays(3));
        var importedAt = pipeline.Clock.GetUtcNow();

        await ImportAsync(pipeline, "dev@example.com,europe,health,daily,confirmed\nbounced@example.com,india,,daily,confirmed\nstays@example.com,india,,daily,confirmed\n");

        Assert.Equal(["stays@example.com"], await MailableAsync(pipeline, "india"));
        Assert.Equal(["dev@example.com"], await MailableAsync(pipeline, "europe"));
        var moved = await store.GetAsync(dev, CancellationToken.None);
        Assert.Equal("europe", moved!.Edition);
        Assert.Equal(first!.Created, moved.Created);
        Assert.Equal(first.ConfirmedAt, moved.ConfirmedAt);
        Assert.True((await store.GetAsync(bounced, CancellationToken.None))!.Suppressed);

        // A send of India running now re-checks the reader who left it before their batch; the one who stayed is not a change.
        var changed = await store.ChangedSinceAsync(importedAt, CancellationToken.None);
        Assert.Contains(dev, changed);
        Assert.DoesNotContain(ids.IdFor(EmailAddress.Parse("stays@example.com")), changed);
    }

    [Fact]
    public async Task A_file_larger_than_a_chunk_is_imported_whole_and_a_repeat_across_chunks_ends_in_the_later_line()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var lines = new StringBuilder("email,edition,sectors,cadence,status\n");
        for (var i = 0; i < SubscriberImporter.ChunkSize + 500; i++)
        {
            lines.Append(System.Globalization.CultureInfo.InvariantCulture, $"reader{i}@example.com,india,,daily,confirmed\n");
        }

        lines.Append("reader3@example.com,india,,daily,unsubscribed\n");

        var report = await ImportAsync(pipeline, lines.ToString());

        Assert.Equal(SubscriberImporter.ChunkSize + 501, report.Imported);
        var india = await MailableAsync(pipeline, "india");
        Assert.Equal(SubscriberImporter.ChunkSize + 499, india.Count);
        Assert.DoesNotContain("reader3@example.com", india);
    }
}
