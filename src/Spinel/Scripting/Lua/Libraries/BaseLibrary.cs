namespace Spinel.Scripting.Lua.Libraries;

/// <summary>The base functions Redis 7.0 leaves in a script's globals.</summary>
internal static class BaseLibrary
{
    public static void Open(LuaState lua)
    {
        var g = lua.Globals;
        void Reg(string name, LuaHostBody body) => g.RawSet(LuaString.FromAscii(name), new LuaHostFunction(name, body));

        g.RawSet(LuaString.FromAscii("_G"), g);
        g.RawSet(LuaString.FromAscii("_VERSION"), LuaString.FromAscii("Lua 5.1"));
        Reg("assert", Assert);
        Reg("collectgarbage", CollectGarbage);
        Reg("error", Error);
        Reg("gcinfo", (l, a) => l.Return(Math.Floor(GC.GetTotalMemory(false) / 1024.0)));
        Reg("getmetatable", GetMetatable);
        Reg("ipairs", IPairs);
        Reg("load", Load);
        Reg("loadstring", LoadString);
        var next = new LuaHostFunction("next", Next);
        g.RawSet(LuaString.FromAscii("next"), next);
        lua.NextFunction = next;
        Reg("pairs", (l, a) => l.Return(next, a.CheckTable(0), LuaValue.Nil));
        Reg("pcall", PCall);
        Reg("rawequal", (l, a) => l.Return(a.CheckAny(0).Equals(a.CheckAny(1))));
        Reg("rawget", (l, a) => l.Return(a.CheckTable(0).RawGet(a.CheckAny(1))));
        Reg("rawset", RawSet);
        Reg("select", Select);
        Reg("setmetatable", SetMetatable);
        Reg("tonumber", ToNumber);
        Reg("tostring", (l, a) => l.Return(ToStringValue(l, a.CheckAny(0))));
        Reg("type", (l, a) => l.Return(LuaString.FromAscii(a.CheckAny(0).TypeName)));
        Reg("unpack", Unpack);
        Reg("xpcall", XPCall);
    }

    private static readonly LuaString AssertionFailed = LuaString.FromAscii("assertion failed!");
    private static readonly LuaString MetatableKey = LuaString.FromAscii("__metatable");

    private static int Assert(LuaState l, LuaArgs a)
    {
        if (a.CheckAny(0).IsFalsy)
            throw l.Error(a.OptString(1, AssertionFailed)!.ToLatin1());
        return l.ReturnSpan(a.Span);
    }

    private static int CollectGarbage(LuaState l, LuaArgs a)
    {
        var opt = a.OptString(0, LuaString.FromAscii("collect"))!;
        switch (opt.ToString())
        {
            case "count":
                return l.Return(GC.GetTotalMemory(false) / 1024.0);
            case "step":
                return l.Return(LuaValue.False);
            case "collect":
            case "stop":
            case "restart":
            case "setpause":
            case "setstepmul":
                return l.Return(0);
            default:
                throw a.ArgError(0, "invalid option '" + opt + "'");
        }
    }

    private static int Error(LuaState l, LuaArgs a) => throw new LuaException(ErrorValue(l, a[0], a.OptInt(1, 1)));

    /// <summary>What <c>error(value, level)</c> raises: a string or number gets the position of the given level, if it has one.</summary>
    internal static LuaValue ErrorValue(LuaState l, LuaValue value, long level)
    {
        if ((value.IsString || value.IsNumber) && level > 0 && l.SiteAtLevel((int)Math.Min(level, int.MaxValue)) is { } site)
            return LuaString.Concat(LuaString.FromAscii(site.Chunk + ":" + site.Line + ": ").Span, value.CoerceToString()!.Span);
        return value;
    }

    private static int GetMetatable(LuaState l, LuaArgs a)
    {
        var mt = l.GetMetatable(a.CheckAny(0));
        if (mt is null)
            return l.Return(LuaValue.Nil);
        var protectedMt = mt.RawGet(MetatableKey);
        return l.Return(protectedMt.IsNil ? mt : protectedMt);
    }

    private static int SetMetatable(LuaState l, LuaArgs a)
    {
        var t = a.CheckTable(0);
        var mt = a[1];
        if (!mt.IsNil && !mt.IsTable)
            throw a.ArgError(1, "nil or table expected");
        t.CheckWritable();
        if (t.Metatable is not null && !t.Metatable.RawGet(MetatableKey).IsNil)
            throw l.Error("cannot change a protected metatable");
        t.Metatable = mt.IsNil ? null : mt.AsTable;
        return l.Return(t);
    }

    private static readonly LuaHostFunction IPairsStep = new("ipairs_aux", (l, a) =>
    {
        var i = a.CheckInt(1) + 1;
        var v = a.CheckTable(0).RawGet(i);
        return v.IsNil ? l.Return() : l.Return(i, v);
    });

    private static int IPairs(LuaState l, LuaArgs a) => l.Return(IPairsStep, a.CheckTable(0), 0);

    private static int Next(LuaState l, LuaArgs a)
    {
        var t = a.CheckTable(0);
        var k = a[1];
        return t.Next(ref k, out var v) ? l.Return(k, v) : l.Return(LuaValue.Nil);
    }

