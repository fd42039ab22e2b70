using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Syndication.Adapters.Storage;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Faults;

/// <summary>
/// A run's lease (a feed build, an issue's send) on a store slow to answer: a build of 100,000
/// articles on Azurite made the emulator take longer than the 5 s between renewals, and the build
/// stopped twice, its lease thought lost while it still held it.
/// </summary>
public sealed class SlowLeaseTests
{
    [Fact]
    public async Task A_lease_whose_renewals_take_longer_than_the_time_between_them_is_kept()
    {
        var slow = new SlowRenewals(TimeSpan.FromSeconds(6));
        var (holder, other) = await ContainersAsync(slow);

        await using var lease = await RunLease.TryAcquireAsync(holder, "slow.lease", TimeSpan.Zero, CancellationToken.None);
        Assert.NotNull(lease);
        await Task.Delay(TimeSpan.FromSeconds(26));

        Assert.True(slow.Renewals >= 2, $"{slow.Renewals} renewals");
        Assert.False(lease.Lost.IsCancellationRequested, "the lease was given up though every renewal was answered in time");
        Assert.Null(await RunLease.TryAcquireAsync(other, "slow.lease", TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task A_lease_whose_renewals_go_unanswered_is_given_up_before_another_can_take_it()
    {
        var (holder, other) = await ContainersAsync(new SlowRenewals(TimeSpan.FromHours(1)));

        await using var lease = await RunLease.TryAcquireAsync(holder, "silent.lease", TimeSpan.Zero, CancellationToken.None);
        Assert.NotNull(lease);
        var held = Stopwatch.StartNew();
        var lost = new TaskCompletionSource();
        using var registration = lease.Lost.Register(() => lost.TrySetResult());
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Told while the lease still stands: nobody else can have it yet.
        Assert.InRange(held.Elapsed, TimeSpan.FromSeconds(10), RunLease.Duration);
        Assert.Null(await RunLease.TryAcquireAsync(other, "silent.lease", TimeSpan.Zero, CancellationToken.None));

        // Unrenewed, it lapses, and the next run takes it.
        await using var next = await RunLease.TryAcquireAsync(other, "silent.lease", RunLease.Duration, CancellationToken.None);
        Assert.NotNull(next);
    }

    /// <summary>One container, seen by the holder through <paramref name="slow"/> and by another run directly.</summary>
    private static async Task<(BlobContainerClient Holder, BlobContainerClient Other)> ContainersAsync(SlowRenewals slow)
    {
        var account = await LocalStorage.NewAccountAsync();
        var options = new BlobClientOptions();
        options.AddPolicy(slow, HttpPipelinePosition.PerCall);
        var holder = new BlobServiceClient(account.ConnectionString, options).GetBlobContainerClient("leases");
        await holder.CreateIfNotExistsAsync();
        return (holder, new BlobServiceClient(account.ConnectionString).GetBlobContainerClient("leases"));
    }

    /// <summary>Holds each lease renewal back for <paramref name="delay"/> before it is sent, as a busy store answers late.</summary>
    private sealed class SlowRenewals(TimeSpan delay) : HttpPipelinePolicy
    {
        private int _renewals;

        public int Renewals => Volatile.Read(ref _renewals);

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Headers.TryGetValue("x-ms-lease-action", out var action) && action == "renew")
            {
                await Task.Delay(delay, message.CancellationToken);
                Interlocked.Increment(ref _renewals);
            }

            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();
    }
}
