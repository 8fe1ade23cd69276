using System.Text;
using Spinel.Scripting.Lua;

namespace Spinel.Tests.Scripting.Lua;

/// <summary>The engine's public contract: values, tables, number rules, host functions, errors, hooks.</summary>
public sealed class LuaEngineTests
{
    private static LuaString S(string s) => LuaString.FromAscii(s);

    [Theory]
    [InlineData(1.0, "1")]
    [InlineData(0.5, "0.5")]
    [InlineData(1e14, "1e+14")]
    [InlineData(99999999999999.0, "99999999999999")]
    [InlineData(1e15, "1e+15")]
    [InlineData(0.1, "0.1")]
    [InlineData(1.0 / 3, "0.33333333333333")]
    [InlineData(-1.5e-7, "-1.5e-07")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(123456789012345678.0, "1.2345678901235e+17")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(-0.0, "-0")]
    [InlineData(10000000000000.5, "10000000000000")]
    [InlineData(3.14, "3.14")]
    [InlineData(1e-320, "9.9998886718268e-321")]
    public void Numbers_format_as_percent_14g(double d, string expected) =>
        Assert.Equal(expected, LuaNumber.Format(d).ToString());

    [Theory]
    [InlineData("10", 10.0)]
    [InlineData("  0x1F  ", 31.0)]
    [InlineData("-0x10", -16.0)]
    [InlineData("1e3", 1000.0)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5.0)]
    [InlineData("\t7\n", 7.0)]
    [InlineData("1\u0000x", 1.0)]
    [InlineData("0x1.8p1", 3.0)]
    [InlineData("0x20000000000001", 9007199254740992.0)]
    public void Strings_convert_to_numbers_by_the_51_rules(string s, double expected)
    {
        Assert.True(LuaNumber.TryParse(Encoding.ASCII.GetBytes(s), out var d));
        Assert.Equal(expected, d);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("12a")]
    [InlineData("1e")]
    [InlineData("0x")]
    [InlineData("1 2")]
    public void Malformed_strings_do_not_convert(string s) =>
        Assert.False(LuaNumber.TryParse(Encoding.ASCII.GetBytes(s), out _));

    [Fact]
    public void Table_keeps_integer_keys_in_order_and_reports_a_border()
    {
        var t = new LuaTable();
        for (var i = 1; i <= 10; i++)
            t.Append(i * 10);
        Assert.Equal(10, t.Length);
        Assert.Equal(30.0, t.RawGet(3).Number);
        Assert.Equal(30.0, t.RawGet(3.0).Number);
        t.RawSet(S("k"), LuaValue.True);
        Assert.True(t.RawGet(S("k")).Boolean);
        var n = 0;
        var key = LuaValue.Nil;
        while (t.Next(ref key, out _))
            n++;
        Assert.Equal(11, n);
    }

    [Fact]
    public void Table_rejects_nil_and_nan_keys()
    {
        var t = new LuaTable();
        Assert.Equal("table index is nil", Assert.Throws<LuaException>(() => t.RawSet(LuaValue.Nil, 1)).Message);
        Assert.Equal("table index is NaN", Assert.Throws<LuaException>(() => t.RawSet(double.NaN, 1)).Message);
    }

    [Fact]
    public void Next_with_an_unknown_key_fails()
    {
        var t = new LuaTable();
        var k = LuaValue.FromAscii("missing");
        Assert.Equal("invalid key to 'next'", Assert.Throws<LuaException>(() => t.Next(ref k, out _)).Message);
    }

    [Fact]
    public void Clearing_fields_during_traversal_keeps_next_working()
    {
        var t = new LuaTable();
        for (var i = 0; i < 50; i++)
            t.RawSet(S("k" + i), i);
        var key = LuaValue.Nil;
        var seen = 0;
        while (t.Next(ref key, out _))
        {
            t.RawSet(key, LuaValue.Nil);
            seen++;
        }
        Assert.Equal(50, seen);
    }

    [Fact]
    public void Values_compare_raw_and_hash_as_dictionary_keys()
    {
        Assert.Equal(LuaValue.FromAscii("ab"), (LuaValue)LuaString.FromAscii("ab"));
        Assert.Equal(((LuaValue)1.0).GetHashCode(), ((LuaValue)1.0).GetHashCode());
        Assert.NotEqual((LuaValue)new LuaTable(), (LuaValue)new LuaTable());
        Assert.True(LuaValue.Nil.IsFalsy && LuaValue.False.IsFalsy && !((LuaValue)0.0).IsFalsy);
        Assert.Equal("userdata", ((LuaValue)new LuaUserData()).TypeName);
    }

    [Fact]
    public void Host_function_argument_errors_read_like_luaL_check()
    {
        var lua = LuaRunner.NewState();
        lua.Globals.RawSet(S("need"), new LuaHostFunction("need", (l, a) => l.Return(a.CheckString(0), a.CheckInteger(1))));
        Assert.Equal("ERR user_script:1: bad argument #1 to 'need' (string expected, got no value)", LuaRunner.Run("return need()", lua));
        Assert.Equal("ERR user_script:1: bad argument #2 to 'need' (number expected, got string)", LuaRunner.Run("return need('a', 'b')", lua));
        Assert.Equal("5|3", LuaRunner.Run("return need(5, '3.9')", lua));
    }

    [Fact]
    public void Method_calls_number_arguments_without_self()
    {
        var lua = LuaRunner.NewState();
        var lib = new LuaTable();
        lib.RawSet(S("m"), new LuaHostFunction("m", (l, a) => l.Return(a.CheckTable(0), a.CheckNumber(1))));
        lua.Globals.RawSet(S("lib"), lib);
        Assert.Equal("ERR user_script:1: bad argument #1 to 'm' (number expected, got string)", LuaRunner.Run("return lib:m('x')", lua));
        Assert.Equal("ERR user_script:1: bad argument #2 to 'm' (number expected, got string)", LuaRunner.Run("return lib.m(lib, 'x')", lua));
        lib.RawSet(S("n"), new LuaHostFunction("n", (l, a) => l.Return(a.CheckNumber(0))));
        Assert.Equal("ERR user_script:1: calling 'n' on bad self (number expected, got table)", LuaRunner.Run("return lib:n()", lua));
    }

    [Fact]
    public void Host_errors_carry_the_calling_line()
    {
        var lua = LuaRunner.NewState();
        lua.Globals.RawSet(S("fail"), new LuaHostFunction("fail", (l, a) => throw l.Error("nope")));
        Assert.Equal("ERR user_script:2: nope", LuaRunner.Run("local x = 1\nfail()", lua));
    }

    [Fact]
    public void Host_code_calls_back_into_lua_with_call()
    {
        var lua = LuaRunner.NewState();
        lua.Globals.RawSet(S("twice"), new LuaHostFunction("twice", (l, a) =>
        {
            var first = l.Call(a[0], [1.0])[0];
            var second = l.Call(a[0], [first])[0];
            return l.Return(second);
        }));
        Assert.Equal("4", LuaRunner.Run("return twice(function(x) return x * 2 end)", lua));
    }

    [Fact]
    public void Error_with_a_table_value_reaches_the_host_unchanged()
    {
        var lua = LuaRunner.NewState();
        var f = lua.Load("error({code = 7})"u8, "@user_script");
        var e = Assert.Throws<LuaException>(() => lua.Call(f, default));
        Assert.True(e.Value.IsTable);
        Assert.Equal(7.0, e.Value.AsTable.RawGet(S("code")).Number);
    }

    [Fact]
    public void Syntax_errors_use_51_messages()
    {
        var lua = LuaRunner.NewState();
        Assert.Equal("user_script:1: unexpected symbol near '='",
            Assert.Throws<LuaException>(() => lua.Load("x = = 1"u8, "@user_script")).Message);
        Assert.Equal("user_script:2: 'end' expected (to close 'function' at line 1) near '<eof>'",
            Assert.Throws<LuaException>(() => lua.Load("function f()\nreturn 1"u8, "@user_script")).Message);
        Assert.Equal("[string \"x = = 1\"]:1: unexpected symbol near '='",
            Assert.Throws<LuaException>(() => lua.Load("x = = 1"u8, "x = = 1")).Message);
    }

    [Fact]
    public void Runtime_errors_name_the_variable()
    {
        Assert.Equal("ERR user_script:1: attempt to index global 'x' (a nil value)", LuaRunner.Run("return x.y"));
        Assert.Equal("ERR user_script:1: attempt to call field 'foo' (a nil value)", LuaRunner.Run("local t = {} t.foo()"));
        Assert.Equal("ERR user_script:1: attempt to perform arithmetic on local 'a' (a nil value)", LuaRunner.Run("local a return a + 1"));
        Assert.Equal("ERR user_script:1: attempt to concatenate local 's' (a nil value)", LuaRunner.Run("local s return 'x' .. s"));
        Assert.Equal("ERR user_script:1: attempt to compare number with nil", LuaRunner.Run("return 1 < nil"));
    }

    [Fact]
    public void Deep_recursion_ends_in_a_stack_overflow_error()
    {
        Assert.Equal("ERR user_script:1: stack overflow", LuaRunner.Run("local function f(n) return 1 + f(n) end return f(1)"));
    }

    [Fact]
    public void A_stack_overflow_leaves_the_call_depth_as_it_was()
    {
        // error(msg, 2) finds its caller's line by depth: a depth thrown off by the overflow loses the position.
        var lua = LuaRunner.NewState();
        Assert.Equal("ERR user_script:1: stack overflow", LuaRunner.Run("local function f(n) return 1 + f(n) end return f(1)", lua));
        Assert.Equal("false|user_script:3: deep", LuaRunner.Run("local function g() error('deep', 2) end\nreturn pcall(function()\n g() end)", lua));
    }

    [Fact]
    public void Hook_runs_during_loops_and_can_stop_the_script()
    {
        var lua = LuaRunner.NewState();
        var calls = 0;
        lua.HookInterval = 100;
        lua.Hook = () =>
        {
            if (++calls == 5)
                throw new LuaException("killed");
        };
        Assert.Equal("ERR killed", LuaRunner.Run("while true do end", lua));
        Assert.Equal(5, calls);
    }

    [Fact]
    public void Metatable_helpers_honour_metamethods()
    {
        var lua = LuaRunner.NewState();
        var f = lua.Load("return setmetatable({}, {__index = function(t, k) return k .. '!' end, __tostring = function() return 'T' end, __eq = function() return true end})"u8, "@user_script");
        var t = lua.Call(f, default)[0];
        Assert.Equal("a!", lua.Index(t, LuaValue.FromAscii("a")).AsString.ToString());
        Assert.Equal("T", lua.ToStringMeta(t).ToString());
        Assert.True(lua.LessThan(1.0, 2.0));
        Assert.True(lua.Equal(LuaValue.FromAscii("x"), LuaValue.FromAscii("x")));
    }

    [Fact]
    public void Standard_globals_are_exactly_redis_7_0s_set_before_the_script_globals()
    {
        var lua = LuaRunner.NewState();
        var names = new List<string>();
        var k = LuaValue.Nil;
        while (lua.Globals.Next(ref k, out _))
            names.Add(k.AsString.ToString());
        names.Sort(StringComparer.Ordinal);
        Assert.Equal(
            "_G _VERSION assert bit cjson cmsgpack collectgarbage coroutine error gcinfo getmetatable ipairs load loadstring math next pairs pcall rawequal rawget rawset select setmetatable string struct table tonumber tostring type unpack xpcall",
            string.Join(' ', names));
    }

    [Fact]
    public void Abandoned_coroutines_release_their_threads_on_close()
    {
        var lua = LuaRunner.NewState();
        Assert.Equal("ok", LuaRunner.Run("for i = 1, 20 do local co = coroutine.create(function() coroutine.yield() end) coroutine.resume(co) end return 'ok'", lua));
        lua.CloseCoroutines();
        Assert.Equal("true|1", LuaRunner.Run("local co = coroutine.create(function() return 1 end) return coroutine.resume(co)", lua));
    }

    [Fact]
    public void Random_follows_redis_rand48_sequence()
    {
        Assert.Equal("0.39646477363839|0.84048536971234", LuaRunner.Run("return math.random(), math.random()"));
        Assert.Equal("0.041630344484761", LuaRunner.Run("math.randomseed(1) return math.random()"));
    }

    [Fact]
    public void Tostring_of_functions_and_tables_shows_type_and_address()
    {
        var r = LuaRunner.Run("return tostring(type), tostring({}), tostring(function() end)").Split('|');
        Assert.Matches("^function: 0x[0-9a-f]+$", r[0]);
        Assert.Matches("^table: 0x[0-9a-f]+$", r[1]);
        Assert.Matches("^function: 0x[0-9a-f]+$", r[2]);
    }

    [Fact]
    public void Loops_and_host_calls_do_not_allocate()
    {
        var lua = LuaRunner.NewState();
        lua.Globals.RawSet(S("host"), new LuaHostFunction("host", (l, a) => l.Return(a.CheckNumber(0) + a.CheckNumber(1))));
        var f = lua.Load("local s = 0 for i = 1, 10000 do local x = i * 2 s = host(s, x) % 1000 end return s"u8, "@user_script");
        lua.Call(f, default);
        var before = GC.GetAllocatedBytesForCurrentThread();
        lua.Call(f, default);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1000);
    }
}
