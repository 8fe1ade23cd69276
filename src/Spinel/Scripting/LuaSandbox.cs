using Spinel.Scripting.Lua;

namespace Spinel.Scripting;

/// <summary>
/// Protects a Lua state's globals as Redis 7.0 does: an unknown name is an error instead of nil, and the globals
/// and every library table are read-only. KEYS and ARGV are set by the host (RawSet), each run.
/// </summary>
internal static class LuaSandbox
{
    /// <summary>EVAL's globals: every global stays in the one table, as <c>pairs(_G)</c> shows in Redis.</summary>
    public static void ProtectEval(LuaState lua, RedisLuaApi api)
    {
        var globals = lua.Globals;
        LockLibraries(globals);
        globals.RawSet(LuaString.FromAscii("_G"), globals);
        Override(globals, api);
        RedisLuaApi.Set(globals, "__redis__err__handler", ErrorHandler);
        MakeStrict(globals);
    }

    /// <summary>
    /// The functions engine's globals, as Redis builds them: the table the code sees is empty and reads fall
    /// through to a second one (two raw gets, no call), so FUNCTION LOAD can point it at the load-time API instead.
    /// <c>_G</c> names the second table. Returns it.
    /// </summary>
    public static LuaTable ProtectFunctions(LuaState lua, RedisLuaApi api)
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
        LockLibraries(real);
        real.RawSet(LuaString.FromAscii("_G"), real);
        Override(real, api);
        MakeStrict(real);
        globals.Metatable = new LuaTable(0, 2);
        globals.Metatable.RawSet(Index, real);
        globals.ReadOnly = globals.Metatable.ReadOnly = true;
        return real;
    }

    /// <summary>Library tables (string, math, redis, ...) are read-only, as in Redis.</summary>
    private static void LockLibraries(LuaTable globals)
    {
        LuaValue key = default;
        while (globals.Next(ref key, out var value))
        {
            if (value.IsTable) value.AsTable.ReadOnly = true;
        }
    }

    internal static readonly LuaString Index = LuaString.FromAscii("__index");

    /// <summary>A table whose reads of missing names and whose writes fail as Redis's protected tables do.</summary>
    public static void MakeStrict(LuaTable table)
    {
        table.Metatable = new LuaTable(0, 1);
        RedisLuaApi.Set(table.Metatable, "__index", NonexistentGlobal);
        table.ReadOnly = table.Metatable.ReadOnly = true;
    }

    private static readonly LuaString Source = LuaString.FromAscii("source");
    private static readonly LuaString Line = LuaString.FromAscii("line");

    /// <summary>
    /// Redis's EVAL error handler, which it leaves visible as a global: turns a non-table error into an error
    /// table and notes where the caller of the handler (or of the host function that called it) was.
    /// </summary>
    private static int ErrorHandler(LuaState lua, LuaArgs args)
    {
        var error = args[0];
        LuaTable table;
        if (error.IsTable)
        {
            table = error.AsTable;
            table.CheckWritable();
        }
        else
        {
            table = new LuaTable(0, 4);
            var text = LuaString.Concat("ERR "u8, Text(lua, error).Span);
            table.RawSet(LuaReplyConverter.Err, text);
        }
        if ((lua.SiteAtLevel(1) ?? lua.SiteAtLevel(2)) is { } site)
        {
            table.RawSet(Source, LuaString.FromAscii(site.Chunk.StartsWith('[') ? site.Chunk : "@" + site.Chunk));
            table.RawSet(Line, site.Line);
        }
        return lua.Return(table);
    }

    private static LuaString Text(LuaState lua, LuaValue value) =>
        Lua.Libraries.BaseLibrary.ToStringValue(lua, value) is var shown && shown.CoerceToString() is { } text ? text : LuaState.RawToString(shown);

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
