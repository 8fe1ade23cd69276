using Spinel.Scripting.Lua;
using Spinel.Scripting.Lua.Libraries;
using static Spinel.Tests.Scripting.Lua.CodecTestState;

namespace Spinel.Tests.Scripting.Lua;

/// <summary>
/// cjson through its host functions. Objects with more than one key are compared after decoding, never as
/// text: their key order follows table iteration order, which differs from real Lua's.
/// </summary>
public sealed class CjsonLibraryTests
{
    private readonly CodecTestState _state = new();

    private string Encode(LuaValue v) => Text(_state.Call1("cjson", "encode", v));

    private LuaValue Decode(string json) => _state.Call1("cjson", "decode", S(json));

    [Fact]
    public void Module_has_exactly_the_members_redis_exposes()
    {
        var names = new List<string>();
        var key = LuaValue.Nil;
        while (_state.Module("cjson").Next(ref key, out _)) names.Add(key.AsString.ToString());
        names.Sort(StringComparer.Ordinal);
        Assert.Equal(["_NAME", "_VERSION", "decode", "decode_invalid_numbers", "decode_max_depth", "encode", "encode_invalid_numbers",
            "encode_keep_buffer", "encode_max_depth", "encode_number_precision", "encode_sparse_array", "new", "null"], names);
        Assert.Equal("cjson", Text(_state.Module("cjson").RawGet(LuaString.FromAscii("_NAME"))));
        Assert.Equal("2.1.0", Text(_state.Module("cjson").RawGet(LuaString.FromAscii("_VERSION"))));
    }

    [Fact]
    public void Encode_writes_sequences_as_arrays_and_scalars_as_json()
    {
        Assert.Equal("[1,2,3]", Encode(Array(1, 2, 3)));
        Assert.Equal("{}", Encode(new LuaTable()));
        Assert.Equal("[true,false,\"x\",{}]", Encode(Array(true, false, S("x"), new LuaTable())));
        Assert.Equal("null", Encode(LuaValue.Nil));
        Assert.Equal("null", Encode(CjsonLibrary.Null));
        Assert.Equal("{\"a\":null}", Encode(Map((S("a"), CjsonLibrary.Null))));
        Assert.Equal("\"abc\"", Encode(S("abc")));
    }

