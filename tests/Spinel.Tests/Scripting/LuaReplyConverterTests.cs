using System.Text;
using Spinel.Protocol;
using Spinel.Scripting;
using Spinel.Scripting.Lua;

namespace Spinel.Tests.Scripting;

/// <summary>The conversion rules, with the bytes redis-server 7.0.15 sends for the same script results.</summary>
public sealed class LuaReplyConverterTests
{
    private static LuaValue S(string s) => LuaValue.FromAscii(s);

    private static LuaTable T(params (string Key, LuaValue Value)[] fields)
    {
        var table = new LuaTable();
        foreach (var (key, value) in fields) table.RawSet(S(key), value);
        return table;
    }

    private static LuaTable Array(params LuaValue[] items)
    {
        var table = new LuaTable();
        for (int i = 0; i < items.Length; i++) table.RawSet(i + 1, items[i]);
        return table;
    }

    private static string Reply(LuaValue value, int callerProtocol = 2, int scriptResp = 2)
    {
        using var writer = new RespWriter { Protocol = callerProtocol };
        LuaReplyConverter.ToResp(value, writer, scriptResp);
        return Encoding.Latin1.GetString(writer.WrittenSpan);
    }

    private static LuaValue FromResp(string resp)
    {
        int at = 0;
        var bytes = Encoding.Latin1.GetBytes(resp);
        var value = LuaReplyConverter.FromResp(bytes, ref at);
        Assert.Equal(bytes.Length, at);
        return value;
    }

    [Fact]
    public void Numbers_are_truncated_to_integers()
    {
        Assert.Equal(":3\r\n", Reply(3.99));
        Assert.Equal(":-3\r\n", Reply(-3.99));
        Assert.Equal(":-9223372036854775808\r\n", Reply(1e20));
        Assert.Equal(":-9223372036854775808\r\n", Reply(double.NaN));
    }

    [Fact]
    public void Booleans_follow_the_scripts_resp_level()
    {
        Assert.Equal(":1\r\n", Reply(LuaValue.True));
        Assert.Equal("$-1\r\n", Reply(LuaValue.False));
        Assert.Equal("_\r\n", Reply(LuaValue.False, callerProtocol: 3));
        Assert.Equal(":1\r\n", Reply(LuaValue.True, callerProtocol: 3));
        Assert.Equal("#t\r\n", Reply(LuaValue.True, callerProtocol: 3, scriptResp: 3));
        Assert.Equal("#f\r\n", Reply(LuaValue.False, callerProtocol: 3, scriptResp: 3));
        Assert.Equal(":0\r\n", Reply(LuaValue.False, callerProtocol: 2, scriptResp: 3));
        Assert.Equal("$-1\r\n", Reply(LuaValue.Nil));
    }

    [Fact]
    public void Arrays_stop_at_the_first_nil_and_nest()
    {
        var table = Array(1, 2.7, S("x"), LuaValue.False, LuaValue.True);
        table.RawSet(7, 3);
        Assert.Equal("*5\r\n:1\r\n:2\r\n$1\r\nx\r\n$-1\r\n:1\r\n", Reply(table));
        Assert.Equal("*2\r\n*2\r\n:1\r\n*1\r\n:2\r\n$1\r\na\r\n", Reply(Array(Array(1, Array(2)), S("a"))));
        Assert.Equal("*0\r\n", Reply(T(("a", 1))));
    }

    [Fact]
    public void Err_and_ok_fields_make_error_and_status_replies()
    {
        Assert.Equal("-thing\r\n", Reply(T(("err", S("thing")))));
        Assert.Equal("-a  b\r\n", Reply(T(("err", S("a\r\nb")))));
        Assert.Equal("*0\r\n", Reply(T(("err", 3))));
        Assert.Equal("+fine\r\n", Reply(T(("ok", S("fine")))));
    }

    [Fact]
    public void Resp3_shapes_degrade_under_resp2()
    {
        Assert.Equal("$3\r\n3.5\r\n", Reply(T(("double", 3.5))));
        Assert.Equal("$19\r\n0.10000000000000001\r\n", Reply(T(("double", 0.1))));
        Assert.Equal("*0\r\n", Reply(T(("double", S("x")))));
        Assert.Equal("*2\r\n$1\r\na\r\n:1\r\n", Reply(T(("map", T(("a", 1))))));
        Assert.Equal("*1\r\n$1\r\na\r\n", Reply(T(("set", T(("a", LuaValue.True))))));
        Assert.Equal("$3\r\n123\r\n", Reply(T(("big_number", S("123")))));
        Assert.Equal("$2\r\nhi\r\n", Reply(T(("verbatim_string", T(("format", S("txt")), ("string", S("hi")))))));
    }

