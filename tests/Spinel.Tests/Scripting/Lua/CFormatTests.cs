using System.Text;
using Spinel.Scripting.Lua;

namespace Spinel.Tests.Scripting.Lua;

/// <summary>Expected texts are what glibc's printf("%.Ng") prints (exact decimal rounding, ties to even).</summary>
public sealed class CFormatTests
{
    [Theory]
    [InlineData(0.125, 2, "0.12")]
    [InlineData(0.375, 2, "0.38")]
    [InlineData(2.5, 1, "2")]
    [InlineData(3.5, 1, "4")]
    [InlineData(123456789012345.0, 14, "1.2345678901234e+14")]
    [InlineData(5e-324, 14, "4.9406564584125e-324")]
    [InlineData(1e-310, 5, "1e-310")]
    [InlineData(0.1, 14, "0.1")]
    [InlineData(0.1, 15, "0.1")]
    [InlineData(0.3333333333333333, 15, "0.333333333333333")]
    [InlineData(0.3333333333333333, 14, "0.33333333333333")]
    [InlineData(0.6666666666666666, 3, "0.667")]
    [InlineData(1000000000000000.0, 14, "1e+15")]
    [InlineData(100000000000000.0, 14, "1e+14")]
    [InlineData(99999999999999.5, 14, "1e+14")]
    [InlineData(1e-05, 14, "1e-05")]
    [InlineData(1.5e-05, 3, "1.5e-05")]
    [InlineData(0.0001, 14, "0.0001")]
    [InlineData(0.00012345, 2, "0.00012")]
    [InlineData(123456.789, 14, "123456.789")]
    [InlineData(123456.789, 4, "1.235e+05")]
    [InlineData(9.5, 1, "1e+01")]
    [InlineData(-1.5, 14, "-1.5")]
    [InlineData(1e+300, 14, "1e+300")]
    [InlineData(1.7976931348623157e+308, 14, "1.7976931348623e+308")]
    [InlineData(9223372036854775808.0, 14, "9.2233720368548e+18")]
    [InlineData(1e+22, 14, "1e+22")]
    [InlineData(999999.5, 6, "1e+06")]
    [InlineData(0.5, 1, "0.5")]
    [InlineData(100.0, 1, "1e+02")]
    [InlineData(1234567.0, 3, "1.23e+06")]
    [InlineData(-0.0, 14, "-0")]
    [InlineData(10000000000000.5, 14, "10000000000000")]
    [InlineData(10000000000001.5, 14, "10000000000002")]
    [InlineData(1e-320, 14, "9.9998886718268e-321")]
    [InlineData(99999999999999.0, 14, "99999999999999")]
    [InlineData(123456789012345678.0, 14, "1.2345678901235e+17")]
    [InlineData(-1.5e-7, 14, "-1.5e-07")]
    [InlineData(0.1, 17, "0.10000000000000001")]
    [InlineData(0.15, 1, "0.1")]
    [InlineData(0.25, 1, "0.2")]
    [InlineData(12.0, 1, "1e+01")]
    [InlineData(double.PositiveInfinity, 14, "inf")]
    [InlineData(double.NegativeInfinity, 14, "-inf")]
    public void FormatG_prints_what_printf_prints(double value, int precision, string expected) =>
        Assert.Equal(expected, Format(value, precision));

    [Fact]
    public void FormatG_keeps_the_sign_of_nan_as_glibc_does()
    {
        Assert.Equal("-nan", Format(BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8000000000000)), 14));
        Assert.Equal("nan", Format(BitConverter.Int64BitsToDouble(0x7FF8000000000000), 14));
    }

    private static string Format(double value, int precision)
    {
        var buffer = new byte[CFormat.GeneralMaxLength];
        int length = CFormat.FormatG(value, precision, buffer);
        return Encoding.ASCII.GetString(buffer, 0, length);
    }
}
