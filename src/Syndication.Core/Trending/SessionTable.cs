using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Syndication.Core.Trending;

/// <summary>
/// The (session, bucket) pairs already counted in one UTC hour: an open-addressing table of
/// 64-bit fingerprints, one per pair, shared by every bucket of that hour. Its slots are native
/// memory from a <see cref="NativeArena"/>.
/// </summary>
/// <remarks>
/// One table per hour instead of a set per bucket: a line costs one probe into one flat array (no
/// second pointer to chase), and since logs arrive in time order the table being filled is the
/// only one in use, so it stays in cache far better than a million small sets would. A
/// fingerprint (<see cref="Fingerprint"/>) is a bijection of the session hash for a given bucket,
/// so two sessions of one bucket never share one; two pairs of different buckets of the hour
/// share one with probability 2^-64 (see docs/trending.md). Zero marks an empty slot.
/// </remarks>
internal sealed unsafe class SessionTable
{
    private const int MinimumSlots = 1024;

    private readonly NativeArena _arena;
    private ulong* _slots;
    private int _length;
    private int _count;

    /// <param name="arena">Where the slots are allocated; it frees them, and keeps them while this table is reachable.</param>
    /// <param name="expected">Fingerprints expected (the hour before's count): sized for them at once, it seldom grows.</param>
    public SessionTable(NativeArena arena, int expected = 0)
    {
        _arena = arena;
        _length = Math.Max(MinimumSlots, (int)Math.Min(1UL << 30, BitOperations.RoundUpToPowerOf2(((ulong)expected * 4 / 3) + 1)));
        _slots = (ulong*)arena.Allocate((nuint)_length * sizeof(ulong));
    }

    /// <summary>Fingerprints held: the memory this table needs is about 11 to 21 bytes per one of them.</summary>
    public int Count => _count;

    // Seeded per process, so that crafted sessions cannot be lined up into one probe chain.
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64();

    /// <summary>
    /// The pair's fingerprint: the session mixed, XOR the bucket's own constant, mixed again. Each
    /// step is a bijection, so within a bucket distinct sessions keep distinct fingerprints; the
    /// first mix keeps sessions with a pattern (numbered, or multiples of a constant) from lining
    /// up with the bucket constants.
    /// </summary>
    public static ulong Fingerprint(ulong session, int bucket)
    {
        var salt = ((ulong)(uint)bucket * 0xC2B2AE3D27D4EB4FUL) ^ Seed;
        var fingerprint = SessionSketch.Mix(SessionSketch.Mix(session) ^ salt);
        return fingerprint == 0 ? 1 : fingerprint; // a 2^-64 chance of merging two pairs, as any other collision
    }

    /// <summary>What is in the slot a probe for <paramref name="fingerprint"/> starts at: reading it early brings it into cache.</summary>
    public ulong SlotOf(ulong fingerprint) => _slots[(int)(fingerprint & (ulong)(_length - 1))];

    /// <summary>Asks the processor to bring the slot a probe for <paramref name="fingerprint"/> starts at into cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(ulong fingerprint)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(_slots + (fingerprint & (ulong)(_length - 1)));
        }
    }

    /// <summary>True when the fingerprint was there already.</summary>
    public bool Contains(ulong fingerprint)
    {
        var slots = _slots;
        var mask = _length - 1;
        for (var i = (int)(fingerprint & (ulong)mask); ; i = (i + 1) & mask)
        {
            var slot = slots[i];
            if (slot == fingerprint)
            {
                return true;
            }

            if (slot == 0)
            {
                return false;
            }
        }
    }

    /// <summary>Adds the fingerprint; false when it was there already.</summary>
    public bool Add(ulong fingerprint)
    {
        var slots = _slots;
        var mask = _length - 1;
        var i = (int)(fingerprint & (ulong)mask);
        while (true)
        {
            var slot = slots[i];
            if (slot == fingerprint)
            {
                return false;
            }

            if (slot == 0)
            {
                break;
            }

            i = (i + 1) & mask;
        }

        // Up to three quarters full: every slot is fresh memory the system must fault in (the
        // costliest part of a new hour on a VM), and a longer probe mostly stays in one cache line.
        slots[i] = fingerprint;
        if (++_count * 4L > _length * 3L)
        {
            Grow();
        }

        return true;
    }

    private void Grow()
    {
        var length = _length * 2;
        var slots = (ulong*)_arena.Allocate((nuint)length * sizeof(ulong)); // the old slots stay in the arena until it is freed
        var mask = length - 1;
        for (var at = 0; at < _length; at++)
        {
            var fingerprint = _slots[at];
            if (fingerprint != 0)
            {
                var i = (int)(fingerprint & (ulong)mask);
                while (slots[i] != 0)
                {
                    i = (i + 1) & mask;
                }

                slots[i] = fingerprint;
            }
        }

        _slots = slots;
        _length = length;
    }
}

/// <summary>
/// Zeroed native memory for one aggregation's tables, freed all at once by <see cref="Dispose"/>
/// (or, failing that, the finalizer). Large requests are carved from chunks of 2 MiB multiples
/// that, on Linux, are mapped on their own and marked for transparent huge pages: the tables
/// are megabytes probed at random, and in 4 KiB pages nearly every probe missed the TLB and
/// every first touch of a page faulted (on this VM a fault costs microseconds, and a run of a
/// million lines took thousands). Small requests come from the native heap.
/// </summary>
/// <remarks>
/// Nothing is freed before the end: a table that grows leaves its old slots behind, so at most
/// about as much again as the live tables (they double), and the arena is gone with the log.
/// </remarks>
internal sealed unsafe class NativeArena : IDisposable
{
    private const nuint HugePage = 2 * 1024 * 1024;
    private const nuint SmallRequest = 64 * 1024;