    [Fact]
    public void Resp3_shapes_under_resp3()
    {
        Assert.Equal(",3.5\r\n", Reply(T(("double", 3.5)), callerProtocol: 3));
        Assert.Equal("%1\r\n$1\r\na\r\n:1\r\n", Reply(T(("map", T(("a", 1)))), callerProtocol: 3));
        Assert.Equal("~1\r\n$1\r\na\r\n", Reply(T(("set", T(("a", LuaValue.True)))), callerProtocol: 3));
        Assert.Equal("(123\r\n", Reply(T(("big_number", S("123"))), callerProtocol: 3));
        Assert.Equal("=6\r\ntxt:hi\r\n", Reply(T(("verbatim_string", T(("format", S("txt")), ("string", S("hi"))))), callerProtocol: 3));
    }

    [Fact]
    public void Resp2_replies_become_lua_values()
    {
        Assert.Equal(12.0, FromResp(":12\r\n").Number);
        Assert.Equal("abc", FromResp("$3\r\nabc\r\n").AsString.ToString());
        Assert.Equal(LuaValue.False, FromResp("$-1\r\n"));
        Assert.Equal(LuaValue.False, FromResp("*-1\r\n"));
        Assert.Equal("OK", FromResp("+OK\r\n").AsTable.RawGet(S("ok")).AsString.ToString());
        Assert.Equal("ERR bad", FromResp("-ERR bad\r\n").AsTable.RawGet(S("err")).AsString.ToString());
        var array = FromResp("*2\r\n:1\r\n*1\r\n$1\r\nx\r\n").AsTable;
        Assert.Equal(2, array.Length);
        Assert.Equal("x", array.RawGet(2).AsTable.RawGet(1).AsString.ToString());
    }

    [Fact]
    public void Resp3_replies_become_typed_tables()
    {
        Assert.True(FromResp("_\r\n").IsNil);
        Assert.Equal(LuaValue.True, FromResp("#t\r\n"));
        Assert.Equal(1.5, FromResp(",1.5\r\n").AsTable.RawGet(S("double")).Number);
        Assert.Equal(double.PositiveInfinity, FromResp(",inf\r\n").AsTable.RawGet(S("double")).Number);
        Assert.Equal("v", FromResp("%1\r\n$1\r\nf\r\n$1\r\nv\r\n").AsTable.RawGet(S("map")).AsTable.RawGet(S("f")).AsString.ToString());
        Assert.Equal(LuaValue.True, FromResp("~1\r\n$1\r\nm\r\n").AsTable.RawGet(S("set")).AsTable.RawGet(S("m")));
        Assert.Equal("123", FromResp("(123\r\n").AsTable.RawGet(S("big_number")).AsString.ToString());
        var verbatim = FromResp("=6\r\ntxt:hi\r\n").AsTable.RawGet(S("verbatim_string")).AsTable;
        Assert.Equal(("txt", "hi"), (verbatim.RawGet(S("format")).AsString.ToString(), verbatim.RawGet(S("string")).AsString.ToString()));
    }

    [Fact]
    public void Error_tables_take_their_code_as_redis_does()
    {
        static string Err(string message) => ScriptErrors.Table(message).RawGet(S("err")).AsString.ToString();
        Assert.Equal("ERR Unknown Redis command called from script", Err("Unknown Redis command called from script"));
        Assert.Equal("ERR thing", Err("-thing"));
        Assert.Equal("MY thing", Err("-MY thing"));
    }

    [Fact]
    public void Failed_script_reply_says_where()
    {
        Assert.Equal("ERR user_script:1: boom script: abc, on @user_script:1.",
            ScriptErrors.Describe(S("user_script:1: boom"), "abc", "user_script", 1));
        Assert.Equal("MY thing script: f, on @user_function:2.",
            ScriptErrors.Describe(T(("err", S("MY thing"))), "f", "user_function", 2));
        Assert.Equal(12, ScriptErrors.LineOf(S("user_script:12: x"), "user_script"));
        Assert.Equal(0, ScriptErrors.LineOf(S("x"), "user_script"));
    }
}
