using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Syndication.Adapters.Storage;

/// <summary>
/// A blob lease held by one run of work that must not run twice at once (the send of a newsletter
/// issue: the timer and an editor's CLI at the same moment; a feed build). The lease lasts <see cref="Duration"/>
/// and is renewed every third of it while held, so a process that dies lets it go within 15 s; a
/// renewal the store is slow to answer is waited for, and one that fails tried again, while the
/// lease surely lasts; then (or when another took it) <see cref="Lost"/> is cancelled and the holder
/// stops at its next safe point.
/// </summary>
public sealed class RunLease : IAsyncDisposable
{
    /// <summary>The shortest lease Blob storage grants: a run that dies holds the work up for no longer.</summary>
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);

    /// <summary>How much sooner than the lease's end a renewal is given up: the answer's way back, and a clock's drift.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);

    /// <summary>How soon a renewal that failed is tried again.</summary>
    private static readonly TimeSpan RetryEvery = TimeSpan.FromMilliseconds(500);

    private readonly BlobLeaseClient _lease;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    private RunLease(BlobLeaseClient lease, TimeSpan renewEvery)
    {
        _lease = lease;
        _renewing = RenewAsync(renewEvery);
    }

    /// <summary>Cancelled when the lease could not be renewed: another run may take the work over.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>
    /// Takes the lease on <paramref name="name"/> (an empty blob, created when missing), trying every
    /// second for up to <paramref name="wait"/> (a lease left by a run that died lapses within
    /// <see cref="Duration"/>), or returns null when another run holds it all that time. A try that
    /// finds the lease taken costs one request (the blob is created only on the first use).
    /// </summary>
    public static Task<RunLease?> TryAcquireAsync(StorageAccount account, string container, string name, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        return TryAcquireAsync(account.Container(container), name, wait, cancellationToken);
    }

    /// <inheritdoc cref="TryAcquireAsync(StorageAccount, string, string, TimeSpan, CancellationToken)"/>
    public static async Task<RunLease?> TryAcquireAsync(BlobContainerClient container, string name, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        var blob = container.GetBlobClient(name);
        var lease = blob.GetBlobLeaseClient();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await lease.AcquireAsync(Duration, cancellationToken: cancellationToken);
                return new RunLease(lease, Duration / 3);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                await CreateAsync(blob, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                if (waited.Elapsed >= wait)
                {
                    return null;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private static async Task CreateAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            await blob.UploadAsync(BinaryData.Empty, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Created by another run meanwhile (and perhaps leased): the lease decides.
        }
    }

    private async Task RenewAsync(TimeSpan every)
    {
        var renewed = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                // Real time, not the app's clock: the lease expires on the service's clock.
                await Task.Delay(every, _stop.Token);
                if (!await RenewWhileItLastsAsync(renewed))
                {
                    await _lost.CancelAsync();
                    return;
                }

                renewed.Restart();
            }
        }
        catch (Exception ex) when (_stop.IsCancellationRequested && ex is OperationCanceledException or RequestFailedException)
        {
            // Released (a renewal under way when it was may fail either way).
        }
    }

    /// <summary>
    /// Renews, trying for as long as the lease surely lasts (<see cref="Duration"/> since the last
    /// renewal, less <see cref="Margin"/>): a store too busy to answer in a third of the lease (an
    /// emulator under a large build, a throttled account) does not cost the run its lease, and a
    /// renewal that fails at once is tried again. False when another took the lease (409) or no
    /// time is left: the holder must stop.
    /// </summary>
    private async Task<bool> RenewWhileItLastsAsync(Stopwatch renewed)
    {
        for (var left = Duration - Margin - renewed.Elapsed; left > TimeSpan.Zero; left = Duration - Margin - renewed.Elapsed)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            attempt.CancelAfter(left);
            try
            {
                await _lease.RenewAsync(cancellationToken: attempt.Token);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status == 409 && !_stop.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception ex) when (!_stop.IsCancellationRequested && ex is RequestFailedException or OperationCanceledException)
            {
                // Unanswered in time, or failed: again, while time is left.
            }

            await Task.Delay(RetryEvery, _stop.Token);
        }

        return false;
    }

    /// <summary>Stops renewing and lets the lease go, so the next run need not wait for it to expire.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        try
        {
            await _lease.ReleaseAsync();
        }
        catch (RequestFailedException)
        {
            // Lost or expired already: nothing to let go.
        }

        _stop.Dispose();
        _lost.Dispose();
    }
}
