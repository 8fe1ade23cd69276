using Spinel.Scripting.Lua;
using static Spinel.Tests.Scripting.Lua.CodecTestState;

namespace Spinel.Tests.Scripting.Lua;

/// <summary>cmsgpack through its host functions; expected bytes are redis-server 7.0.15's.</summary>
public sealed class CmsgpackLibraryTests
{
    private readonly CodecTestState _state = new();

    private string Pack(params LuaValue[] values) => Hex(_state.Call1("cmsgpack", "pack", values));

    [Fact]
    public void Module_has_redis_names_and_version_strings()
    {
        var module = _state.Module("cmsgpack");
        Assert.Equal("cmsgpack", Text(module.RawGet(LuaString.FromAscii("_NAME"))));
        Assert.Equal("lua-cmsgpack 0.4.0", Text(module.RawGet(LuaString.FromAscii("_VERSION"))));
        Assert.Equal("Copyright (C) 2012, Salvatore Sanfilippo", Text(module.RawGet(LuaString.FromAscii("_COPYRIGHT"))));
        Assert.Equal("MessagePack C implementation for Lua", Text(module.RawGet(LuaString.FromAscii("_DESCRIPTION"))));
        int count = 0;
        var key = LuaValue.Nil;
        while (module.Next(ref key, out _)) count++;
        Assert.Equal(8, count);
    }

    [Fact]
    public void Pack_concatenates_each_argument()
    {
        Assert.Equal("01ff7fcc80ce00010000ca3fc00000a36162639301020381a16101",
            Pack(1, -1, 127, 128, 65536, 1.5, S("abc"), Array(1, 2, 3), Map((S("a"), 1))));
    }

