using System.Text;
using Spinel.Protocol;

namespace Spinel.Tests.Protocol;

public sealed class RespWriterTests
{
    private static string Written(int protocol, Action<RespWriter> write)
    {
        using var w = new RespWriter { Protocol = protocol };
        write(w);
        return Encoding.Latin1.GetString(w.WrittenSpan);
    }

    [Theory]
    [InlineData(2, "$-1\r\n")]
    [InlineData(3, "_\r\n")]
    public void Null_depends_on_protocol(int protocol, string expected) => Assert.Equal(expected, Written(protocol, w => w.WriteNull()));

    [Theory]
    [InlineData(2, "*-1\r\n")]
    [InlineData(3, "_\r\n")]
    public void Null_array_depends_on_protocol(int protocol, string expected) => Assert.Equal(expected, Written(protocol, w => w.WriteNullArray()));

    [Theory]
    [InlineData(2, "*4\r\n")]
    [InlineData(3, "%2\r\n")]
    public void Map_is_a_flat_array_in_resp2(int protocol, string expected) => Assert.Equal(expected, Written(protocol, w => w.WriteMapHeader(2)));

    [Theory]
    [InlineData(2, "*3\r\n")]
    [InlineData(3, "~3\r\n")]
    public void Set_header(int protocol, string expected) => Assert.Equal(expected, Written(protocol, w => w.WriteSetHeader(3)));

    [Theory]
    [InlineData(2, "$3\r\n1.5\r\n")]
    [InlineData(3, ",1.5\r\n")]
    public void Double_is_a_bulk_string_in_resp2(int protocol, string expected) => Assert.Equal(expected, Written(protocol, w => w.WriteDouble(1.5)));

    [Theory]
    [InlineData(2, ":1\r\n")]
    [InlineData(3, "#t\r\n")]
    public void Boolean_is_an_integer_in_resp2(int protocol, string expected) => Assert.Equal(expected, Written(protocol, w => w.WriteBoolean(true)));

    [Theory]
    [InlineData(2, "$2\r\nhi\r\n")]
    [InlineData(3, "=6\r\ntxt:hi\r\n")]
    public void Verbatim_text(int protocol, string expected) => Assert.Equal(expected, Written(protocol, w => w.WriteVerbatim("hi")));

    [Theory]
    [InlineData(2, "*2\r\n")]
    [InlineData(3, ">2\r\n")]
    public void Push_header(int protocol, string expected) => Assert.Equal(expected, Written(protocol, w => w.WritePushHeader(2)));

    [Fact]
    public void Integers_and_bulk_strings_are_exact()
    {
        Assert.Equal(":0\r\n:1\r\n:-9223372036854775808\r\n", Written(2, w =>
        {
            w.WriteInteger(0);
            w.WriteInteger(1);
            w.WriteInteger(long.MinValue);
        }));
        Assert.Equal("$0\r\n\r\n$3\r\na\0b\r\n", Written(2, w =>
        {
            w.WriteBulk(""u8);
            w.WriteBulk("a\0b"u8);
        }));
    }

    [Fact]
    public void Error_text_newlines_become_spaces()
    {
        Assert.Equal("-ERR a  b c\r\n", Written(2, w => w.WriteError("ERR a\r\nb\nc")));
    }

    [Fact]
    public void Large_replies_grow_the_buffer_and_keep_earlier_bytes()
    {
        var big = new byte[1_000_000];
        big.AsSpan().Fill((byte)'x');
        using var w = new RespWriter();
        w.WriteOk();
        w.WriteBulk(big);
        Assert.Equal(5 + 10 + 1_000_000 + 2, w.Length);
        Assert.True(w.WrittenSpan.StartsWith("+OK\r\n$1000000\r\n"u8));
        Assert.True(w.WrittenSpan.EndsWith("x\r\n"u8));
    }
}
