namespace Spinel.Scripting.Lua.Libraries;

/// <summary>Lua 5.1's table library (concat, foreach, foreachi, getn, insert, maxn, remove, setn, sort).</summary>
internal static class TableLibrary
{
    public static void Open(LuaState lua)
    {
        var t = new LuaTable();
        void Reg(string name, LuaHostBody body) => t.RawSet(LuaString.FromAscii(name), new LuaHostFunction(name, body));
        Reg("concat", Concat);
        Reg("foreach", ForEach);
        Reg("foreachi", ForEachI);
        Reg("getn", (l, a) => l.Return(a.CheckTable(0).Length));
        Reg("insert", Insert);
        Reg("maxn", (l, a) => l.Return(a.CheckTable(0).MaxN()));
        Reg("remove", Remove);
        Reg("setn", (l, a) =>
        {
            a.CheckTable(0);
            throw l.Error("'setn' is obsolete");
        });
        Reg("sort", Sort);
        lua.Globals.RawSet(LuaString.FromAscii("table"), t);
    }

    private static int Concat(LuaState l, LuaArgs a)
    {
        var sep = a.OptString(1, LuaString.Empty)!;
        var t = a.CheckTable(0);
        var i = a.OptInt(2, 1);
        var last = a[3].IsNil ? t.Length : a.CheckInt(3);
        var buf = new List<byte>();
        for (long k = i; k <= last; k++)
        {
            var v = t.RawGet((double)k);
            var s = v.CoerceToString() ?? throw l.Error("invalid value (" + v.TypeName + ") at index " + k + " in table for 'concat'");
            buf.AddRange(s.Span);
            if (k != last)
                buf.AddRange(sep.Span);
        }
        return l.Return(LuaString.Own([.. buf]));
    }

    private static int ForEach(LuaState l, LuaArgs a)
    {
        var t = a.CheckTable(0);
        var f = a.CheckFunction(1);
        var k = LuaValue.Nil;
        while (t.Next(ref k, out var v))
        {
            var r = l.Call(f, [k, v]);
            if (r.Length > 0 && !r[0].IsNil)
                return l.Return(r[0]);
        }
        return l.Return();
    }

    private static int ForEachI(LuaState l, LuaArgs a)
    {
        var t = a.CheckTable(0);
        var f = a.CheckFunction(1);
        var n = t.Length;
        for (var i = 1; i <= n; i++)
        {
            var r = l.Call(f, [i, t.RawGet(i)]);
            if (r.Length > 0 && !r[0].IsNil)
                return l.Return(r[0]);
        }
        return l.Return();
    }

    private static int Insert(LuaState l, LuaArgs a)
    {
        var t = a.CheckTable(0);
        var e = t.Length + 1;
        int pos;
        switch (a.Count)
        {
            case 2:
                pos = e;
                t.CheckWritable();
                break;
            case 3:
                pos = a.CheckInt(1);
                t.CheckWritable();
                if (pos > e)
                    e = pos;
                for (var i = e; i > pos; i--)
                    t.RawSet(i, t.RawGet(i - 1));
                break;
            default:
                throw l.Error("wrong number of arguments to 'insert'");
        }
        t.RawSet(pos, a[a.Count - 1]);
        return l.Return();
    }

    private static int Remove(LuaState l, LuaArgs a)
    {
        var t = a.CheckTable(0);
        var e = t.Length;
        var pos = a.OptInt(1, e);
        if (!(1 <= pos && pos <= e))
            return l.Return();
        t.CheckWritable();
        var v = t.RawGet(pos);
        for (; pos < e; pos++)
            t.RawSet(pos, t.RawGet(pos + 1));
        t.RawSet(e, LuaValue.Nil);
        return l.Return(v);
    }

    private static int Sort(LuaState l, LuaArgs a)
    {
        var t = a.CheckTable(0);
        var n = t.Length;
        LuaValue cmp = default;
        if (!a[1].IsNil)
            cmp = a.CheckFunction(1);
        new Sorter(l, t, cmp).Run(1, n);
        return l.Return();
    }

    /// <summary>The same quicksort 5.1 runs (median of three, Hoare partition), so ties and bad comparators behave alike.</summary>
    private readonly struct Sorter(LuaState l, LuaTable t, LuaValue cmp)
    {
        private bool Less(LuaValue a, LuaValue b)
        {
            if (cmp.IsNil)
                return l.LessThan(a, b);
            var r = l.Call(cmp, [a, b]);
            return r.Length > 0 && !r[0].IsFalsy;
        }

        private void Swap(int i, int j)
        {
            t.CheckWritable();
            var a = t.RawGet(i);
            t.RawSet(i, t.RawGet(j));
            t.RawSet(j, a);
        }

        public void Run(int lo, int up)
        {
            while (lo < up)
            {
                if (Less(t.RawGet(up), t.RawGet(lo)))
                    Swap(lo, up);
                if (up - lo == 1)
                    break;
                var i = (lo + up) / 2;
                if (Less(t.RawGet(i), t.RawGet(lo)))
                {
                    Swap(i, lo);
                }
                else if (Less(t.RawGet(up), t.RawGet(i)))
                {
                    Swap(i, up);
                }
                if (up - lo == 2)
                    break;
                var p = t.RawGet(i);
                Swap(i, up - 1);
                i = lo;
                var j = up - 1;
                while (true)
                {
                    while (Less(t.RawGet(++i), p))
                    {
                        if (i > up)
                            throw l.Error("invalid order function for sorting");
                    }
                    while (Less(p, t.RawGet(--j)))
                    {
                        if (j < lo)
                            throw l.Error("invalid order function for sorting");
                    }
                    if (j < i)
                        break;
                    Swap(i, j);
                }
                Swap(up - 1, i);
                if (i - lo < up - i)
                {
                    j = lo;
                    i--;
                    lo = i + 2;
                }
                else
                {
                    j = i + 1;
                    i = up;
                    up = j - 2;
                }
                Run(j, i);
            }
        }
    }
}