    private static int RawSet(LuaState l, LuaArgs a)
    {
        var t = a.CheckTable(0);
        a.CheckAny(1);
        a.CheckAny(2);
        t.CheckWritable();
        t.RawSet(a[1], a[2]);
        return l.Return(t);
    }

    private static int Select(LuaState l, LuaArgs a)
    {
        var n = a.Count;
        if (a[0].O is LuaString s && s.Length > 0 && s[0] == '#')
            return l.Return(n - 1);
        var i = a.CheckInt(0);
        if (i < 0)
            i = n + i;
        else if (i > n)
            i = n;
        if (i < 1)
            throw a.ArgError(0, "index out of range");
        return l.ReturnSpan(a.Span[i..]);
    }

    private static int ToNumber(LuaState l, LuaArgs a)
    {
        var b = a.OptInt(1, 10);
        if (b == 10)
        {
            a.CheckAny(0);
            return a[0].TryGetNumber(out var d) ? l.Return(d) : l.Return(LuaValue.Nil);
        }
        var s = a.CheckString(0).Span;
        if (b < 2 || b > 36)
            throw a.ArgError(1, "base out of range");
        // strtoul: spaces, optional sign, digits of the base, then only spaces.
        var i = 0;
        while (i < s.Length && LuaNumber.IsSpace(s[i]))
            i++;
        var neg = false;
        if (i < s.Length && (s[i] == '-' || s[i] == '+'))
        {
            neg = s[i] == '-';
            i++;
        }
        var start = i;
        ulong n = 0;
        while (i < s.Length)
        {
            var c = s[i];
            int dv = c >= '0' && c <= '9' ? c - '0' : char.IsAsciiLetter((char)c) ? (c | 0x20) - 'a' + 10 : 99;
            if (dv >= b)
                break;
            n = unchecked(n * (ulong)b + (ulong)dv);
            i++;
        }
        if (i == start)
            return l.Return(LuaValue.Nil);
        while (i < s.Length && LuaNumber.IsSpace(s[i]))
            i++;
        if (i != s.Length)
            return l.Return(LuaValue.Nil);
        return l.Return(neg ? (double)unchecked(0 - n) : n);
    }

    internal static LuaValue ToStringValue(LuaState l, LuaValue v)
    {
        var mm = l.GetMetamethod(v, MetaNames.ToStr);
        if (mm.IsNil)
            return LuaState.RawToString(v);
        var r = l.Call(mm, [v]);
        return r.Length > 0 ? r[0] : LuaValue.Nil;
    }

    private static int Unpack(LuaState l, LuaArgs a)
    {
        var t = a.CheckTable(0);
        var i = a.OptInt(1, 1);
        var e = a[2].IsNil ? t.Length : a.CheckInt(2);
        if (i > e)
            return l.Return();
        var n = (long)e - i + 1;
        if (n >= 8000)
            throw l.Error("too many results to unpack");
        var buf = new LuaValue[n];
        for (var k = 0; k < n; k++)
            buf[k] = t.RawGet(i + k);
        return l.ReturnSpan(buf);
    }

    private static int PCall(LuaState l, LuaArgs a)
    {
        a.CheckAny(0);
        var st = l.Stack;
        var depth = st.Depth;
        try
        {
            var r = l.Call(a[0], a.Span[1..]);
            return l.ReturnPrefixed(LuaValue.True, r);
        }
        catch (LuaException e)
        {
            st.Depth = depth;
            return l.Return(LuaValue.False, e.Value);
        }
    }

    private static int XPCall(LuaState l, LuaArgs a)
    {
        a.CheckAny(1);
        var handler = a[1];
        var st = l.Stack;
        var depth = st.Depth;
        try
        {
            var r = l.Call(a[0], []);
            return l.ReturnPrefixed(LuaValue.True, r);
        }
        catch (LuaException e)
        {
            st.Depth = depth;
            var r = l.Call(handler, [e.Value]);
            return l.ReturnPrefixed(LuaValue.False, r.Length > 0 ? r[..1] : [LuaValue.Nil]);
        }
    }

    private static readonly LuaString LoadChunkName = LuaString.FromAscii("=(load)");

    private static int Load(LuaState l, LuaArgs a)
    {
        var fn = a.CheckFunction(0);
        var name = a.OptString(1, LoadChunkName)!;
        var buf = new List<byte>();
        while (true)
        {
            var r = l.Call(fn, []);
            if (r.Length == 0 || r[0].IsNil)
                break;
            if (!r[0].IsString)
                return l.Return(LuaValue.Nil, LuaValue.FromAscii("reader function must return a string"));
            var s = r[0].AsString;
            if (s.Length == 0)
                break;
            buf.AddRange(s.Span);
        }
        return Compile(l, [.. buf], name.ToString());
    }

    private static int LoadString(LuaState l, LuaArgs a)
    {
        var s = a.CheckString(0);
        var name = a.OptString(1, s)!;
        return Compile(l, s.Span, name.ToLatin1());
    }

    private static int Compile(LuaState l, ReadOnlySpan<byte> src, string name)
    {
        try
        {
            return l.Return(l.Load(src, name));
        }
        catch (LuaException e)
        {
            return l.Return(LuaValue.Nil, e.Value);
        }
    }
}
