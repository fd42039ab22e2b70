using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Syndication.Core.Trending;

/// <summary>
/// The (session, bucket) pairs already counted in one UTC hour: an open-addressing table of
/// 64-bit fingerprints, one per pair, shared by every bucket of that hour. Its slots are native
/// memory from a <see cref="NativeTableMemory"/>.
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

    private readonly NativeTableMemory _memory;
    private ulong* _slots;
    private int _length;
    private int _count;

    /// <param name="memory">Where the slots are allocated; it frees them, and keeps them while this table is reachable.</param>
    /// <param name="expected">Fingerprints expected (the hour before's count): sized for them at once, it seldom grows.</param>
    public SessionTable(NativeTableMemory memory, int expected = 0)
    {
        _memory = memory;
        _length = Math.Max(MinimumSlots, (int)Math.Min(1UL << 30, BitOperations.RoundUpToPowerOf2(((ulong)expected * 4 / 3) + 1)));
        _slots = (ulong*)memory.Allocate((nuint)_length * sizeof(ulong));
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
        var slots = (ulong*)_memory.Allocate((nuint)length * sizeof(ulong));
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

        _memory.Release(_slots);
        _slots = slots;
        _length = length;
    }
}
