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
        var slots = (ulong*)_arena.Allocate((nuint)length * sizeof(ulong));
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

        _arena.Release(_slots);
        _slots = slots;
        _length = length;
    }
}

/// <summary>
/// Zeroed native memory for one aggregation's tables, freed all at once by <see cref="Dispose"/>
/// (or, failing that, the finalizer). Requests of 2 MiB and more are mapped on their own and, on
/// Linux, marked for transparent huge pages: the tables are megabytes probed at random, and in
/// 4 KiB pages nearly every probe missed the TLB and every first touch of a page faulted (on this
/// VM a fault costs microseconds, and a run of a million lines took thousands). Requests from
/// 64 KiB are carved from shared 2 MiB chunks mapped the same way; smaller ones come from the
/// native heap.
/// </summary>
/// <remarks>
/// A table that grows gives its old memory back with <see cref="Release"/> when it had a mapping
/// or heap block of its own; what was carved from a shared chunk stays until the end (at most the
/// chunks' 2 MiB each).
/// </remarks>
internal sealed unsafe class NativeArena : IDisposable
{
    private const nuint HugePage = 2 * 1024 * 1024;
    private const nuint SmallRequest = 64 * 1024;

    // By the address handed out (a chunk by its start, marked so it is never released alone).
    private readonly Dictionary<nint, (nint Base, nuint Bytes, bool Mapped, bool Chunk)> _blocks = [];
    private byte* _next;
    private nuint _left;
    private long _pressure;

    ~NativeArena() => Free();

    /// <summary>Zeroed memory of at least <paramref name="bytes"/> bytes, 64-byte aligned, valid until released or the arena is disposed.</summary>
    public void* Allocate(nuint bytes)
    {
        bytes = (bytes + 63) & ~(nuint)63;
        if (bytes < SmallRequest)
        {
            var small = NativeMemory.AlignedAlloc(bytes, 64);
            NativeMemory.Clear(small, bytes);
            Track((nint)small, ((nint)small, bytes, false, false));
            return small;
        }

        if (bytes >= HugePage)
        {
            return Map(bytes, chunk: false);
        }

        if (bytes > _left)
        {
            _next = (byte*)Map(HugePage, chunk: true);
            _left = HugePage;
        }

        var at = _next;
        _next += bytes;
        _left -= bytes;
        return at;
    }

    /// <summary>Gives back memory from <see cref="Allocate"/> that is no longer used; what came from a shared chunk stays until the end.</summary>
    public void Release(void* memory)
    {
        if (memory != null && _blocks.TryGetValue((nint)memory, out var block) && !block.Chunk)
        {
            _blocks.Remove((nint)memory);
            FreeBlock(block);
        }
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void* Map(nuint bytes, bool chunk)
    {
        var size = (bytes + HugePage - 1) & ~(HugePage - 1);
        if (OperatingSystem.IsLinux())
        {
            var mapped = size + HugePage; // room to start on a huge-page boundary
            var address = Native.mmap(null, mapped, Native.ProtRead | Native.ProtWrite, Native.MapPrivate | Native.MapAnonymous, -1, 0);
            if (address != (void*)-1)
            {
                // Keep only the aligned part: the slack before and after it is unmapped at once.
                var aligned = ((nuint)address + HugePage - 1) & ~(HugePage - 1);
                var before = aligned - (nuint)address;
                if (before > 0)
                {
                    _ = Native.munmap(address, before);
                }

                if (HugePage - before > 0)
                {
                    _ = Native.munmap((void*)(aligned + size), HugePage - before);
                }

                _ = Native.madvise((void*)aligned, size, Native.MadvHugePage); // advice only: without it, ordinary pages
                Track((nint)aligned, ((nint)aligned, size, true, chunk));
                return (void*)aligned;
            }
        }

        var block = NativeMemory.AlignedAlloc(size, 64);
        NativeMemory.Clear(block, size);
        Track((nint)block, ((nint)block, size, false, chunk));
        return block;
    }

    private void Track(nint address, (nint Base, nuint Bytes, bool Mapped, bool Chunk) block)
    {
        _blocks.Add(address, block);
        _pressure += (long)block.Bytes;
        GC.AddMemoryPressure((long)block.Bytes);
    }

    private void FreeBlock((nint Base, nuint Bytes, bool Mapped, bool Chunk) block)
    {
        if (block.Mapped)
        {
            _ = Native.munmap((void*)block.Base, block.Bytes);
        }
        else
        {
            NativeMemory.AlignedFree((void*)block.Base);
        }

        _pressure -= (long)block.Bytes;
        GC.RemoveMemoryPressure((long)block.Bytes);
    }

    private void Free()
    {
        foreach (var block in _blocks.Values)
        {
            FreeBlock(block);
        }

        _blocks.Clear();
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