    [Fact]
    public void Pack_picks_the_smallest_integer_and_float_encodings()
    {
        Assert.Equal("cb3fb999999999999aca7f800000caff800000cbfff800000000000000ca5f000000d38000000000000000ca5f800000cb43e158e460913d00cf0000000100000000d3ffffffff7fffffffd0dfe0d1ff7fd2ffff7fffccffcd0100cdffff",
            Pack(0.1, double.PositiveInfinity, double.NegativeInfinity, BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8000000000000)), -0.0,
                9223372036854775808.0, -9223372036854775808.0, 18446744073709551616.0, 1e19, 4294967296, -2147483649, -33, -32, -129, -32769, 255, 256, 65535));
    }

    [Fact]
    public void Pack_writes_sequences_as_arrays_and_other_tables_as_maps()
    {
        Assert.Equal("90810201820101030381ca3fc0000001c3c2c0",
            Pack(new LuaTable(), Map((2, 1)), Map((1, 1), (3, 3)), Map((1.5, 1)), true, false, new LuaHostFunction("f", (l, a) => 0)));
        Assert.Equal("dc0010" + string.Concat(Enumerable.Repeat("01", 16)), Pack(Array([.. Enumerable.Repeat<LuaValue>(1, 16)])));
        Assert.Equal("81ce8000000001", Pack(Map((2147483648.0, 1))));
        Assert.Equal("c0", Pack(LuaValue.Nil));
    }

    [Fact]
    public void Pack_uses_str8_from_32_bytes_and_wider_headers_after()
    {
        Assert.Equal("bf" + string.Concat(Enumerable.Repeat("78", 31)), Pack(S(new string('x', 31))));
        Assert.Equal("d920" + string.Concat(Enumerable.Repeat("79", 32)), Pack(S(new string('y', 32))));
        Assert.StartsWith("da0100", Pack(S(new string('z', 256))));
        Assert.StartsWith("db00010000", Pack(S(new string('z', 65536))));
    }

    [Fact]
    public void Pack_turns_tables_nested_past_sixteen_levels_into_nil()
    {
        var cycle = new LuaTable();
        cycle.RawSet(1, cycle);
        Assert.Equal(string.Concat(Enumerable.Repeat("91", 16)) + "c0", Pack(cycle));
    }

    [Fact]
    public void Pack_without_arguments_is_an_error() =>
        Assert.EndsWith("bad argument #0 to '?' (MessagePack pack needs input.)", _state.Error("cmsgpack", "pack"));

    [Fact]
    public void Unpack_returns_every_value()
    {
        var values = _state.Call("cmsgpack", "unpack", B(1, 2, 0xa1, (byte)'x', 0xc3, 0xc0, 0xd0, 0x80, 0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0));
        Assert.Equal(7, values.Length);
        Assert.Equal(1.0, values[0].Number);
        Assert.Equal("x", Text(values[2]));
        Assert.True(values[3].Boolean);
        Assert.True(values[4].IsNil);
        Assert.Equal(-128.0, values[5].Number);
        Assert.Equal(1.5, values[6].Number);
        Assert.Empty(_state.Call("cmsgpack", "unpack", S("")));
        // uint 64 goes through lua_pushinteger in Redis's build, so the top half wraps negative.
        Assert.Equal(-1.0, _state.Call1("cmsgpack", "unpack", B(0xcf, 255, 255, 255, 255, 255, 255, 255, 255)).Number);
    }

    [Fact]
    public void Unpack_reads_back_what_pack_wrote()
    {
        var nested = Map((S("list"), Array(1, S("two"), 3.25, Map((S("deep"), true)))), (7, -70000.0), (S("big"), 1e100));
        var packed = _state.Call1("cmsgpack", "pack", nested, 18446744073709551615.0, -9007199254740993.0);
        var back = _state.Call("cmsgpack", "unpack", packed);
        var list = back[0].AsTable.RawGet(LuaString.FromAscii("list")).AsTable;
        Assert.Equal("two", Text(list.RawGet(2)));
        Assert.Equal(3.25, list.RawGet(3).Number);
        Assert.True(list.RawGet(4).AsTable.RawGet(LuaString.FromAscii("deep")).Boolean);
        Assert.Equal(-70000.0, back[0].AsTable.RawGet(7).Number);
        Assert.Equal(1e100, back[0].AsTable.RawGet(LuaString.FromAscii("big")).Number);
        Assert.Equal(18446744073709551615.0, back[1].Number);
        Assert.Equal(-9007199254740993.0, back[2].Number);
    }

    [Fact]
    public void Unpack_one_and_unpack_limit_return_the_next_offset_first()
    {
        var three = B(1, 2, 3);
        Assert.Equal([1.0, 1.0], _state.Call("cmsgpack", "unpack_one", three).Select(v => v.Number));
        Assert.Equal([2.0, 2.0], _state.Call("cmsgpack", "unpack_one", three, 1).Select(v => v.Number));
        Assert.Equal([-1.0, 3.0], _state.Call("cmsgpack", "unpack_one", three, 2).Select(v => v.Number));
        Assert.Equal([-1.0], _state.Call("cmsgpack", "unpack_one", three, 3).Select(v => v.Number));
        Assert.Equal([2.0, 1.0, 2.0], _state.Call("cmsgpack", "unpack_limit", three, 2).Select(v => v.Number));
        Assert.Equal([1.0, 2.0, 3.0], _state.Call("cmsgpack", "unpack_limit", three, 0).Select(v => v.Number));
        Assert.Equal([1.0], _state.Call("cmsgpack", "unpack_limit", three, 0, 1).Select(v => v.Number));
        Assert.Equal([-1.0, 1.0, 2.0, 3.0], _state.Call("cmsgpack", "unpack_limit", three, 4294967296.0).Select(v => v.Number));
    }

    [Fact]
    public void Unpack_reports_lua_cmsgpack_errors()
    {
        var three = B(1, 2, 3);
        Assert.Equal("Missing bytes in input.", _state.Error("cmsgpack", "unpack", B(0xcc)));
        Assert.Equal("Missing bytes in input.", _state.Error("cmsgpack", "unpack", B(0x92, 1)));
        Assert.Equal("Missing bytes in input.", _state.Error("cmsgpack", "unpack", B(0xa3, 1)));
        Assert.Equal("Bad data format in input.", _state.Error("cmsgpack", "unpack", B(0xc1)));
        Assert.Equal("Bad data format in input.", _state.Error("cmsgpack", "unpack", B(0xc4, 1, 0x61)));
        Assert.Equal("table index is nil", _state.Error("cmsgpack", "unpack", B(0x81, 0xc0, 1)));
        Assert.Equal("Start offset 4 greater than input length 3.", _state.Error("cmsgpack", "unpack_one", three, 4));
        Assert.Equal("Invalid request to unpack with offset of -1 and limit of 3.", _state.Error("cmsgpack", "unpack_one", three, -1));
        Assert.Equal("Invalid request to unpack with offset of 0 and limit of 3.", _state.Error("cmsgpack", "unpack_limit", three, -1));
        Assert.Equal("Start offset 1 greater than input length 3.", _state.Error("cmsgpack", "unpack_one", three, 4294967297.0));
        Assert.EndsWith("#2 to '?' (number expected, got no value)", _state.Error("cmsgpack", "unpack_limit", three));
        Assert.EndsWith("#1 to '?' (string expected, got table)", _state.Error("cmsgpack", "unpack", new LuaTable()));
    }

    [Fact]
    public void Unpack_runs_out_of_lua_stack_where_redis_does()
    {
        Assert.Equal(7999, _state.Call("cmsgpack", "unpack", B([.. Enumerable.Repeat((byte)1, 7999)])).Length);
        Assert.Equal("stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            _state.Error("cmsgpack", "unpack", B([.. Enumerable.Repeat((byte)1, 10000)])));
        Assert.Equal("stack overflow (in function mp_decode_to_lua_array)",
            _state.Error("cmsgpack", "unpack", B([.. Enumerable.Repeat((byte)0x91, 10000), 1])));
    }
}
