using System.Buffers;
using System.Text;
using Spinel.Util;

namespace Spinel.Tests.Util;

// Expected values were taken from redis-server 7.0.15 (INCR / OBJECT ENCODING, XADD IDs, ZADD + ZSCORE).
public class RedisNumbersTests
{
    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    private static string FormatDouble(double d)
    {
        Span<byte> buf = stackalloc byte[RedisNumbers.MaxDoubleChars];
        int n = RedisNumbers.FormatDouble(d, buf);
        return Encoding.ASCII.GetString(buf[..n]);
    }

    private static string FormatDoubleHuman(double d)
    {
        Span<byte> buf = stackalloc byte[RedisNumbers.MaxDoubleHumanChars];
        int n = RedisNumbers.FormatDoubleHuman(d, buf);
        return Encoding.ASCII.GetString(buf[..n]);
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1", 1L)]
    [InlineData("-1", -1L)]
    [InlineData("10", 10L)]
    [InlineData("-10", -10L)]
    [InlineData("123456789", 123456789L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    [InlineData("9223372036854775806", long.MaxValue - 1)]
    [InlineData("-9223372036854775807", long.MinValue + 1)]
    [InlineData("1000000000000000000", 1000000000000000000L)]
    [InlineData("900", 900L)]
    public void TryParseInt64_AcceptsCanonicalIntegers(string s, long expected)
    {
        Assert.True(RedisNumbers.TryParseInt64(B(s), out long v));
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("-0")] // OBJECT ENCODING embstr, INCR errors
    [InlineData("007")]
    [InlineData("00")]
    [InlineData("-09")]
    [InlineData("01")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("\t1")]
    [InlineData("1a")]
    [InlineData("0x10")]
    [InlineData("1.0")]
    [InlineData("1e3")]
    [InlineData("--1")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("12345678901234567890")]
    [InlineData("18446744073709551615")]
    [InlineData("18446744073709551616")]
    [InlineData("99999999999999999999")]
    [InlineData("100000000000000000000")]
    [InlineData("١")] // Arabic-Indic digit one (UTF-8)
    [InlineData("1\0")]
    public void TryParseInt64_RejectsWhatRedisDoesNotIntEncode(string s)
    {
        Assert.False(RedisNumbers.TryParseInt64(Encoding.UTF8.GetBytes(s), out _));
    }

    [Theory]
    [InlineData("5", 5UL)]
    [InlineData("+5", 5UL)] // strtoull fallback
    [InlineData(" 5", 5UL)]
    [InlineData("\t7", 7UL)]
    [InlineData("007", 7UL)]
    [InlineData("0", 0UL)]
    [InlineData("00", 0UL)]
    [InlineData("-0", 0UL)]
    [InlineData("-01", 18446744073709551615UL)] // XADD s 5--01 gives 5-18446744073709551615
    [InlineData("9223372036854775808", 9223372036854775808UL)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    public void TryParseUInt64_FollowsString2ullIncludingStrtoullFallback(string s, ulong expected)
    {
        Assert.True(RedisNumbers.TryParseUInt64(B(s), out ulong v));
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")] // string2ll succeeds with a negative value: rejected
    [InlineData("18446744073709551616")]
    [InlineData("99999999999999999999999")]
    [InlineData("1a")]
    [InlineData("3 ")]
    [InlineData("+-5")]
    [InlineData("- 3")]
    [InlineData("0x5")]
    [InlineData(" ")]
    [InlineData("+")]
    public void TryParseUInt64_RejectsInvalidStreamIdParts(string s)
    {
        Assert.False(RedisNumbers.TryParseUInt64(B(s), out _));
    }

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(7L, "7")]
    [InlineData(-7L, "-7")]
    [InlineData(10L, "10")]
    [InlineData(999L, "999")]
    [InlineData(-1000L, "-1000")]
    [InlineData(long.MaxValue, "9223372036854775807")]
    [InlineData(long.MinValue, "-9223372036854775808")]
    public void FormatInt64_WritesPlainDecimal(long v, string expected)
    {
        Span<byte> buf = stackalloc byte[RedisNumbers.MaxInt64Chars];
        int n = RedisNumbers.FormatInt64(v, buf);
        Assert.Equal(expected, Encoding.ASCII.GetString(buf[..n]));
        Assert.Equal(expected.Length, RedisNumbers.FormattedLength(v));
        Assert.Equal(expected.TrimStart('-').Length, RedisNumbers.DigitCount(v));
        Assert.True(RedisNumbers.TryParseInt64(buf[..n], out long back));
        Assert.Equal(v, back);
    }

    [Fact]
    public void FormatUInt64_WritesMaxValue()
    {
        Span<byte> buf = stackalloc byte[RedisNumbers.MaxUInt64Chars];
        int n = RedisNumbers.FormatUInt64(ulong.MaxValue, buf);
        Assert.Equal("18446744073709551615", Encoding.ASCII.GetString(buf[..n]));
        Assert.Equal(20, RedisNumbers.DigitCount(ulong.MaxValue));
    }

    [Fact]
    public void FormatInt64_ThrowsWhenDestinationTooSmall()
    {
        byte[] small = new byte[2];
        Assert.Throws<ArgumentException>(() => RedisNumbers.FormatInt64(-10, small));
    }

    [Fact]
    public void WriteInt64_AppendsToBufferWriter()
    {
        var writer = new ArrayBufferWriter<byte>();
        RedisNumbers.WriteInt64(writer, -42);
        RedisNumbers.WriteInt64(writer, 1234567890123);
        Assert.Equal("-421234567890123", Encoding.ASCII.GetString(writer.WrittenSpan));
    }

    // ZADD z <s> m; ZSCORE z m (skiplist encoding so -0 survives).
    [Theory]
    [InlineData("1", "1")]
    [InlineData("1.5", "1.5")]
    [InlineData("+1.5", "1.5")]
    [InlineData("-1.5", "-1.5")]
    [InlineData(".5", "0.5")]
    [InlineData("5.", "5")]
    [InlineData("00012", "12")]
    [InlineData("-0", "-0")]
    [InlineData("1e+5", "100000")]
    [InlineData("1E5", "100000")]
    [InlineData("inf", "inf")]
    [InlineData("+inf", "inf")]
    [InlineData("-inf", "-inf")]
    [InlineData("INF", "inf")]
    [InlineData("infinity", "inf")]
    [InlineData("-Infinity", "-inf")]
    [InlineData("1e308", "1e+308")]
    [InlineData("1e-308", "9.9999999999999991e-309")]
    [InlineData("1e-310", "9.9999999999999694e-311")] // subnormal: accepted despite ERANGE
    [InlineData("1e-320", "9.9998886718268301e-321")]
    [InlineData("4.9e-324", "4.9406564584124654e-324")]
    [InlineData("2.5e-324", "4.9406564584124654e-324")]
    [InlineData("0x10", "16")]
    [InlineData("0x1p3", "8")]
    [InlineData("0X1.8P1", "3")]
    [InlineData("0x1p-1074", "4.9406564584124654e-324")]
    [InlineData("0x1.8p-1075", "4.9406564584124654e-324")]
    [InlineData("0x1p-1022", "2.2250738585072014e-308")]
    [InlineData("1.7976931348623157e308", "1.7976931348623157e+308")]
    [InlineData("1000000000000000.25", "1000000000000000.2")] // exact tie rounds to even
    [InlineData("1000000000000000.75", "1000000000000000.8")]
    public void TryParseDouble_ThenFormatDouble_MatchesZaddZscore(string input, string zscore)
    {
        Assert.True(RedisNumbers.TryParseDouble(B(input), out double d));
        Assert.Equal(zscore, FormatDouble(d));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("infin")]
    [InlineData("inf ")]
    [InlineData("nan")]
    [InlineData("NaN")]
    [InlineData("-nan")]
    [InlineData("1e309")] // overflow
    [InlineData("-1e309")]
    [InlineData("1e-330")] // underflow to zero
    [InlineData("1e-400")]
    [InlineData("-1e-400")]
    [InlineData("2.4e-324")]
    [InlineData("0x1p-1075")] // exact half of the smallest subnormal rounds to zero
    [InlineData("0x1p-1080")]
    [InlineData("0x")]
    [InlineData("0x1p")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("1,5")]
    [InlineData("1_000")]
    [InlineData("1e99999999999999999999")]
    [InlineData("++1")]
    [InlineData("1\0")]
    public void TryParseDouble_RejectsWhatZaddRejects(string s)
    {
        Assert.False(RedisNumbers.TryParseDouble(B(s), out _));
    }

    [Fact]
    public void TryParseDouble_AcceptsZeroWithHugeExponent()
    {
        Assert.True(RedisNumbers.TryParseDouble(B("0e99999"), out double d));
        Assert.Equal(0.0, d);
    }

    [Fact]
    public void TryParseDouble_HandlesLongDigitStrings()
    {
        string s = "0." + new string('0', 300) + "1e300";
        Assert.True(RedisNumbers.TryParseDouble(B(s), out double d));
        Assert.Equal(0.1, d);
    }

    [Fact]
    public void TryParseDouble_RoundsExactTiesBeyond768DigitsToEven()
    {
        // 1 + 2^-53 written out exactly, then padded: a tie that must round down to 1.
        string tie = "1.00000000000000011102230246251565404236316680908203125";
        string padded = tie + new string('0', 800);
        Assert.True(RedisNumbers.TryParseDouble(B(padded), out double d));
        Assert.Equal(1.0, d);
        Assert.True(RedisNumbers.TryParseDouble(B(padded + "1"), out double up));
        Assert.Equal(1.0000000000000002, up);
    }

    [Theory]
    [InlineData(0.1, "0.10000000000000001")]
    [InlineData(1.1, "1.1000000000000001")]
    [InlineData(0.00001, "1.0000000000000001e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.000123, "0.00012300000000000001")]
    [InlineData(2.5e-5, "2.5000000000000001e-05")]
    [InlineData(123456789012345678.0, "1.2345678901234568e+17")]
    [InlineData(1e16, "10000000000000000")]
    [InlineData(1e17, "1e+17")]
    [InlineData(12345678901234567.0, "12345678901234568")]
    [InlineData(1e21, "1e+21")]
    [InlineData(100.0, "100")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(3.0000000000000004, "3.0000000000000004")]
    [InlineData(0.0, "0")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void FormatDouble_MatchesPercent17g(double d, string expected)
    {
        Assert.Equal(expected, FormatDouble(d));
    }

    [Fact]
    public void FormatDouble_KeepsNegativeZeroSign()
    {
        Assert.Equal("-0", FormatDouble(-0.0)); // ZINCRBY z -0.0 m replies "-0"
    }

    [Fact]
    public void FormatDouble_LongestOutputFitsMaxDoubleChars()
    {
        Assert.Equal("-2.2250738585072014e-308", FormatDouble(-2.2250738585072014e-308));
        Assert.Equal(RedisNumbers.MaxDoubleChars, FormatDouble(-2.2250738585072014e-308).Length);
    }

    // Values from "%.17Lf" + trimming (what GEOPOS / addReplyHumanLongDouble print), keyed by double bits.
    [Theory]
    [InlineData("3fb999999999999a", "0.10000000000000001")]
    [InlineData("402ab93ad81b2000", "13.36177707034221385")]
    [InlineData("8000000000000000", "0")]
    [InlineData("0000000000000001", "0")]
    [InlineData("44b52d02c7e14af6", "99999999999999991611392")]
    [InlineData("3c670ef54646d497", "0.00000000000000001")]
    [InlineData("3c570ef54646d497", "0.00000000000000001")]
    [InlineData("3e60000000000000", "0.00000002980232239")]
    [InlineData("4330000000000001", "4503599627370497")]
    [InlineData("3ff8000000000000", "1.5")]
    [InlineData("405edd2f1a9fbe77", "123.45600000000000307")]
    public void FormatDoubleHuman_MatchesHumanLongDoubleText(string bits, string expected)
    {
        double d = BitConverter.UInt64BitsToDouble(Convert.ToUInt64(bits, 16));
        Assert.Equal(expected, FormatDoubleHuman(d));
    }

    [Fact]
    public void FormatDoubleHuman_PrintsEveryDigitOfDoubleMax()
    {
        string s = FormatDoubleHuman(-double.MaxValue);
        Assert.Equal(310, s.Length);
        Assert.StartsWith("-1797693134862315708145274237317043567980705675258449965989174768031572607800285387605895586327668781715404589535143824642343213268894641827684675467035375169860499105765512820762454900903893289440758685084551339423045832369032229481658085593321233482747978262041447231687381771809192998812504040261841248583", s);
    }
}
