using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Syndication.Core.Trending;

/// <summary>
/// Article keys interned as UTF-8 bytes, so a line's slice finds its index without becoming a
/// string: open addressing over slots that hold the hash and where the key's bytes are in one
/// shared array, so a lookup reads the slot and the bytes, with no object between them.
/// </summary>
internal sealed unsafe class ArticleTable
{
    // Seeded per process so crafted article keys cannot be lined up into one probe chain.
    private static readonly long Seed = Random.Shared.NextInt64();

    private readonly List<(int Offset, int Length)> _keys = [];
    private byte[] _bytes = new byte[64 * 1024];
    private int _used;
    private Slot[] _slots = new Slot[1024];

    public int Count => _keys.Count;

    public ReadOnlySpan<byte> this[int index] => _bytes.AsSpan(_keys[index].Offset, _keys[index].Length);

    public static ulong Hash(ReadOnlySpan<byte> key) => XxHash3.HashToUInt64(key, Seed);

    /// <summary>What is in the slot a lookup of <paramref name="hash"/> starts at: reading it early brings it into cache.</summary>
    public ulong SlotHash(ulong hash) => _slots[(int)(hash & (ulong)(_slots.Length - 1))].Hash;

    /// <summary>Asks the processor to bring the slot a lookup of <paramref name="hash"/> starts at into cache (a hint: harmless if the array moves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(ulong hash)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref _slots[(int)(hash & (ulong)(_slots.Length - 1))]));
        }
    }

    /// <summary>The key's index, numbered in the order first seen.</summary>
    /// <param name="key">The key's bytes.</param>
    /// <param name="hash">The key's <see cref="Hash"/>.</param>
    public int Intern(ReadOnlySpan<byte> key, ulong hash)
    {
        var mask = _slots.Length - 1;
        var i = (int)(hash & (ulong)mask);
        while (true)
        {
            ref var slot = ref _slots[i];
            if (slot.Index == 0)
            {
                break;
            }

            if (slot.Hash == hash && key.SequenceEqual(_bytes.AsSpan(slot.Offset, slot.Length)))
            {
                return slot.Index - 1;
            }

            i = (i + 1) & mask;
        }

        if (_bytes.Length - _used < key.Length)
        {
            Array.Resize(ref _bytes, (int)Math.Min(Array.MaxLength, Math.Max(_bytes.Length * 2L, _used + (long)key.Length)));
        }

        key.CopyTo(_bytes.AsSpan(_used));
        _keys.Add((_used, key.Length));
        _slots[i] = new Slot(hash, _keys.Count, _used, key.Length);
        _used += key.Length;
        if (_keys.Count * 4L > _slots.Length * 3L) // up to 3/4 full: half the slots, more of them in cache
        {
            Grow();
        }

        return _keys.Count - 1;
    }

    private void Grow()
    {
        var larger = new Slot[_slots.Length * 2];
        var mask = larger.Length - 1;
        foreach (var slot in _slots)
        {
            if (slot.Index != 0)
            {
                var i = (int)(slot.Hash & (ulong)mask);
                while (larger[i].Index != 0)
                {
                    i = (i + 1) & mask;
                }

                larger[i] = slot;
            }
        }

        _slots = larger;
    }

    private readonly record struct Slot(ulong Hash, int Index, int Offset, int Length); // Index: key index + 1; 0 for empty
}
