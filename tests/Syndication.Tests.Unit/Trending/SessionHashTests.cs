using System.Globalization;
using System.Runtime.Intrinsics;
using System.Text;
using Syndication.Core.Trending;

namespace Syndication.Tests.Trending;

/// <summary>
/// The session hash reads 16 hex digits with one vector where the processor has one, and with a
/// table loop elsewhere: both are called here directly, on any machine, and must agree.
/// </summary>
public sealed class SessionHashTests
{
    [Theory]
    [InlineData("0000000000000000")]
    [InlineData("00000000000000aa")]
    [InlineData("0123456789abcdef")]
    [InlineData("FEDCBA9876543210")]
    [InlineData("ffffffffffffffff")]
    [InlineData("9e3779b97f4a7c15")]
    public void Sixteen_hex_digits_are_the_number_they_spell_in_either_case(string session)
    {
        var expected = ulong.Parse(session, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var bytes = Encoding.ASCII.GetBytes(session);

        Assert.Equal(expected, SessionHash.Of(bytes));
        Assert.Equal(expected, SessionHash.Of(Encoding.ASCII.GetBytes(session.ToUpperInvariant())));
        Assert.True(SessionHash.TryHexVector(bytes, out var vector));
        Assert.True(SessionHash.TryHexScalar(bytes, out var scalar));
        Assert.Equal(expected, vector);
        Assert.Equal(expected, scalar);
    }

    [Fact]
    public void The_run_with_hardware_intrinsics_off_takes_the_scalar_paths()
    {
        // CI runs the trending tests a second time with DOTNET_EnableHWIntrinsic=0 so that the
        // scalar twins (no vectors, no prefetch) are tested on x64 too: this fails if that setting
        // does not reach the test process. Every 64-bit processor .NET runs on has 128-bit vectors otherwise.
        var intrinsicsOff = Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0";

        Assert.Equal(!intrinsicsOff, Vector128.IsHardwareAccelerated);
    }

    [Fact]
    public void The_vector_and_the_scalar_reading_agree_on_every_byte_in_every_place()
    {
        var session = Encoding.ASCII.GetBytes("0123456789abcdef");
        for (var place = 0; place < 16; place++)
        {
            for (var b = 0; b < 256; b++)
            {
                var bytes = (byte[])session.Clone();
                bytes[place] = (byte)b;

                var vectorRead = SessionHash.TryHexVector(bytes, out var vector);
                var scalarRead = SessionHash.TryHexScalar(bytes, out var scalar);

                var isHex = char.IsAsciiHexDigit((char)b);
                Assert.Equal(isHex, vectorRead);
                Assert.Equal(isHex, scalarRead);
                if (isHex)
                {
                    Assert.Equal(scalar, vector);
                }
            }
        }
    }

    [Fact]
    public void The_vector_and_the_scalar_reading_agree_on_random_sessions()
    {
        var random = new Random(19);
        var bytes = new byte[16];
        for (var i = 0; i < 10_000; i++)
        {
            var value = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
            var text = value.ToString(i % 2 == 0 ? "x16" : "X16", CultureInfo.InvariantCulture);
            Encoding.ASCII.GetBytes(text, bytes);

            Assert.True(SessionHash.TryHexVector(bytes, out var vector));
            Assert.True(SessionHash.TryHexScalar(bytes, out var scalar));
            Assert.Equal(value, vector);
            Assert.Equal(value, scalar);
        }
    }

    [Theory]
    [InlineData("not-hex-session")]
    [InlineData("0123456789abcdeg")] // 16 bytes, one not a digit
    [InlineData("0123456789abcdef0")] // 17 digits
    [InlineData("abc")]
    [InlineData("")]
    public void Any_other_session_is_hashed_the_same_way_each_time_and_not_read_as_hex(string session)
    {
        var bytes = Encoding.UTF8.GetBytes(session);

        Assert.Equal(SessionHash.Of(bytes), SessionHash.Of(Encoding.UTF8.GetBytes(session)));
        Assert.NotEqual(SessionHash.Of(bytes), SessionHash.Of(Encoding.UTF8.GetBytes(session + "x")));
    }
}
