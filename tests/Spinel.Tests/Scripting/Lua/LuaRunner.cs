using System.Text;
using Spinel.Scripting.Lua;

namespace Spinel.Tests.Scripting.Lua;

/// <summary>Runs Lua source in a fresh engine on a thread with a big stack, as the Redis glue will.</summary>
internal static class LuaRunner
{
    public static LuaState NewState()
    {
        var lua = new LuaState();
        lua.OpenStandardLibraries();
        return lua;
    }

    /// <summary>The chunk's results rendered with tostring and joined by '|', or "ERR message".</summary>
    public static string Run(string source, LuaState? lua = null)
    {
        lua ??= NewState();
        string result = "";
        var t = new Thread(() =>
        {
            try
            {
                var f = lua.Load(Encoding.UTF8.GetBytes(source), "@user_script");
                var r = lua.Call(f, default).ToArray();
                result = string.Join("|", r.Select(v => lua.ToStringMeta(v).ToString()));
            }
            catch (LuaException e)
            {
                result = "ERR " + e.Message;
            }
        }, 64 * 1024 * 1024);
        t.Start();
        t.Join();
        return result;
    }

    /// <summary>The wrapper both engines run: every result of the snippet (or its error) as one string.</summary>
    public static string Wrap(string snippet) =>
        "local function show(...) local t = {} for i = 1, select('#', ...) do local v = select(i, ...) t[i] = (type(v) == 'function' or type(v) == 'table') and type(v) or tostring(v) end return table.concat(t, '|') end "
        + "return show(pcall(function() " + snippet + "\nend))";
}