    [Theory]
    [InlineData(1.0, "1")]
    [InlineData(-0.0, "-0")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e15, "1e+15")]
    [InlineData(123456789012345.0, "1.2345678901234e+14")]
    [InlineData(0.30000000000000004, "0.3")]
    [InlineData(-1.5e-300, "-1.5e-300")]
    [InlineData(9223372036854775808.0, "9.2233720368548e+18")]
    [InlineData(5e-324, "4.9406564584125e-324")]
    [InlineData(1e300, "1e+300")]
    public void Encode_prints_numbers_with_fourteen_significant_digits(double value, string expected) =>
        Assert.Equal(expected, Encode(value));

    [Fact]
    public void Encode_number_precision_changes_the_digits()
    {
        _state.Call("cjson", "encode_number_precision", 3);
        Assert.Equal("[3.14,1.23e+06,1.23e-05]", Encode(Array(3.14159, 1234567, 0.000012345)));
    }

    [Fact]
    public void Encode_escapes_quotes_backslash_slash_and_control_bytes_but_not_high_bytes()
    {
        Assert.Equal("\"x\\/y\\u0001\\u001f\\u007f\u0080\\\"\\\\\\b\\f\\n\\r\\t\"", Encode(S("x/y\u0001\u001f\u007f\u0080\"\\\b\f\n\r\t")));
        Assert.Equal("\"\\u0000\"", Encode(B(0)));
    }

    [Fact]
    public void Encode_fills_holes_with_null_until_the_array_is_too_sparse()
    {
        Assert.Equal("[1,null,2]", Encode(Map((1, 1), (3, 2))));
        Assert.Equal("[1,2,null,4]", Encode(Map((1, 1), (2, 2), (4, 4))));
        Assert.Equal("[1,1,1,1,1,null,null,null,null,null,2]", Encode(Map((1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (11, 2))));
        Assert.Equal("Cannot serialise table: excessively sparse array", _state.Error("cjson", "encode", Map((1, 1), (11, 2))));
    }

    [Fact]
    public void Encode_sparse_array_settings_convert_or_allow_sparse_tables()
    {
        var converting = _state.Call1("cjson", "new").AsTable;
        _state.Lua.Call(converting.RawGet(LuaString.FromAscii("encode_sparse_array")), [true]);
        Assert.Equal("[1]", Text(_state.Lua.Call(converting.RawGet(LuaString.FromAscii("encode")), [Map((1, 1))])[0]));
        var roundTrip = _state.Lua.Call(converting.RawGet(LuaString.FromAscii("encode")), [Map((1, 1), (20, 2))])[0];
        var back = Decode(Text(roundTrip)).AsTable;
        Assert.Equal(1.0, back.RawGet(LuaString.FromAscii("1")).Number);
        Assert.Equal(2.0, back.RawGet(LuaString.FromAscii("20")).Number);

        _state.Call("cjson", "encode_sparse_array", false, 0);
        Assert.Equal("[1," + string.Concat(Enumerable.Repeat("null,", 18)) + "2]", Encode(Map((1, 1), (20, 2))));
    }

    [Fact]
    public void Encode_writes_other_keys_as_objects_with_numbers_as_strings()
    {
        Assert.Equal("{\"0\":1}", Encode(Map((0, 1))));
        Assert.Equal("{\"-1\":1}", Encode(Map((-1, 1))));
        Assert.Equal("{\"1.5\":1}", Encode(Map((1.5, 1))));
        Assert.Equal("{\"9.007199254741e+15\":1}", Encode(Map((9007199254740992.0, 1))));
        Assert.Equal("{\"2147483648\":1}", Encode(Map((2147483648.0, 1))));
        var mixed = Decode(Encode(Map((1, S("a")), (S("k"), S("v"))))).AsTable;
        Assert.Equal("a", Text(mixed.RawGet(LuaString.FromAscii("1"))));
        Assert.Equal("v", Text(mixed.RawGet(LuaString.FromAscii("k"))));
    }

    [Fact]
    public void Encode_rejects_what_json_cannot_hold()
    {
        Assert.Equal("Cannot serialise boolean: table key must be a number or string", _state.Error("cjson", "encode", Map((true, 1))));
        Assert.Equal("Cannot serialise function: type not supported", _state.Error("cjson", "encode", new LuaHostFunction("f", (l, a) => 0)));
        Assert.Equal("Cannot serialise userdata: type not supported", _state.Error("cjson", "encode", new LuaUserData()));
        Assert.Equal("Cannot serialise number: must not be NaN or Inf", _state.Error("cjson", "encode", double.PositiveInfinity));
        Assert.Equal("Cannot serialise number: must not be NaN or Inf", _state.Error("cjson", "encode", Array(double.NaN)));
        Assert.Equal("Cannot serialise number: must not be NaN or Inf", _state.Error("cjson", "encode", Map((double.NegativeInfinity, 1))));
        Assert.EndsWith("(expected 1 argument)", _state.Error("cjson", "encode"));
        Assert.EndsWith("(expected 1 argument)", _state.Error("cjson", "encode", 1, 2));
    }

    [Fact]
    public void Encode_invalid_numbers_writes_them_as_names_or_null()
    {
        Assert.Equal("null", Text(_state.Call1("cjson", "encode_invalid_numbers", S("null"))));
        Assert.Equal("[null,null]", Encode(Array(double.PositiveInfinity, double.NaN)));
        Assert.True(_state.Call1("cjson", "encode_invalid_numbers", true).Boolean);
        Assert.Equal("[inf,-inf,nan,nan]", Encode(Array(double.PositiveInfinity, double.NegativeInfinity, double.NaN, -double.NaN)));
        Assert.Equal("{\"inf\":1}", Encode(Map((double.PositiveInfinity, 1))));
    }

    [Fact]
    public void Encode_stops_at_the_depth_limit_and_on_cycles()
    {
        var root = new LuaTable();
        var current = root;
        for (int i = 0; i < 1000; i++)
        {
            var next = new LuaTable();
            current.RawSet(1, next);
            current = next;
        }
        Assert.Equal("Cannot serialise, excessive nesting (1001)", _state.Error("cjson", "encode", root));
        var cycle = new LuaTable();
        cycle.RawSet(1, cycle);
        Assert.Equal("Cannot serialise, excessive nesting (1001)", _state.Error("cjson", "encode", cycle));
        _state.Call("cjson", "encode_max_depth", 1001);
        Assert.Equal(new string('[', 1000) + "{}" + new string(']', 1000), Encode(root));
    }

    [Fact]
    public void Encode_with_a_raised_limit_stops_where_the_lua_c_stack_ends()
    {
        _state.Call("cjson", "encode_max_depth", 100000);
        var root = new LuaTable();
        var current = root;
        for (int i = 0; i < 10000; i++)
        {
            var next = new LuaTable();
            current.RawSet(1, next);
            current = next;
        }
        Assert.Equal("Cannot serialise, excessive nesting (7998)", _state.Error("cjson", "encode", root));
    }

    [Fact]
    public void Settings_return_their_values_and_check_their_arguments()
    {
        var sparse = _state.Call("cjson", "encode_sparse_array");
        Assert.False(sparse[0].Boolean);
        Assert.Equal(2.0, sparse[1].Number);
        Assert.Equal(10.0, sparse[2].Number);
        Assert.Equal(1000.0, _state.Call1("cjson", "encode_max_depth").Number);
        Assert.Equal(1000.0, _state.Call1("cjson", "decode_max_depth").Number);
        Assert.Equal(14.0, _state.Call1("cjson", "encode_number_precision").Number);
        Assert.True(_state.Call1("cjson", "encode_keep_buffer").Boolean);
        Assert.False(_state.Call1("cjson", "encode_invalid_numbers").Boolean);
        Assert.True(_state.Call1("cjson", "decode_invalid_numbers").Boolean);
        Assert.Equal(5.0, _state.Call1("cjson", "encode_max_depth", 4294967301.0).Number);

        Assert.EndsWith("#1 to '?' (expected integer between 1 and 14)", _state.Error("cjson", "encode_number_precision", 15));
        Assert.EndsWith("#1 to '?' (expected integer between 1 and 2147483647)", _state.Error("cjson", "encode_max_depth", 0));
        Assert.EndsWith("#1 to '?' (expected integer between 0 and 2147483647)", _state.Error("cjson", "encode_sparse_array", LuaValue.Nil, -1));
        Assert.EndsWith("#2 to '?' (number expected, got string)", _state.Error("cjson", "encode_sparse_array", LuaValue.Nil, S("x")));
        Assert.EndsWith("#4 to '?' (found too many arguments)", _state.Error("cjson", "encode_sparse_array", 1, 2, 3, 4));
        Assert.EndsWith("#2 to '?' (found too many arguments)", _state.Error("cjson", "encode_max_depth", 1, 2));
        Assert.EndsWith("#1 to '?' (invalid option 'x')", _state.Error("cjson", "encode_sparse_array", S("x")));
        Assert.EndsWith("#1 to '?' (invalid option '1')", _state.Error("cjson", "encode_invalid_numbers", 1));
    }

    [Fact]
    public void New_returns_a_module_with_its_own_settings_and_the_shared_null()
    {
        var other = _state.Call1("cjson", "new").AsTable;
        _state.Lua.Call(other.RawGet(LuaString.FromAscii("encode_number_precision")), [2]);
        Assert.Equal("3.1", Text(_state.Lua.Call(other.RawGet(LuaString.FromAscii("encode")), [3.14159])[0]));
        Assert.Equal("3.14159", Encode(3.14159));
        Assert.Same(CjsonLibrary.Null, other.RawGet(LuaString.FromAscii("null")).AsUserData);
    }

    [Fact]
    public void Decode_builds_tables_strings_numbers_booleans_and_null()
    {
        var t = Decode(" { \"a\" : [1, 2.5, -3e2, true, false, null, \"x\"] , \"b\":{} } ").AsTable;
        var a = t.RawGet(LuaString.FromAscii("a")).AsTable;
        Assert.Equal(7, a.Length);
        Assert.Equal(1.0, a.RawGet(1).Number);
        Assert.Equal(2.5, a.RawGet(2).Number);
        Assert.Equal(-300.0, a.RawGet(3).Number);
        Assert.True(a.RawGet(4).Boolean);
        Assert.False(a.RawGet(5).Boolean);
        Assert.Same(CjsonLibrary.Null, a.RawGet(6).AsUserData);
        Assert.Equal("x", Text(a.RawGet(7)));
        Assert.Equal(LuaType.Table, t.RawGet(LuaString.FromAscii("b")).Type);
    }

    [Theory]
    [InlineData("\"a\\u00e9\\ud83d\\ude00\"", "a\u00c3\u00a9\u00f0\u009f\u0098\u0080")]
    [InlineData("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t")]
    [InlineData("\"\\u0000x\"", "\u0000x")]
    [InlineData("\"\\u07FF\\uFFFF\"", "\u00df\u00bf\u00ef\u00bf\u00bf")]
    public void Decode_translates_escapes_to_utf8(string json, string expectedLatin1) =>
        Assert.Equal(expectedLatin1, Text(Decode(json)));

    [Theory]
    [InlineData("0x10", 16.0)]
    [InlineData("+5", 5.0)]
    [InlineData("01", 1.0)]
    [InlineData("1.", 1.0)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    [InlineData("1e400", double.PositiveInfinity)]
    [InlineData("[1]\0garbage", 1.0)]
    public void Decode_reads_numbers_as_strtod_does(string json, double expected)
    {
        var v = Decode(json);
        Assert.Equal(expected, v.IsTable ? v.AsTable.RawGet(1).Number : v.Number);
    }

    [Theory]
    [InlineData("", "Expected value but found T_END at character 1")]
    [InlineData("[1,", "Expected value but found T_END at character 4")]
    [InlineData("{\"a\" 1}", "Expected colon but found T_NUMBER at character 6")]
    [InlineData("[1 2]", "Expected comma or array end but found T_NUMBER at character 4")]
    [InlineData("{\"a\":1 2}", "Expected comma or object end but found T_NUMBER at character 8")]
    [InlineData("{1:2}", "Expected object key string but found T_NUMBER at character 2")]
    [InlineData("\"abc", "Expected value but found unexpected end of string at character 5")]
    [InlineData("\"a\\qc\"", "Expected value but found invalid escape code at character 3")]
    [InlineData("\"a\\ud800c\"", "Expected value but found invalid unicode escape code at character 3")]
    [InlineData("\"\\udc00\\ud800\"", "Expected value but found invalid unicode escape code at character 2")]
    [InlineData("[1] x", "Expected the end but found invalid token at character 5")]
    [InlineData("-", "Expected value but found invalid number at character 1")]
    [InlineData("truex", "Expected the end but found invalid token at character 5")]
    [InlineData("tru", "Expected value but found invalid token at character 1")]
    [InlineData(".5", "Expected value but found invalid token at character 1")]
    [InlineData("1e", "Expected the end but found invalid token at character 2")]
    [InlineData("]", "Expected value but found T_ARR_END at character 1")]
    [InlineData("[}", "Expected value but found T_OBJ_END at character 2")]
    [InlineData("{\"a\":1,}", "Expected object key string but found T_OBJ_END at character 8")]
    [InlineData("[,", "Expected value but found T_COMMA at character 2")]
    [InlineData("{\"a\"::", "Expected value but found T_COLON at character 6")]
    [InlineData("a\0", "JSON parser does not support UTF-16 or UTF-32")]
    public void Decode_reports_lua_cjson_errors(string json, string expected) =>
        Assert.Equal(expected, _state.Error("cjson", "decode", S(json)));

    [Fact]
    public void Decode_invalid_numbers_off_rejects_non_json_numbers()
    {
        _state.Call("cjson", "decode_invalid_numbers", false);
        Assert.Equal("Expected value but found invalid number at character 1", _state.Error("cjson", "decode", S("0x10")));
        Assert.Equal("Expected value but found invalid token at character 2", _state.Error("cjson", "decode", S("[+1]")));
        Assert.Equal("Expected value but found invalid number at character 1", _state.Error("cjson", "decode", S("-inf")));
        Assert.Equal("Expected value but found invalid token at character 1", _state.Error("cjson", "decode", S("nan")));
        Assert.Equal(0.0, Decode("0").Number);
    }

    [Fact]
    public void Decode_limits_nesting_like_lua_cjson()
    {
        Assert.Equal(LuaType.Table, Decode(new string('[', 1000) + new string(']', 1000)).Type);
        Assert.Equal("Found too many nested data structures (1001) at character 1001",
            _state.Error("cjson", "decode", S(new string('[', 1001) + new string(']', 1001))));
        Assert.Equal("Found too many nested data structures (1001) at character 5001",
            _state.Error("cjson", "decode", S(string.Concat(Enumerable.Repeat("{\"a\":", 1001)) + "1" + new string('}', 1001))));
        _state.Call("cjson", "decode_max_depth", 100000);
        Assert.Equal("Found too many nested data structures (7999) at character 7999",
            _state.Error("cjson", "decode", S(new string('[', 10000) + new string(']', 10000))));
        Assert.Equal("Found too many nested data structures (4000) at character 19996",
            _state.Error("cjson", "decode", S(string.Concat(Enumerable.Repeat("{\"a\":", 10000)) + "1" + new string('}', 10000))));
    }

    [Fact]
    public void Decode_then_encode_round_trips_documents()
    {
        foreach (var json in new[] { "[1,2,[3,{\"a\":null}]]", "{\"k\":[true,false,\"s\\/\\\"\"]}", "[[],[[]],\"\\u001f\"]", "[0.1,-2,1e+20]" })
            Assert.Equal(json.Replace("[]", "{}"), Encode(Decode(json)));
    }
}
