using Spinel.Scripting.Lua;

namespace Spinel.Scripting;

/// <summary>
/// Protects a Lua state's globals as Redis 7.0 does. The globals table the code sees stays empty but for KEYS
/// and ARGV: reads fall through to a second table holding the libraries (so a lookup is two raw gets, no call),
/// an unknown name is an error instead of nil, and the globals and every library table are read-only.
/// </summary>
internal static class LuaSandbox
{
    /// <summary>Moves what is in the globals behind the protection; returns the table that now holds it.</summary>
    public static LuaTable Protect(LuaState lua, RedisLuaApi api)
    {
        var globals = lua.Globals;
        var real = new LuaTable(0, 64);
        var keys = new List<LuaValue>();
        LuaValue key = default;
        while (globals.Next(ref key, out var value))
        {
            real.RawSet(key, value);
            keys.Add(key);
        }
        foreach (var k in keys) globals.RawSet(k, LuaValue.Nil);
        // Library tables (string, math, redis, ...) are read-only, as in Redis.
        foreach (var k in keys)
        {
            if (real.RawGet(k) is { IsTable: true } library) library.AsTable.ReadOnly = true;
        }
        real.RawSet(LuaString.FromAscii("_G"), globals);
        Override(real, api);

        real.Metatable = new LuaTable(0, 2);
        RedisLuaApi.Set(real.Metatable, "__index", NonexistentGlobal);
        globals.Metatable = new LuaTable(0, 2);
        globals.Metatable.RawSet(Index, real);
        // KEYS and ARGV are set by the host (RawSet), each run; scripts can change neither them nor any global.
        globals.ReadOnly = real.ReadOnly = globals.Metatable.ReadOnly = real.Metatable.ReadOnly = true;
        return real;
    }

    internal static readonly LuaString Index = LuaString.FromAscii("__index");

    /// <summary>A table whose reads of missing names and whose writes fail as Redis's protected tables do.</summary>
    public static void MakeStrict(LuaTable table)
    {
        table.Metatable = new LuaTable(0, 1);
        RedisLuaApi.Set(table.Metatable, "__index", NonexistentGlobal);
        table.ReadOnly = table.Metatable.ReadOnly = true;
    }

    private static int NonexistentGlobal(LuaState lua, LuaArgs args)
    {
        var name = args[1].CoerceToString()?.ToString() ?? args[1].TypeName;
        throw lua.Error($"Script attempted to access nonexistent global variable '{name}'");
    }

    /// <summary>
    /// Redis's pcall hands back an error table's err text rather than the table; its error() is the usual one, but
    /// notes the line for the error reply's "on @user_script:N".
    /// </summary>
    private static void Override(LuaTable real, RedisLuaApi api)
    {
        RedisLuaApi.Set(real, "pcall", static (lua, args) =>
        {
            if (args.Count == 0) throw lua.Error("bad argument #1 to 'pcall' (value expected)");
            try
            {
                var results = lua.Call(args[0], args.Span[1..]);
                return lua.ReturnPrefixed(LuaValue.True, results);
            }
            catch (LuaException e)
            {
                var error = e.Value;
                if (error.IsTable && error.AsTable.RawGet(LuaReplyConverter.Err) is { IsString: true } err) error = err;
                return lua.Return(LuaValue.False, error);
            }
        });
        RedisLuaApi.Set(real, "error", (lua, args) =>
        {
            var value = Lua.Libraries.BaseLibrary.ErrorValue(lua, args[0], args.OptInteger(1, 1));
            throw api.Run.NoteRaised(new LuaException(value), ScriptPosition.CurrentLine(lua));
        });
    }
}
