using Spinel.Scripting.Lua;
using static Spinel.Tests.Scripting.Lua.CodecTestState;

namespace Spinel.Tests.Scripting.Lua;

/// <summary>struct through its host functions; expected bytes and texts are redis-server 7.0.15's.</summary>
public sealed class StructLibraryTests
{
    private readonly CodecTestState _state = new();

    private string Pack(string format, params LuaValue[] values) => Hex(_state.Call1("struct", "pack", [S(format), .. values]));

    private LuaValue[] Unpack(string format, LuaValue data, params LuaValue[] rest) => _state.Call("struct", "unpack", [S(format), data, .. rest]);

    [Fact]
    public void Pack_writes_every_integer_size_in_both_byte_orders()
    {
        LuaValue[] values = [-1, 255, -2, 65535, -3, 4, 5, -6, 7, -8, 9];
        Assert.Equal("fffffffefffffffffffffffffffd00000000000000040000000000000005fffffffa00000007fffff80000000009", Pack(">bBhHlLTiIi3I5", values));
        Assert.Equal("fffffefffffffdffffffffffffff04000000000000000500000000000000faffffff07000000f8ffff0900000000", Pack("<bBhHlLTiIi3I5", values));
    }

    [Fact]
    public void Pack_aligns_with_the_bang_option()
    {
        Assert.Equal("0100000000000000000000000000f83f", Pack("!bd", 1, 1.5));
        Assert.Equal("01000000000000000000f83f", Pack("!4bd", 1, 1.5));
        Assert.Equal("01000200000003000400", Pack("!2bibh", 1, 2, 3, 4));
    }

    [Fact]
    public void Pack_writes_floats_strings_and_padding()
    {
        Assert.Equal("3fc000003fb999999999999a", Pack(">fd", 1.5, 0.1));
        Assert.Equal("61620078797a68656c6c6f00", Pack("s c3 c0 x", S("ab"), S("xyzw"), S("hello")));
        Assert.Equal("01", Pack("b\0b", 1, 2));
        Assert.Equal("", Pack("i0", 1));
        Assert.Equal("35", Pack("c", 5));
    }

    [Fact]
    public void Pack_casts_numbers_as_x86_64_c_does()
    {
        Assert.Equal("feffffffffffffff0000000000000000", Pack("i16", -2));
        Assert.Equal("0000000000000000fffffffffffffffe", Pack(">i16", -2));
        Assert.Equal("000000000000000000", Pack("i9", 18446744073709551616.0));
        Assert.Equal("0000000000000080", Pack("l", 9223372036854775808.0));
        Assert.Equal("0000000000000080", Pack("l", -18446744073709551616.0));
        Assert.Equal("0000000000000000", Pack("l", 1e30));
        Assert.Equal("0000000000000080", Pack("l", double.NaN));
        Assert.Equal("0000000000000000", Pack("l", double.PositiveInfinity));
        Assert.Equal("0000000000000080", Pack("l", double.NegativeInfinity));
        Assert.Equal("00000000000000c0", Pack("L", 13835058055282163712.0));
        Assert.Equal("00", Pack("B", 256.7));
        Assert.Equal("ff", Pack("b", -1.7));
    }

    [Fact]
    public void Pack_reports_struct_errors()
    {
        Assert.Equal("integral size 33 is larger than limit of 32", _state.Error("struct", "pack", S("i33"), 1));
        Assert.Equal("integral size overflow", _state.Error("struct", "pack", S("i99999999999"), 1));
        Assert.Equal("alignment 3 is not a power of 2", _state.Error("struct", "pack", S("!3b"), 1));
        Assert.Equal("alignment 0 is not a power of 2", _state.Error("struct", "pack", S("!0"), 1));
        Assert.EndsWith("#1 to '?' (invalid format option 'q')", _state.Error("struct", "pack", S("q"), 1));
        Assert.EndsWith("#1 to '?' (invalid format option ''')", _state.Error("struct", "pack", S("b'b"), 1, 2));
        Assert.EndsWith("#3 to '?' (string too short)", _state.Error("struct", "pack", S("c3"), S("ab")));
        Assert.EndsWith("#2 to '?' (string expected, got nil)", _state.Error("struct", "pack", S("c3"), LuaValue.Nil));
        Assert.EndsWith("#2 to '?' (number expected, got nil)", _state.Error("struct", "pack", S("b")));
        Assert.EndsWith("#3 to '?' (string expected, got nil)", _state.Error("struct", "pack", S("bc2"), 1));
        Assert.EndsWith("#1 to '?' (string expected, got no value)", _state.Error("struct", "pack"));
    }

