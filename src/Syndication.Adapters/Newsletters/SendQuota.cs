using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Syndication.Adapters.Storage;
using Syndication.Core.Newsletters;

namespace Syndication.Adapters.Newsletters;

/// <summary>What a reservation got: how many emails may go, and the allowance it was measured against.</summary>
public sealed record QuotaGrant(int Granted, SendingAllowance Allowance, DateTimeOffset At);

/// <summary>
/// Emails handed to SendGrid per UTC hour and per UTC day, over every issue and every run, in the
/// ledger table's <c>quota</c> partition (a row per hour <c>h{yyyyMMddHH}</c> and per day
/// <c>d{yyyyMMdd}</c>, and the warm-up's first day). A batch reserves its emails before it is
/// sent, the hour's and the day's rows changed in one ETag-guarded transaction, so two runs at once
/// never pass a cap together; a batch that did not go gives its reservation back.
/// </summary>
public sealed class SendQuota(StorageAccount account)
{
    private const string QuotaPartition = "quota";
    private const string WarmupRow = "warmup";

    private TableClient Table => account.Table(StorageNames.SendLedgerTable);

    public static string HourRow(DateTimeOffset at) => "h" + at.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    public static string DayRow(DateTimeOffset at) => "d" + at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The warm-up's first day: the configured one, else the one recorded at the first real send (recorded now when there is none).</summary>
    public async Task<DateOnly> WarmupStartAsync(DateOnly? configured, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (configured is { } day)
        {
            return day;
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        try
        {
            await Table.AddEntityAsync(new TableEntity(QuotaPartition, WarmupRow) { ["Start"] = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }, cancellationToken);
            return today;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            var row = await Table.GetEntityAsync<TableEntity>(QuotaPartition, WarmupRow, cancellationToken: cancellationToken);
            return DateOnly.ParseExact(row.Value.GetString("Start")!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Emails counted in the hour and the day of <paramref name="at"/>.</summary>
    public async Task<(long Hour, long Day)> SentAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var (hour, day) = await ReadAsync(at, cancellationToken);
        return (hour?.GetInt64("Count") ?? 0, day?.GetInt64("Count") ?? 0);
    }

    /// <summary>Reserves up to <paramref name="wanted"/> emails within what <paramref name="allowance"/> allows for the hour's and day's counts.</summary>
    public async Task<QuotaGrant> ReserveAsync(DateTimeOffset at, int wanted, Func<long, long, SendingAllowance> allowance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(allowance);
        for (var attempt = 1; ; attempt++)
        {
            var (hour, day) = await ReadAsync(at, cancellationToken);
            var allowed = allowance(hour?.GetInt64("Count") ?? 0, day?.GetInt64("Count") ?? 0);
            var granted = Math.Min(wanted, allowed.Allowed);
            if (granted <= 0)
            {
                return new QuotaGrant(0, allowed, at);
            }

            try
            {
                await Table.SubmitTransactionAsync([Change(hour, HourRow(at), granted), Change(day, DayRow(at), granted)], cancellationToken);
                return new QuotaGrant(granted, allowed, at);
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed && attempt < 50)
            {
                // Another run reserved at the same moment: read the counts again.
            }
        }
    }

    /// <summary>Gives back emails of a reservation that did not go (the batch is to be retried).</summary>
    public async Task ReleaseAsync(QuotaGrant grant, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        if (count <= 0)
        {
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            var (hour, day) = await ReadAsync(grant.At, cancellationToken);
            try
            {
                await Table.SubmitTransactionAsync([Change(hour, HourRow(grant.At), -count), Change(day, DayRow(grant.At), -count)], cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed && attempt < 50)
            {
                // Changed meanwhile: read again.
            }
        }
    }

    private async Task<(TableEntity? Hour, TableEntity? Day)> ReadAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        TableEntity? hour = null, day = null;
        var hourRow = HourRow(at);
        var dayRow = DayRow(at);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {QuotaPartition} and (RowKey eq {hourRow} or RowKey eq {dayRow})");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.RowKey == hourRow)
            {
                hour = row;
            }
            else
            {
                day = row;
            }
        }

        return (hour, day);
    }

    private static TableTransactionAction Change(TableEntity? current, string row, long by)
    {
        var entity = new TableEntity(QuotaPartition, row) { ["Count"] = Math.Max(0, (current?.GetInt64("Count") ?? 0) + by) };
        return current is null
            ? new TableTransactionAction(TableTransactionActionType.Add, entity)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, current.ETag);
    }
}
