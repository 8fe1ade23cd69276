using System.Text;
using Spinel.Scripting.Lua;

namespace Spinel.Tests.Scripting.Lua;

public sealed class StringLibraryTests
{
    private static LuaState NewState()
    {
        var lua = new LuaState();
        lua.OpenStandardLibraries();
        return lua;
    }

    private static LuaValue Run(LuaState lua, string source) =>
        lua.Call(lua.Load(Encoding.Latin1.GetBytes(source), "@user_script"), default)[0];

    private static string Keys(LuaState lua, string table) =>
        Encoding.Latin1.GetString(Run(lua, $"local k = {{}} for name in pairs({table}) do k[#k + 1] = name end table.sort(k) return table.concat(k, ' ')").AsString.Span);

    [Fact]
    public void String_table_holds_exactly_redis_7_0s_functions()
    {
        Assert.Equal("byte char dump find format gfind gmatch gsub len lower match rep reverse sub upper", Keys(NewState(), "string"));
    }

    [Fact]
    public void Bit_table_holds_exactly_luabitops_functions()
    {
        Assert.Equal("arshift band bnot bor bswap bxor lshift rol ror rshift tobit tohex", Keys(NewState(), "bit"));
    }

    [Fact]
    public void Strings_index_the_string_table_through_their_metatable()
    {
        var lua = NewState();
        Assert.Equal("ABC", Run(lua, "return ('abc'):upper()").AsString.ToString());
        Assert.True(Run(lua, "return getmetatable('x').__index == string").Boolean);
    }

    [Fact]
    public void The_hook_can_stop_a_runaway_pattern_inside_find()
    {
        var lua = NewState();
        int calls = 0;
        lua.HookInterval = 10_000;
        lua.Hook = () =>
        {
            if (++calls > 50) throw new OperationCanceledException("killed");
        };
        var e = Assert.Throws<OperationCanceledException>(() =>
            Run(lua, "return string.find(string.rep('a', 40) .. 'b', string.rep('a*', 40) .. 'c')"));
        Assert.Equal("killed", e.Message);
    }

    [Fact]
    public void Gsub_results_keep_binary_bytes()
    {
        var lua = NewState();
        var result = Run(lua, "return (string.gsub('\\0\\255\\128', '\\255', '\\1'))").AsString;
        Assert.Equal(new byte[] { 0, 1, 128 }, result.Span.ToArray());
    }

    [Fact]
    public void Pattern_errors_carry_the_script_position()
    {
        var lua = NewState();
        var e = Assert.Throws<LuaException>(() => Run(lua, "local x = 1\nreturn string.find('a', '[a')"));
        Assert.Equal("user_script:2: malformed pattern (missing ']')", e.Message);
    }
}
