using System.Security.Cryptography;
using System.Text;

namespace Syndication.Core.Newsletters;

/// <summary>
/// Text rendered once with markers where per-reader values go, split at the markers so that
/// filling it is one allocation and a few copies. A marker is a fixed prefix with a random
/// 128-bit nonce of this process, a slot number and an end letter, letters and digits only: HTML
/// encoding and CSS inlining leave it as it is, and article text cannot contain it by chance or
/// on purpose, since nobody outside the process knows the nonce.
/// </summary>
internal sealed class SlotTemplate
{
    private static readonly string Prefix = "zs" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private readonly string[] _literals;
    private readonly int[] _slots;
    private readonly int _literalLength;

    private SlotTemplate(string[] literals, int[] slots)
    {
        _literals = literals;
        _slots = slots;
        _literalLength = literals.Sum(l => l.Length);
        LiteralUtf8Bytes = literals.Sum(Encoding.UTF8.GetByteCount);
    }

    /// <summary>UTF-8 size of the text without any slot value.</summary>
    public int LiteralUtf8Bytes { get; }

    /// <summary>How many times slots appear in the text, all slots together.</summary>
    public int SlotOccurrences => _slots.Length;

    public static string Marker(int slot) => Prefix + slot.ToString(System.Globalization.CultureInfo.InvariantCulture) + "e";

    public static SlotTemplate Compile(string text, int slotCount)
    {
        var literals = new List<string>();
        var slots = new List<int>();
        var start = 0;
        while (true)
        {
            var at = text.IndexOf(Prefix, start, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            var slotStart = at + Prefix.Length;
            var end = text.IndexOf('e', slotStart);
            if (end < 0 || !int.TryParse(text.AsSpan(slotStart, end - slotStart), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var slot) || slot >= slotCount)
            {
                throw new InvalidOperationException("A slot marker was damaged by rendering.");
            }

            literals.Add(text[start..at]);
            slots.Add(slot);
            start = end + 1;
        }

        literals.Add(text[start..]);
        return new SlotTemplate([.. literals], [.. slots]);
    }

    /// <summary>The text with every slot replaced by its value; values are inserted as they are, already encoded.</summary>
    public string Fill(string[] values)
    {
        var length = _literalLength;
        foreach (var slot in _slots)
        {
            length += values[slot].Length;
        }

        return string.Create(length, (this, values), static (span, state) =>
        {
            var (template, values) = state;
            var position = 0;
            for (var i = 0; i < template._slots.Length; i++)
            {
                template._literals[i].AsSpan().CopyTo(span[position..]);
                position += template._literals[i].Length;
                var value = values[template._slots[i]];
                value.AsSpan().CopyTo(span[position..]);
                position += value.Length;
            }

            template._literals[^1].AsSpan().CopyTo(span[position..]);
        });
    }
}
