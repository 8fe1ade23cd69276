using System.Text;
using Spinel.Scripting.Lua;

namespace Spinel.Tests.Scripting.Lua;

public sealed class StrtodParserTests
{
    [Theory]
    [InlineData("12", 2, 12.0)]
    [InlineData("-0.5x", 4, -0.5)]
    [InlineData("+5", 2, 5.0)]
    [InlineData("1.", 2, 1.0)]
    [InlineData("1.e2", 4, 100.0)]
    [InlineData(".25", 3, 0.25)]
    [InlineData("1e", 1, 1.0)]
    [InlineData("1e+", 1, 1.0)]
    [InlineData("2E-2,", 4, 0.02)]
    [InlineData("0x10", 4, 16.0)]
    [InlineData("0X1.8p1", 7, 3.0)]
    [InlineData("0x.8", 4, 0.5)]
    [InlineData("0x", 1, 0.0)]
    [InlineData("0xg", 1, 0.0)]
    [InlineData("1e400", 5, double.PositiveInfinity)]
    [InlineData("-inf", 4, double.NegativeInfinity)]
    [InlineData("INFINITY]", 8, double.PositiveInfinity)]
    [InlineData("infinit", 3, double.PositiveInfinity)]
    [InlineData("0.1", 3, 0.1)]
    [InlineData("123456789012345678901234567890", 30, 1.2345678901234568e29)]
    [InlineData("0x1.000000000000081p0", 21, 1.0000000000000002)]
    [InlineData("0x1.00000000000008p0", 20, 1.0)]
    [InlineData("0x20000000000003", 16, 9007199254740996.0)]
    [InlineData("1\u00002", 1, 1.0)]
    public void Parse_reads_the_longest_number_prefix(string text, int end, double expected)
    {
        Assert.Equal(end, StrtodParser.Parse(Encoding.ASCII.GetBytes(text), 0, out double value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("nan", 3)]
    [InlineData("NaN(123)x", 8)]
    [InlineData("nan(12", 3)]
    public void Parse_reads_nan_with_an_optional_payload(string text, int end)
    {
        Assert.Equal(end, StrtodParser.Parse(Encoding.ASCII.GetBytes(text), 0, out double value));
        Assert.True(double.IsNaN(value));
        Assert.False(double.IsNegative(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("+.")]
    [InlineData("x1")]
    [InlineData("in")]
    public void Parse_returns_the_start_when_there_is_no_number(string text) =>
        Assert.Equal(0, StrtodParser.Parse(Encoding.ASCII.GetBytes(text), 0, out _));
}
