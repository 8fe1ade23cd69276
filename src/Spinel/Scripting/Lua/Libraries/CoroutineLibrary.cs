namespace Spinel.Scripting.Lua.Libraries;

/// <summary>Lua 5.1's coroutine library.</summary>
internal static class CoroutineLibrary
{
    public static void Open(LuaState lua)
    {
        var t = new LuaTable();
        void Reg(string name, LuaHostBody body) => t.RawSet(LuaString.FromAscii(name), new LuaHostFunction(name, body));
        Reg("create", (l, a) => l.Return(LuaValue.FromObject(l.CreateCoroutine(CheckLuaFunction(a)))));
        Reg("resume", Resume);
        Reg("running", (l, a) => l.Return(LuaValue.FromObject(l.CurrentCoroutine)));
        Reg("status", Status);
        Reg("wrap", Wrap);
        Reg("yield", (l, a) => l.ReturnSpan(l.Yield(a.Span)));
        lua.Globals.RawSet(LuaString.FromAscii("coroutine"), t);
    }

    private static LuaValue CheckLuaFunction(LuaArgs a)
    {
        if (a[0].O is not LuaClosure)
            throw a.ArgError(0, "Lua function expected");
        return a[0];
    }

    private static LuaCoroutine CheckCoroutine(LuaArgs a) =>
        a[0].O as LuaCoroutine ?? throw a.ArgError(0, "coroutine expected");

    private static int Resume(LuaState l, LuaArgs a)
    {
        var co = CheckCoroutine(a);
        var ok = l.Resume(co, a.Span[1..], out var results);
        return l.ReturnPrefixed(ok, results);
    }

    private static int Status(LuaState l, LuaArgs a)
    {
        var co = CheckCoroutine(a);
        var s = co.C.Status switch
        {
            LuaCoroutine.State.Suspended => "suspended",
            LuaCoroutine.State.Running => "running",
            LuaCoroutine.State.Normal => "normal",
            _ => "dead",
        };
        return l.Return(LuaValue.FromAscii(s));
    }

    private static int Wrap(LuaState l, LuaArgs a)
    {
        var co = l.CreateCoroutine(CheckLuaFunction(a));
        return l.Return(new LuaHostFunction("wrap", (l2, a2) =>
        {
            if (l2.Resume(co, a2.Span, out var results))
                return l2.ReturnSpan(results);
            var err = results[0];
            if (err.IsString || err.IsNumber)
                throw l2.Error(err.CoerceToString()!.ToLatin1());
            throw new LuaException(err);
        }));
    }
}
