using Syndication.Adapters.Newsletters;
using Syndication.Core.Catalog;
using Syndication.Core.Newsletters;

namespace Syndication.Pipeline;

/// <summary>What an import did: the subscriber lines written (an address repeated a chunk or more apart counts each time), and the lines skipped with why.</summary>
/// <param name="Skipped">How many lines were skipped in all.</param>
/// <param name="FirstSkipped">The first few of them (line number and reason), to fix the file by.</param>
public sealed record ImportReport(int Imported, int Skipped, IReadOnlyList<string> FirstSkipped);

/// <summary>
/// Imports subscribers from a CSV of <c>email,edition,sectors,cadence,status[,alerts]</c> (sectors split by
/// <c>;</c>; quoted fields as spreadsheets write them; <c>alerts</c>, optional, is <c>yes</c> or <c>no</c>
/// for breaking-news alerts, and an address without it keeps the choice it had, off for a new one), a chunk of lines at a time, so memory holds a
/// chunk whatever the file's size. For each chunk it reads every address's current row and
/// suppression (<see cref="ReadsInFlight"/> at a time), then writes in batched transactions: a
/// known address is replaced (keeping when it signed up and confirmed), the row of an edition it
/// left is removed, a suppressed address stays suppressed, and whoever stops being mailable is
/// noted for a send that is running. A later line for the same address wins.
/// </summary>
public sealed class SubscriberImporter(SubscriberStore subscribers, SuppressionList suppressions, SubscriberIds ids, PublicationCatalog catalog, TimeProvider time)
{
    /// <summary>Lines read before their subscribers are written.</summary>
    public const int ChunkSize = 1_000;

    private const int ReadsInFlight = 16;
    private const int SkippedShown = 20;

    public async Task<ImportReport> ImportAsync(Stream csv, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(csv);
        var now = time.GetUtcNow();
        var chunk = new Dictionary<string, Subscriber>(StringComparer.Ordinal);

        // Lines without an alerts value: the address keeps the choice it had.
        var keepAlerts = new HashSet<string>(StringComparer.Ordinal);
        var imported = 0;
        var skipped = 0;
        var firstSkipped = new List<string>();

        void Skip(long line, string reason)
        {
            skipped++;
            if (firstSkipped.Count < SkippedShown)
            {
                firstSkipped.Add($"line {line}: {reason}");
            }
        }

        await foreach (var (line, fields, skippedBecause) in SubscriberCsv.ReadAsync(reader, cancellationToken))
        {
            if (fields is null)
            {
                Skip(line, skippedBecause ?? "not CSV");
                continue;
            }

            if (fields.All(string.IsNullOrEmpty) || (line == 1 && fields.Length > 0 && fields[0].Equals("email", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            Subscriber? subscriber;
            try
            {
                subscriber = Parse(fields, now);
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
            {
                // One row's trouble is that row's: skipped with the reason, the rest imported.
                Skip(line, $"could not be read: {ex.GetType().Name}: {ex.Message}");
                continue;
            }

            if (subscriber is null)
            {
                Skip(line, "not email,edition,sectors,cadence,status[,alerts] with a known edition, cadence and status, and alerts yes or no");
                continue;
            }

            chunk[subscriber.Id] = subscriber;
            if (fields.Length < 6 || fields[5].Length == 0)
            {
                keepAlerts.Add(subscriber.Id);
            }
            else
            {
                keepAlerts.Remove(subscriber.Id);
            }

            if (chunk.Count == ChunkSize)
            {
                imported += await WriteAsync(chunk, keepAlerts, now, cancellationToken);
                chunk.Clear();
                keepAlerts.Clear();
            }
        }

        imported += await WriteAsync(chunk, keepAlerts, now, cancellationToken);
        return new ImportReport(imported, skipped, firstSkipped);
    }

    private Subscriber? Parse(string[] fields, DateTimeOffset now)
    {
        if (fields.Length < 5 || !EmailAddress.TryParse(fields[0], out var email) || catalog.FindEdition(fields[1]) is not { } edition
            || !Enum.TryParse<NewsletterCadence>(fields[3], ignoreCase: true, out var cadence) || !Enum.IsDefined(cadence)
            || !Enum.TryParse<SubscriberState>(fields[4], ignoreCase: true, out var state) || !Enum.IsDefined(state))
        {
            return null;
        }

        var alerts = fields.Length < 6 ? "" : fields[5].Trim().ToLowerInvariant();
        if (alerts is not ("" or "yes" or "no"))
        {
            return null;
        }

        return new Subscriber
        {
            Id = ids.IdFor(email),
            Email = email.Value,
            Edition = edition.Id,
            Sectors = [.. fields[2].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(s => catalog.FindSector(s) is not null)],
            Cadence = cadence,
            State = state,
            Created = now,
            ConfirmedAt = state == SubscriberState.Confirmed ? now : null,
            UnsubscribedAt = state == SubscriberState.Unsubscribed ? now : null,
            Alerts = alerts == "yes",
        };
    }

    private async Task<int> WriteAsync(Dictionary<string, Subscriber> chunk, HashSet<string> keepAlerts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (chunk.Count == 0)
        {
            return 0;
        }

        var rows = new Subscriber[chunk.Count];
        var known = new Subscriber?[chunk.Count];
        await Parallel.ForEachAsync(chunk.Values.Select((s, i) => (s, i)), new ParallelOptions { MaxDegreeOfParallelism = ReadsInFlight, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            var (subscriber, i) = item;
            var before = known[i] = await subscribers.GetAsync(subscriber.Id, ct);
            rows[i] = subscriber with
            {
                Suppressed = before?.Suppressed == true || await suppressions.IsSuppressedAsync(subscriber.Id, ct),
                Created = before?.Created ?? subscriber.Created,
                ConfirmedAt = subscriber.State == SubscriberState.Confirmed ? before?.ConfirmedAt ?? subscriber.ConfirmedAt : null,
                Alerts = keepAlerts.Contains(subscriber.Id) ? before?.Alerts ?? false : subscriber.Alerts,
            };
        });

        await subscribers.ImportAsync(rows, known, now, cancellationToken);
        return rows.Length;
    }
}