    private readonly List<(nint Address, nuint Bytes, bool Mapped)> _blocks = [];
    private byte* _next;
    private nuint _left;
    private long _pressure;

    ~NativeArena() => Free();

    /// <summary>Zeroed memory of at least <paramref name="bytes"/> bytes, 64-byte aligned, valid until the arena is disposed.</summary>
    public void* Allocate(nuint bytes)
    {
        bytes = (bytes + 63) & ~(nuint)63;
        if (bytes < SmallRequest)
        {
            var small = NativeMemory.AlignedAlloc(bytes, 64);
            NativeMemory.Clear(small, bytes);
            Track((nint)small, bytes, mapped: false);
            return small;
        }

        if (bytes > _left)
        {
            NewChunk(bytes);
        }

        var at = _next;
        _next += bytes;
        _left -= bytes;
        return at;
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void NewChunk(nuint bytes)
    {
        var size = (bytes + HugePage - 1) & ~(HugePage - 1);
        if (OperatingSystem.IsLinux())
        {
            var mapped = size + HugePage; // room to start on a huge-page boundary
            var address = Native.mmap(null, mapped, Native.ProtRead | Native.ProtWrite, Native.MapPrivate | Native.MapAnonymous, -1, 0);
            if (address != (void*)-1)
            {
                var aligned = ((nuint)address + HugePage - 1) & ~(HugePage - 1);
                _ = Native.madvise((void*)aligned, size, Native.MadvHugePage); // advice only: without it, ordinary pages
                Track((nint)address, mapped, mapped: true);
                _next = (byte*)aligned;
                _left = size;
                return;
            }
        }

        var block = NativeMemory.AlignedAlloc(size, 64);
        NativeMemory.Clear(block, size);
        Track((nint)block, size, mapped: false);
        _next = (byte*)block;
        _left = size;
    }

    private void Track(nint address, nuint bytes, bool mapped)
    {
        _blocks.Add((address, bytes, mapped));
        _pressure += (long)bytes;
        GC.AddMemoryPressure((long)bytes);
    }

    private void Free()
    {
        foreach (var (address, bytes, mapped) in _blocks)
        {
            if (mapped)
            {
                _ = Native.munmap((void*)address, bytes);
            }
            else
            {
                NativeMemory.AlignedFree((void*)address);
            }
        }

        _blocks.Clear();
        if (_pressure > 0)
        {
            GC.RemoveMemoryPressure(_pressure);
            _pressure = 0;
        }

        _next = null;
        _left = 0;
    }

    private static class Native
    {
        public const int ProtRead = 1;
        public const int ProtWrite = 2;
        public const int MapPrivate = 2;
        public const int MapAnonymous = 0x20;
        public const int MadvHugePage = 14;

        [DllImport("libc", EntryPoint = "mmap")]
        public static extern void* mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

        [DllImport("libc", EntryPoint = "munmap")]
        public static extern int munmap(void* address, nuint length);

        [DllImport("libc", EntryPoint = "madvise")]
        public static extern int madvise(void* address, nuint length, int advice);
    }
}

/// <summary>
/// A HyperLogLog sketch of 4,096 one-byte registers (4 KiB, about 1.6% standard error): what a
/// bucket counts its sessions with once it has passed the exact limit (a front-page story in a big
/// edition), so its memory stays bounded however many readers arrive.
/// </summary>
internal static class SessionSketch
{
    private const int SketchBits = 12;
    public const int Registers = 1 << SketchBits;

    public static void Add(byte[] sketch, ulong value)
    {
        var hash = Mix(value);
        var register = (int)(hash >> (64 - SketchBits));
        // Rank of the first one bit in the remaining 52 bits (the guard bit caps it at 53).
        var rank = (byte)(BitOperations.LeadingZeroCount((hash << SketchBits) | (1UL << (SketchBits - 1))) + 1);
        if (sketch[register] < rank)
        {
            sketch[register] = rank;
        }
    }

    public static long Estimate(byte[] sketch)
    {
        double sum = 0;
        var zeros = 0;
        var powers = NegativePowersOfTwo;
        foreach (var rank in sketch)
        {
            sum += powers[rank]; // 2^-rank, exactly as Math.ScaleB(1.0, -rank) gives it
            zeros += rank == 0 ? 1 : 0;
        }

        const double m = Registers;
        var estimate = 0.7213 / (1 + (1.079 / m)) * m * m / sum;
        if (estimate <= 2.5 * m && zeros > 0)
        {
            estimate = m * Math.Log(m / zeros); // linear counting is better while registers are still empty
        }

        return (long)Math.Round(estimate);
    }

    // 2^-rank for every rank a register can hold (at most 53; a byte, so the table covers all 256).
    private static readonly double[] NegativePowersOfTwo = Enumerable.Range(0, 256).Select(r => Math.ScaleB(1.0, -r)).ToArray();

    /// <summary>splitmix64's finalizer: session ids are random hex already, but a crafted or hashed one may not be.</summary>
    internal static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xbf58476d1ce4e5b9UL;
        x ^= x >> 27;
        x *= 0x94d049bb133111ebUL;
        return x ^ (x >> 31);
    }
}
