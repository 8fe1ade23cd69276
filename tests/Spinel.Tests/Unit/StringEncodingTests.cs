using Spinel.Storage;

namespace Spinel.Tests.Unit;

public sealed class StringEncodingTests
{
    [Theory]
    [InlineData("0", "int")]
    [InlineData("123", "int")]
    [InlineData("-1", "int")]
    [InlineData("9223372036854775807", "int")]
    [InlineData("-9223372036854775808", "int")]
    [InlineData("9223372036854775808", "embstr")]
    [InlineData("-9223372036854775809", "embstr")]
    [InlineData("-0", "embstr")]
    [InlineData("0123", "embstr")]
    [InlineData("+1", "embstr")]
    [InlineData(" 1", "embstr")]
    [InlineData("1 ", "embstr")]
    [InlineData("1.5", "embstr")]
    [InlineData("", "embstr")]
    [InlineData("abc", "embstr")]
    [InlineData("12345678901234567890123456789012345678901234", "embstr")]
    [InlineData("123456789012345678901234567890123456789012345", "raw")]
    public void Byte_array_strings_report_what_Redis_would_choose(string text, string expected)
    {
        Assert.Equal(expected, StringEncoding.Of(System.Text.Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public void Embstr_stops_at_44_bytes()
    {
        Assert.Equal("embstr", StringEncoding.Of(new byte[44]));
        Assert.Equal("raw", StringEncoding.Of(new byte[45]));
    }

    [Fact]
    public void A_string_buffer_is_raw_even_when_short_or_numeric()
    {
        Assert.Equal("raw", StringEncoding.Of(new StringBuffer("12"u8, 16)));
        Assert.Equal("raw", StringEncoding.Of(new StringBuffer([], 0)));
    }
}
