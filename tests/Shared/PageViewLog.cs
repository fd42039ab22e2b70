using System.Text;

namespace Syndication.Tests.Trending;

/// <summary>Builds page-view logs in the producer's format, for tests.</summary>
internal sealed class PageViewLog
{
    private readonly StringBuilder _text = new();

    public static string Line(string ts, string article, string edition, string session, string agent = "browser") =>
        $$"""{"ts":"{{ts}}","article":"{{article}}","edition":"{{edition}}","session":"{{session}}","agent":"{{agent}}"}""";

    /// <summary>A 16-hex-digit session id, as the producer hashes them.</summary>
    public static string Session(int n) => ((ulong)n * 0x9E3779B97F4A7C15UL).ToString("x16");

    public PageViewLog View(string ts, string article, string edition, string session, string agent = "browser")
    {
        _text.Append(Line(ts, article, edition, session, agent)).Append('\n');
        return this;
    }

    /// <summary>Distinct sessions (numbered from <paramref name="firstSession"/>) each reading the article once.</summary>
    public PageViewLog Readers(int count, string ts, string article, string edition, int firstSession = 0, string agent = "browser")
    {
        for (var i = 0; i < count; i++)
        {
            View(ts, article, edition, Session(firstSession + i), agent);
        }

        return this;
    }

    public PageViewLog Raw(string line)
    {
        _text.Append(line).Append('\n');
        return this;
    }

    public override string ToString() => _text.ToString();

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(_text.ToString());
}

/// <summary>A stream that hands out at most a few bytes per read, as a network stream may.</summary>
internal sealed class TrickleStream(byte[] data, int maxChunk) : Stream
{
    private int _position;
    private int _reads;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => data.Length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Vary the chunk (1..maxChunk) so cuts fall everywhere: inside names, values, escapes, "\r\n".
        var size = Math.Min(Math.Min(buffer.Length, (_reads++ % maxChunk) + 1), data.Length - _position);
        data.AsSpan(_position, size).CopyTo(buffer);
        _position += size;
        return size;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
