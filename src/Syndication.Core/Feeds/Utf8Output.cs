using System.Buffers;
using System.Text;

namespace Syndication.Core.Feeds;

/// <summary>
/// A growable byte buffer over pooled arrays: a feed is written once and then copied out once (to
/// the returned array or the caller's writer) or handed out as it is, so no large array is
/// allocated per feed beyond the one a caller asks for.
/// </summary>
internal sealed class PooledBuffer(int capacity) : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 4096));

    public int Length { get; private set; }

    /// <summary>The bytes written so far; valid until the buffer grows or is disposed.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    /// <inheritdoc cref="WrittenSpan"/>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, Length);

    /// <summary>The bytes written, in an array of their own; not zeroed first, since every byte is copied over.</summary>
    public byte[] ToArray()
    {
        var bytes = GC.AllocateUninitializedArray<byte>(Length);
        _buffer.AsSpan(0, Length).CopyTo(bytes);
        return bytes;
    }

    public void Advance(int count) => Length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(Length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(Length);
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void Ensure(int sizeHint)
    {
        var needed = Length + Math.Max(sizeHint, 1);
        if (needed > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, needed));
            _buffer.AsSpan(0, Length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
    }
}

/// <summary>
/// Just enough of an XML writer for feeds, straight to UTF-8: markup the writers spell out, text
/// and attribute values escaped, bodies as CDATA. Escaping and transcoding run on spans between
/// the few characters that need care, which makes a 250 KB feed of bodies a matter of copying,
/// where <see cref="System.Xml.XmlWriter"/> looks at every character on its own.
/// Every text handed in is already clean of what XML forbids (see <see cref="XmlText.Clean"/>).
/// </summary>
internal sealed class Utf8Xml(PooledBuffer buffer)
{
    private static readonly SearchValues<char> TextSpecials = SearchValues.Create("<>&");
    private static readonly SearchValues<char> AttributeSpecials = SearchValues.Create("<>&\"\t\n\r");

    public int Position => buffer.Length;

    public Utf8Xml Raw(ReadOnlySpan<char> markup)
    {
        var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(markup.Length));
        buffer.Advance(Encoding.UTF8.GetBytes(markup, span));
        return this;
    }

    public Utf8Xml Raw(ReadOnlySpan<byte> utf8)
    {
        utf8.CopyTo(buffer.GetSpan(utf8.Length));
        buffer.Advance(utf8.Length);
        return this;
    }

    /// <summary>Character data: &amp;, &lt; and &gt; escaped (the last so "]]&gt;" never appears).</summary>
    public Utf8Xml Text(ReadOnlySpan<char> text) => Escaped(text, TextSpecials);

    /// <summary>
    /// An attribute: <paramref name="nameOpen"/> is its markup up to the opening quote
    /// (<c> href="</c>), the value is escaped for double quotes, white space kept as character references.
    /// </summary>
    public Utf8Xml Attribute(ReadOnlySpan<byte> nameOpen, ReadOnlySpan<char> value) =>
        Raw(nameOpen).Escaped(value, AttributeSpecials).Raw("\""u8);

    /// <summary><paramref name="open"/>, the text escaped, <paramref name="close"/>: an element of text whose markup is spelled out in UTF-8.</summary>
    public Utf8Xml Element(ReadOnlySpan<byte> open, ReadOnlySpan<char> text, ReadOnlySpan<byte> close) =>
        Raw(open).Text(text).Raw(close);

    /// <summary>
    /// Text as CDATA, split where it contains "]]&gt;" (which would end the section): "a]]&gt;b"
    /// becomes <c>&lt;![CDATA[a]]]]&gt;&lt;![CDATA[&gt;b]]&gt;</c>, which every XML parser joins back.
    /// </summary>
    public Utf8Xml CData(ReadOnlySpan<char> text)
    {
        Raw("<![CDATA["u8);
        int end;
        while ((end = text.IndexOf("]]>", StringComparison.Ordinal)) >= 0)
        {
            Raw(text[..(end + 2)]).Raw("]]><![CDATA["u8);
            text = text[(end + 2)..];
        }

        return Raw(text).Raw("]]>"u8);
    }

    private Utf8Xml Escaped(ReadOnlySpan<char> text, SearchValues<char> specials)
    {
        int at;
        while ((at = text.IndexOfAny(specials)) >= 0)
        {
            Raw(text[..at]);
            Raw(text[at] switch
            {
                '<' => "&lt;"u8,
                '>' => "&gt;"u8,
                '&' => "&amp;"u8,
                '"' => "&quot;"u8,
                '\t' => "&#x9;"u8,
                '\n' => "&#xA;"u8,
                _ => "&#xD;"u8,
            });
            text = text[(at + 1)..];
        }

        return Raw(text);
    }
}
