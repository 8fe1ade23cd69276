using System.Text;
using Spinel.Util;

namespace Spinel.Tests.Util;

// Expected values were taken from redis-server 7.0.15 (INCRBYFLOAT / HINCRBYFLOAT on x86-64) and from
// glibc strtold/printf("%.17Lf") for the raw bit patterns.
public class LongDoubleTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private static LongDouble Parse(string s)
    {
        Assert.True(LongDouble.TryParse(B(s), out LongDouble v), $"'{s}' should parse");
        return v;
    }

    private static string Fmt(LongDouble v)
    {
        byte[] buf = new byte[LongDouble.MaxFormattedChars];
        int n = v.Format(buf);
        return Encoding.ASCII.GetString(buf, 0, n);
    }

    private static string General(LongDouble v)
    {
        Span<byte> buf = stackalloc byte[LongDouble.MaxGeneralChars];
        int n = v.FormatGeneral(buf);
        return Encoding.ASCII.GetString(buf[..n]);
    }

    private static string Bits(LongDouble v) => $"{v.SignAndExponent:x4}{v.Mantissa:x16}";

    /// <summary>INCRBYFLOAT emulation: stored text -> long double, add, error on inf/nan, human text.</summary>
    private static string? IncrByFloat(string current, string increment)
    {
        LongDouble cur = RedisNumbers.TryParseInt64(B(current), out long asInt)
            ? LongDouble.FromInt64(asInt)
            : Parse(current);
        LongDouble sum = cur + Parse(increment);
        return sum.IsFinite ? Fmt(sum) : null;
    }

    [Theory]
    [InlineData("10.5", "0.1", "10.6")]
    [InlineData("0", "1e20", "100000000000000000000")]
    [InlineData("0", "5.0e3", "5000")]
    [InlineData("0", "-0", "0")]
    [InlineData("-0", "0", "0")]
    [InlineData("0", "1e-20", "0")]
    [InlineData("0", "-1e-20", "0")]
    [InlineData("3.0", "1.1", "4.1")]
    [InlineData("0", "0.1", "0.1")]
    [InlineData("0.1", "0.2", "0.3")]
    [InlineData("1", "0x10", "17")]
    [InlineData("1", "0x1p-3", "1.125")]
    [InlineData("1.0", "1", "2")]
    [InlineData("1", "+1", "2")]
    [InlineData("5", "-5", "0")]
    [InlineData("-5", "0", "-5")]
    [InlineData("007", "1", "8")]
    [InlineData("1", "007", "8")]
    [InlineData("0", "0.00000000000000001", "0.00000000000000001")]
    [InlineData("0", "0.000000000000000005", "0")]
    [InlineData("0", "0.000000000000000015", "0.00000000000000002")]
    [InlineData("0", "0.000000000000000025", "0.00000000000000002")]
    [InlineData("0", "123456789012345678901234567890", "123456789012345678899921813504")]
    [InlineData("0", "3.14159265358979323846264338", "3.14159265358979324")]
    [InlineData("0", "-123.456", "-123.456")]
    [InlineData("0", "1e-4940", "0")]
    [InlineData("0", "1e-4950", "0")]
    [InlineData("0", "0.99999999999999999999", "1")]
    [InlineData("0", "0.999999999999999994", "0.99999999999999999")]
    [InlineData("0", "123.456e-10", "0.0000000123456")]
    [InlineData("0", "1.5e-7", "0.00000015")]
    [InlineData("9223372036854775807", "1", "9223372036854775808")]
    [InlineData("-9223372036854775808", "-0.5", "-9223372036854775808")]
    [InlineData("3.0", "0", "3")]
    [InlineData("1.10", "0", "1.1")]
    [InlineData("0.1", "0.00000000000000001", "0.10000000000000001")]
    [InlineData("12345678.9", "0.01", "12345678.90999999999985448")]
    [InlineData("12345678.90999999999985448", "1e10", "10012345678.91000000014901161")]
    [InlineData("5", "0.1", "5.1")]
    [InlineData("5.1", "-5.1", "0")]
    public void IncrByFloat_MatchesRedis(string current, string increment, string expected)
    {
        Assert.Equal(expected, IncrByFloat(current, increment));
    }

    [Fact]
    public void IncrByFloat_RepeatedTenthsStayHumanFriendly()
    {
        string[] expected = ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"];
        string cur = "0";
        foreach (string e in expected)
        {
            cur = IncrByFloat(cur, "0.1")!;
            Assert.Equal(e, cur);
        }
    }

    [Fact]
    public void IncrByFloat_ChainFromOracle()
    {
        (string Inc, string Result)[] steps =
        [
            ("1e20", "100000000000000000000"),
            ("-1e20", "0"),
            ("0.3333333333333333333", "0.33333333333333333"),
            ("1e-17", "0.33333333333333334"),
            ("-1.3333333333333333", "-0.99999999999999996"),
            ("5.0e3", "4999"),
            ("-5000.000000000000000001", "-1"),
            ("2.5", "1.5"),
            ("0x1p-60", "1.5"),
        ];
        string cur = "1";
        foreach ((string inc, string result) in steps)
        {
            cur = IncrByFloat(cur, inc)!;
            Assert.Equal(result, cur);
        }

        cur = IncrByFloat(cur, "1.7976931348623157e308")!;
        Assert.StartsWith("17976931348623156999592104677410443404838644694432917848531442076517662852312439", cur);
        Assert.Equal("0", IncrByFloat(cur, "-1.7976931348623157e308"));
    }

    [Fact]
    public void HIncrByFloat_LosesSmallAddendAtExtendedPrecision()
    {
        // HSET h f 1.5; HINCRBYFLOAT h f 1e20; HINCRBYFLOAT h f -1e20
        string v = IncrByFloat("1.5", "1e20")!;
        Assert.Equal("100000000000000000000", v);
        Assert.Equal("0", IncrByFloat(v, "-1e20"));
    }

    [Theory]
    [InlineData("0", "inf")]
    [InlineData("0", "-inf")]
    [InlineData("1e4932", "1e4932")]
    [InlineData("1.18e4932", "1.18e4932")]
    public void IncrByFloat_ReportsNaNOrInfinity(string current, string increment)
    {
        Assert.Null(IncrByFloat(current, increment)); // "ERR increment would produce NaN or Infinity"
    }

    [Fact]
    public void Add_InfinityMinusInfinityIsNaN()
    {
        LongDouble r = LongDouble.PositiveInfinity + LongDouble.NegativeInfinity;
        Assert.True(r.IsNaN);
        Assert.False(r.IsFinite);
    }

    [Fact]
    public void Add_SignedZeros()
    {
        Assert.True((LongDouble.NegativeZero + LongDouble.NegativeZero).IsNegative);
        Assert.False((LongDouble.NegativeZero + LongDouble.Zero).IsNegative);
        Assert.False((Parse("5") + Parse("-5")).IsNegative);
    }

    [Theory]
    [InlineData("1e5000")] // overflow (ERANGE, HUGE_VALL)
    [InlineData("-1e5000")]
    [InlineData("1.19e4932")]
    [InlineData("1e-5000")] // underflow to zero
    [InlineData("1e-4952")]
    [InlineData("nan")]
    [InlineData("NAN")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1e")]
    [InlineData("0x")]
    [InlineData("0x1p")]
    [InlineData(".")]
    [InlineData("infinit")]
    [InlineData("1\0abc")]
    [InlineData("1e99999999999999999999")]
    public void TryParse_RejectsWhatString2ldRejects(string s)
    {
        Assert.False(LongDouble.TryParse(B(s), out _));
    }

    [Theory]
    [InlineData("10.5", "4002a800000000000000")]
    [InlineData("0.1", "3ffbcccccccccccccccd")]
    [InlineData("1", "3fff8000000000000000")]
    [InlineData("-2", "c0008000000000000000")]
    [InlineData("-0", "80000000000000000000")]
    [InlineData("0e99999", "00000000000000000000")]
    [InlineData("1e-4950", "00000000000000000003")] // subnormal: 3 units of 2^-16445
    [InlineData("0x1p-16445", "00000000000000000001")] // smallest subnormal
    [InlineData("1.18e4932", "7ffefde7f18a68067525")]
    [InlineData("-0x1.fffffffffffffffep16383", "fffeffffffffffffffff")]
    [InlineData("inf", "7fff8000000000000000")]
    [InlineData("-Infinity", "ffff8000000000000000")]
    [InlineData("0x1.fffffffffffffffffp0", "40008000000000000000")] // rounds up across the binade
    public void TryParse_ProducesExactX87Bits(string s, string bits)
    {
        Assert.Equal(bits.Replace(" ", string.Empty), Bits(Parse(s)));
    }

    [Fact]
    public void TryParse_EnforcesMaxLongDoubleChars()
    {
        string ok = new string('0', 5116) + "1.5"; // 5119 chars: accepted
        string tooLong = new string('0', 5117) + "1.5"; // 5120 chars: rejected
        Assert.Equal("1.5", Fmt(Parse(ok)));
        Assert.False(LongDouble.TryParse(B(tooLong), out _));
    }

    [Fact]
    public void Format_HugeValuesPrintAllIntegerDigits()
    {
        string s = Fmt(Parse("1.5e300"));
        Assert.Equal("1500000000000000000049800109861472166362379239118673928551219718248973529929812708792854310575830930686530644566050229406926646739311017606984258288377434143937602778196710661234655944195770838513268846826150205418632995547271874827072936230594920013241190363994471886080567336615911694509046614720512", s);

        string e4000 = Fmt(Parse("1e4000"));
        Assert.Equal(4000, e4000.Length);
        Assert.StartsWith("9999999999999999999965463873099623784932", e4000);
        Assert.EndsWith("1956972190272729951206648276349901340672", e4000);

        Assert.Equal("-9999999999999999999669353532207342619498699019828496079271391541752018669482644324418977840117055488", Fmt(Parse("-1e100")));
    }

    [Fact]
    public void Format_LargestFiniteFitsMaxFormattedChars()
    {
        string max = Fmt(Parse("1.18e4932"));
        Assert.Equal(4933, max.Length);
        Assert.StartsWith("1180000000000000000000652812918093699202", max);
        Assert.EndsWith("5351070887222606896512585853888628785152", max);

        LongDouble largest = Parse("-0x1.fffffffffffffffep16383");
        Assert.True(largest.IsFinite);
        Assert.Equal(4934, Fmt(largest).Length);
        Assert.True(Fmt(largest).Length <= LongDouble.MaxFormattedChars);
    }

    [Fact]
    public void Format_InfinityIsSpelledLikeRedis()
    {
        Assert.Equal("inf", Fmt(LongDouble.PositiveInfinity));
        Assert.Equal("-inf", Fmt(LongDouble.NegativeInfinity));
    }

    [Theory]
    [InlineData("0.1", "0.1")] // 17 digits of the 64-bit mantissa value of 0.1
    [InlineData("10.6", "10.6")]
    [InlineData("1e20", "1e+20")]
    [InlineData("1e-5", "1e-05")]
    [InlineData("1e-4940", "9.9999999999605325e-4941")]
    [InlineData("-1e4000", "-1e+4000")]
    [InlineData("123456789012345678", "1.2345678901234568e+17")]
    [InlineData("0.0001", "0.0001")]
    [InlineData("-0", "-0")]
    [InlineData("1e17", "1e+17")]
    [InlineData("99999999999999999.5", "1e+17")]
    public void FormatGeneral_MatchesPercent17Lg(string s, string expected)
    {
        Assert.Equal(expected, General(Parse(s)));
    }

    [Fact]
    public void FromInt64_IsExact()
    {
        Assert.Equal("9223372036854775807", Fmt(LongDouble.FromInt64(long.MaxValue)));
        Assert.Equal("-9223372036854775808", Fmt(LongDouble.FromInt64(long.MinValue)));
        Assert.True(LongDouble.FromInt64(0).IsZero);
    }

    [Fact]
    public void FromDouble_AndToDouble_RoundTrip()
    {
        foreach (double d in new[] { 0.1, -1.5, 1e308, 5e-324, 2.2250738585072014e-308, 123456.789 })
        {
            Assert.Equal(d, LongDouble.FromDouble(d).ToDouble());
        }

        Assert.Equal(0.1, Parse("0.1").ToDouble());
        Assert.Equal(double.PositiveInfinity, Parse("1e400").ToDouble());
        Assert.Equal(0.0, Parse("1e-400").ToDouble());
    }
}
