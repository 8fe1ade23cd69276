using System.Text;
using Spinel.Scripting.Lua;
using Spinel.Scripting.Lua.Libraries;

namespace Spinel.Tests.Scripting.Lua;

public sealed class LuaStringFormatTests
{
    private static LuaFormatSpec Spec(string item)
    {
        int i = 0;
        return LuaFormatSpec.Parse(Encoding.Latin1.GetBytes(item), ref i);
    }

    private delegate void Writer(ref LuaByteBuffer output);

    private static string Run(Writer write)
    {
        var output = new LuaByteBuffer(stackalloc byte[8]);
        try
        {
            write(ref output);
            return Encoding.Latin1.GetString(output.Written);
        }
        finally
        {
            output.Dispose();
        }
    }

    [Theory]
    [InlineData("f", 0.1, "0.100000")]
    [InlineData(".20f", 0.1, "0.10000000000000000555")]
    [InlineData(".0f", 2.5, "2")]
    [InlineData(".0f", 3.5, "4")]
    [InlineData(".2f", 0.125, "0.12")]
    [InlineData("g", 1e20, "1e+20")]
    [InlineData("g", 100000, "100000")]
    [InlineData("g", 1e-5, "1e-05")]
    [InlineData(".3e", -0.0, "-0.000e+00")]
    [InlineData("5.1f", double.NegativeInfinity, " -inf")]
    [InlineData("d", 3.7, "3")]
    [InlineData("d", -3.7, "-3")]
    [InlineData("d", 1e300, "-9223372036854775808")]
    [InlineData("x", -1, "ffffffffffffffff")]
    [InlineData("x", 1e30, "0")]
    [InlineData("#o", 8, "010")]
    [InlineData("5c", 0, "    ")]
    [InlineData("-5c", 0, "")]
    public void Numbers_print_as_glibc_prints_them(string item, double value, string expected)
    {
        var spec = Spec(item);
        Assert.Equal(expected, Run((ref LuaByteBuffer o) => LuaStringFormat.AppendNumber(ref o, spec, value)));
    }

    [Fact]
    public void A_double_has_its_exact_decimal_expansion()
    {
        Span<byte> digits = stackalloc byte[LuaExactDecimal.MaxDigits];
        int n = LuaExactDecimal.Digits(double.Epsilon, digits, out int exponent);
        Assert.Equal(-324, exponent);
        Assert.Equal(751, n);
        Assert.StartsWith("4940656458412465441765687928682213723650598026143247644255856825006755072702087518652998363616359923797965646954457177309266567103559397963987747960107818781263007131903114045278458171678489821036887186360569987307230500063874091535649843873124733972731696151400317153853980741262385655911710266585566867681870395603106249319452715914924553293054565444011274801297099995419319894090804165633245247571478690147267801593552386115501348035264934720193790268107107491703332226844753335720832431936092382893458368060106011506169809753078342277318329247904982524730776375927247874656084778203734469699533647017972677717585125660551199131504891101451037862738167250955837389733598993664809941164205702637090279242767544565229087538682506419718265533447265625", Encoding.ASCII.GetString(digits[..n]));
        Assert.Equal(0, LuaExactDecimal.Digits(0.0, digits, out _));
    }

    [Fact]
    public void Strings_stop_at_a_zero_byte_unless_long_and_unbounded()
    {
        var shortText = "a\0b"u8.ToArray();
        Assert.Equal("    a", Run((ref LuaByteBuffer o) => LuaStringFormat.AppendString(ref o, Spec("5s"), shortText, false)));
        var longText = Encoding.Latin1.GetBytes(new string('x', 50) + "\0" + new string('y', 60));
        Assert.Equal(111, Run((ref LuaByteBuffer o) => LuaStringFormat.AppendString(ref o, Spec("5s"), longText, false)).Length);
        Assert.Equal("xxx", Run((ref LuaByteBuffer o) => LuaStringFormat.AppendString(ref o, Spec(".3s"), longText, true)));
    }

    [Fact]
    public void Quoted_strings_escape_quotes_backslashes_newlines_returns_and_zeros()
    {
        var text = "a\"b\\c\nd\re\0f\u0001"u8.ToArray();
        Assert.Equal("\"a\\\"b\\\\c\\\nd\\re\\000f\u0001\"", Run((ref LuaByteBuffer o) => LuaStringFormat.AppendQuoted(ref o, text)));
    }

    [Theory]
    [InlineData("------5d", "invalid format (repeated flags)")]
    [InlineData("100d", "invalid format (width or precision too long)")]
    [InlineData("1.100d", "invalid format (width or precision too long)")]
    public void Items_beyond_5_1_limits_are_rejected(string item, string message) =>
        Assert.Equal(message, Assert.Throws<LuaStringException>(() => Spec(item)).Message);

    [Fact]
    public void The_byte_buffer_grows_past_its_initial_span()
    {
        string result = Run((ref LuaByteBuffer o) =>
        {
            for (int i = 0; i < 1000; i++) o.Append((byte)('a' + i % 26));
        });
        Assert.Equal(1000, result.Length);
        Assert.Equal("abc", result[..3]);
    }
}