    [Fact]
    public void Unpack_reads_values_then_the_next_position()
    {
        var packed = _state.Call1("struct", "pack", S(">bBhHlLiI"), -1, 255, -2, 65535, -3, 4, -6, 7);
        Assert.Equal([-1.0, 255, -2, 65535, -3, 4, -6, 7, 31], Unpack(">bBhHlLiI", packed).Select(v => v.Number));
        Assert.Equal([-1.0, 4], Unpack("i3", B(255, 255, 255)).Select(v => v.Number));
        Assert.Equal([16777215.0, 4], Unpack("I3", B(255, 255, 255)).Select(v => v.Number));
        Assert.Equal([-1.0, 10], Unpack("i9", B(255, 255, 255, 255, 255, 255, 255, 255, 255)).Select(v => v.Number));
        Assert.Equal([1.0, 10], Unpack("i9", B(1, 0, 0, 0, 0, 0, 0, 0, 1)).Select(v => v.Number));
        Assert.Equal([32767.0, 3], Unpack("<i2", B(255, 127)).Select(v => v.Number));
        Assert.Equal([1.0, 2, 9], Unpack("!4bi", B(1, 0, 0, 0, 2, 0, 0, 0)).Select(v => v.Number));
        Assert.Equal([98.0, 3], Unpack("b", S("abc"), 2.9).Select(v => v.Number));
        Assert.Equal([5.0], Unpack("", S(""), 5).Select(v => v.Number));
        Assert.Equal([-1.0], Unpack("", S("a"), -1).Select(v => v.Number));
        Assert.Equal([2.0], Unpack("x", S("abc")).Select(v => v.Number));
        Assert.Equal([0.0, 2], Unpack("i0", S("a"), 2).Select(v => v.Number));
        Assert.Equal(-0.1, Unpack(">d", _state.Call1("struct", "pack", S(">d"), -0.1))[0].Number);
        Assert.Equal((double)0.1f, Unpack("f", _state.Call1("struct", "pack", S("f"), 0.1))[0].Number);
    }

    [Fact]
    public void Unpack_reads_strings()
    {
        var sb = Unpack("sb", S("ab\0c"));
        Assert.Equal("ab", Text(sb[0]));
        Assert.Equal([99.0, 5], sb[1..].Select(v => v.Number));
        var c0 = Unpack("bc0", S("\u0002abc"));
        Assert.Equal("ab", Text(c0[0]));
        Assert.Equal(4.0, c0[1].Number);
        Assert.Equal("abc", Text(Unpack("c1c0", S("3abcd"))[0]));
        Assert.Equal("", Text(Unpack("bc0", S("\0"))[0]));
    }

    [Fact]
    public void Unpack_reports_struct_errors()
    {
        Assert.EndsWith("#2 to '?' (data string too short)", _state.Error("struct", "unpack", S("b"), S("")));
        Assert.EndsWith("#2 to '?' (data string too short)", _state.Error("struct", "unpack", S("b"), S("a"), 2));
        Assert.EndsWith("#2 to '?' (data string too short)", _state.Error("struct", "unpack", S("b"), S("a"), -1));
        Assert.EndsWith("#2 to '?' (data string too short)", _state.Error("struct", "unpack", S(">"), S(""), 5));
        Assert.EndsWith("#2 to '?' (data string too short)", _state.Error("struct", "unpack", S("bc0"), S("\u0005abc")));
        Assert.EndsWith("#2 to '?' (data string too short)", _state.Error("struct", "unpack", S("bc0"), S("\u00ffabc")));
        Assert.EndsWith("#3 to '?' (offset must be 1 or greater)", _state.Error("struct", "unpack", S("b"), S("a"), 0));
        Assert.Equal("unfinished string in data", _state.Error("struct", "unpack", S("s"), S("abc")));
        Assert.Equal("format 'c0' needs a previous size", _state.Error("struct", "unpack", S("c0"), S("abc")));
        Assert.Equal("format 'c0' needs a previous size", _state.Error("struct", "unpack", S("c1c0"), S("xabcd")));
        Assert.EndsWith("#1 to '?' (invalid format option 'z')", _state.Error("struct", "unpack", S("z"), S("abc")));
        Assert.EndsWith("#2 to '?' (string expected, got no value)", _state.Error("struct", "unpack", S("b")));
        Assert.Equal("stack overflow (too many results)", _state.Error("struct", "unpack", S(new string('b', 8000)), S(new string('a', 8000))));
        Assert.Equal(7998, Unpack(new string('b', 7997), S(new string('a', 8000))).Length);
    }

    [Theory]
    [InlineData("!bd", 16)]
    [InlineData("!d!1bd!2bi", 22)]
    [InlineData("bT", 9)]
    [InlineData("!bT", 16)]
    [InlineData("!bf", 8)]
    [InlineData("!bh", 4)]
    [InlineData("!bi3", 6)]
    [InlineData("!bi16", 24)]
    [InlineData("!16bi16", 32)]
    [InlineData("!bx", 2)]
    [InlineData("!bc2i", 8)]
    [InlineData("i7c5", 12)]
    [InlineData("q", 0)]
    [InlineData("bq5", 1)]
    public void Size_adds_sizes_and_padding(string format, int expected) =>
        Assert.Equal((double)expected, _state.Call1("struct", "size", S(format)).Number);

    [Fact]
    public void Size_rejects_variable_sizes_and_bad_options()
    {
        Assert.EndsWith("#1 to '?' (option 's' has no fixed size)", _state.Error("struct", "size", S("s")));
        Assert.EndsWith("#1 to '?' (option 'c0' has no fixed size)", _state.Error("struct", "size", S("c0")));
        Assert.EndsWith("#1 to '?' (invalid format option '?')", _state.Error("struct", "size", S("b?")));
    }
}
