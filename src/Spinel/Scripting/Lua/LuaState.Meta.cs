using System.Runtime.CompilerServices;

namespace Spinel.Scripting.Lua;

/// <summary>Metatable-aware operations shared by the evaluator and the libraries.</summary>
public sealed partial class LuaState
{
    private static readonly LuaString TrueString = LuaString.FromAscii("true");
    private static readonly LuaString FalseString = LuaString.FromAscii("false");
    private static readonly LuaString NilString = LuaString.FromAscii("nil");

    internal LuaTable? GetMetatable(LuaValue v) => v.O switch
    {
        LuaTable t => t.Metatable,
        LuaUserData u => u.Metatable,
        LuaString => StringMetatable,
        _ => null,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static LuaValue FastMeta(LuaTable? mt, int ev)
    {
        if (mt is null || (mt.AbsentFlags & (1 << ev)) != 0)
            return default;
        var r = mt.RawGet(MetaNames.Names[ev]);
        if (r.O is null)
            mt.AbsentFlags |= 1 << ev;
        return r;
    }

    internal LuaValue GetMetamethod(LuaValue v, int ev) => FastMeta(GetMetatable(v), ev);

    /// <summary>The first result of calling <paramref name="f"/> with up to three arguments.</summary>
    internal LuaValue Call1(LuaValue f, LuaValue a, LuaValue b, SourcePos? site)
    {
        var st = Stack;
        var top = st.Top;
        st.Ensure(top + 3);
        st.Slots[top] = a;
        st.Slots[top + 1] = b;
        st.Top = top + 2;
        EnterHostBoundary(st, site);
        try
        {
            var n = Invoke(f, top, 2, site, "?");
            return n > 0 ? RetBuf[0] : default;
        }
        finally
        {
            st.Top = top;
            st.CDepth--;
        }
    }

    internal void Call3(LuaValue f, LuaValue a, LuaValue b, LuaValue c, SourcePos? site)
    {
        var st = Stack;
        var top = st.Top;
        st.Ensure(top + 3);
        st.Slots[top] = a;
        st.Slots[top + 1] = b;
        st.Slots[top + 2] = c;
        st.Top = top + 3;
        EnterHostBoundary(st, site);
        try
        {
            Invoke(f, top, 3, site, "?");
        }
        finally
        {
            st.Top = top;
            st.CDepth--;
        }
    }

    // ---- indexing --------------------------------------------------------------------------------

    /// <summary><c>obj[key]</c> with __index.</summary>
    public LuaValue Index(LuaValue obj, LuaValue key) => IndexSlow(obj, key, null, null);

    /// <summary><c>obj[key] = value</c> with __newindex.</summary>
    public void SetIndex(LuaValue obj, LuaValue key, LuaValue value) => SetIndexSlow(obj, key, value, null, null);

    internal LuaValue IndexSlow(LuaValue obj, LuaValue key, SourcePos? site, string? describe)
    {
        for (var loop = 0; loop < 100; loop++)
        {
            LuaValue h;
            if (obj.O is LuaTable t)
            {
                var v = t.RawGet(key);
                if (v.O is not null)
                    return v;
                h = FastMeta(t.Metatable, MetaNames.Index);
                if (h.O is null)
                    return default;
            }
            else
            {
                h = GetMetamethod(obj, MetaNames.Index);
                if (h.O is null)
                    throw TypeError(site, "index", obj, loop == 0 ? describe : null);
            }
            if (h.O is LuaFunction)
                return Call1(h, obj, key, site);
            obj = h;
        }
        throw RuntimeError(site, "loop in gettable");
    }

    internal void SetIndexSlow(LuaValue obj, LuaValue key, LuaValue value, SourcePos? site, string? describe)
    {
        for (var loop = 0; loop < 100; loop++)
        {
            LuaValue h;
            if (obj.O is LuaTable t)
            {
                if (t.ReadOnly) throw RuntimeError(site, LuaTable.ReadOnlyMessage);
                if (t.Metatable is null || t.RawGet(key).O is not null
                    || (h = FastMeta(t.Metatable, MetaNames.NewIndex)).O is null)
                {
                    RawSetChecked(t, key, value, site);
                    return;
                }
            }
            else
            {
                h = GetMetamethod(obj, MetaNames.NewIndex);
                if (h.O is null)
                    throw TypeError(site, "index", obj, loop == 0 ? describe : null);
            }
            if (h.O is LuaFunction)
            {
                Call3(h, obj, key, value, site);
                return;
            }
            obj = h;
        }
        throw RuntimeError(site, "loop in settable");
    }

    internal static void RawSetChecked(LuaTable t, LuaValue key, LuaValue value, SourcePos? site)
    {
        if (key.O is null)
            throw RuntimeError(site, "table index is nil");
        if (key.IsNumber && double.IsNaN(key.N))
            throw RuntimeError(site, "table index is NaN");
        t.RawSet(key, value);
    }

    internal static LuaException TypeError(SourcePos? site, string op, LuaValue v, string? describe) =>
        RuntimeError(site, "attempt to " + op + " " + (describe is null ? "a " : describe + " (a ") + v.TypeName + " value" + (describe is null ? "" : ")"));

    // ---- tostring --------------------------------------------------------------------------------

    /// <summary><c>tostring(v)</c>: __tostring if present, else 5.1's default rendering.</summary>
    public LuaString ToStringMeta(LuaValue v)
    {
        var mm = GetMetamethod(v, MetaNames.ToStr);
        if (mm.O is not null)
        {
            var r = Call1(mm, v, default, null);
            return r.CoerceToString() ?? throw Error("'__tostring' must return a string");
        }
        return RawToString(v);
    }

    internal static LuaString RawToString(LuaValue v)
    {
        switch (v.Type)
        {
            case LuaType.Nil:
                return NilString;
            case LuaType.Boolean:
                return v.Boolean ? TrueString : FalseString;
            case LuaType.Number:
                return LuaNumber.Format(v.N);
            case LuaType.String:
                return v.AsString;
            default:
                return LuaString.FromAscii(v.TypeName + ": " + Address(v.O!));
        }
    }

    /// <summary>A stable pseudo-address for an object, printed as %p would.</summary>
    internal static string Address(object o) => "0x" + (0x5580_0000_0000L + ((long)RuntimeHelpers.GetHashCode(o) << 4)).ToString("x12");

    // ---- comparisons -----------------------------------------------------------------------------

    /// <summary><c>a == b</c> with __eq.</summary>
    public bool Equal(LuaValue a, LuaValue b) => a.Equals(b) || EqualSlow(a, b, null);

    internal bool EqualSlow(LuaValue a, LuaValue b, SourcePos? site)
    {
        LuaTable? ma, mb;
        if (a.O is LuaTable ta && b.O is LuaTable tb)
        {
            ma = ta.Metatable;
            mb = tb.Metatable;
        }
        else if (a.O is LuaUserData ua && b.O is LuaUserData ub)
        {
            ma = ua.Metatable;
            mb = ub.Metatable;
        }
        else
        {
            return false;
        }
        var m1 = FastMeta(ma, MetaNames.Eq);
        if (m1.O is null)
            return false;
        if (!ReferenceEquals(ma, mb))
        {
            var m2 = FastMeta(mb, MetaNames.Eq);
            if (!m1.Equals(m2))
                return false;
        }
        return !Call1(m1, a, b, site).IsFalsy;
    }

    /// <summary><c>a &lt; b</c> with __lt.</summary>
    public bool LessThan(LuaValue a, LuaValue b) => LessThan(a, b, null);

    /// <summary><c>a &lt;= b</c> with __le (or not __lt(b, a)).</summary>
    public bool LessEqual(LuaValue a, LuaValue b) => LessEqual(a, b, null);

    internal bool LessThan(LuaValue a, LuaValue b, SourcePos? site)
    {
        if (a.IsNumber && b.IsNumber)
            return a.N < b.N;
        if (a.O is LuaString sa && b.O is LuaString sb)
            return sa.CompareTo(sb) < 0;
        if (a.Type != b.Type)
            throw OrderError(a, b, site);
        var r = OrderMeta(a, b, MetaNames.Lt, site, out var found);
        if (!found)
            throw OrderError(a, b, site);
        return r;
    }

    internal bool LessEqual(LuaValue a, LuaValue b, SourcePos? site)
    {
        if (a.IsNumber && b.IsNumber)
            return a.N <= b.N;
        if (a.O is LuaString sa && b.O is LuaString sb)
            return sa.CompareTo(sb) <= 0;
        if (a.Type != b.Type)
            throw OrderError(a, b, site);
        var r = OrderMeta(a, b, MetaNames.Le, site, out var found);
        if (found)
            return r;
        r = OrderMeta(b, a, MetaNames.Lt, site, out found);
        if (found)
            return !r;
        throw OrderError(a, b, site);
    }

    private bool OrderMeta(LuaValue a, LuaValue b, int ev, SourcePos? site, out bool found)
    {
        var m1 = GetMetamethod(a, ev);
        found = false;
        if (m1.O is null)
            return false;
        var m2 = GetMetamethod(b, ev);
        if (!m1.Equals(m2))
            return false;
        found = true;
        return !Call1(m1, a, b, site).IsFalsy;
    }

    internal static LuaException OrderError(LuaValue a, LuaValue b, SourcePos? site)
    {
        var t1 = a.TypeName;
        var t2 = b.TypeName;
        return RuntimeError(site, t1 == t2 ? "attempt to compare two " + t1 + " values" : "attempt to compare " + t1 + " with " + t2);
    }

    // ---- arithmetic, concatenation, length -------------------------------------------------------

    internal static double ArithOp(int ev, double x, double y) => ev switch
    {
        MetaNames.Add => x + y,
        MetaNames.Sub => x - y,
        MetaNames.Mul => x * y,
        MetaNames.Div => x / y,
        MetaNames.Mod => x - Math.Floor(x / y) * y,
        MetaNames.Pow => Math.Pow(x, y),
        _ => -x,
    };

    /// <summary>Arithmetic on values that are not both numbers: string coercion, then the metamethod.</summary>
    internal LuaValue ArithSlow(int ev, LuaValue a, LuaValue b, SourcePos? site, string? describeA, string? describeB)
    {
        if (a.TryGetNumber(out var x) && b.TryGetNumber(out var y))
            return ArithOp(ev, x, y);
        var mm = GetMetamethod(a, ev);
        if (mm.O is null)
            mm = GetMetamethod(b, ev);
        if (mm.O is null)
        {
            if (a.TryGetNumber(out _))
                throw TypeError(site, "perform arithmetic on", b, describeB);
            throw TypeError(site, "perform arithmetic on", a, describeA);
        }
        return Call1(mm, a, b, site);
    }

    internal LuaValue ConcatSlow(LuaValue a, LuaValue b, SourcePos? site, string? describeA, string? describeB)
    {
        var sa = a.CoerceToString();
        var sb = b.CoerceToString();
        if (sa is not null && sb is not null)
            return LuaString.Concat(sa.Span, sb.Span);
        var mm = GetMetamethod(a, MetaNames.Concat);
        if (mm.O is null)
            mm = GetMetamethod(b, MetaNames.Concat);
        if (mm.O is null)
        {
            if (sa is not null)
                throw TypeError(site, "concatenate", b, describeB);
            throw TypeError(site, "concatenate", a, describeA);
        }
        return Call1(mm, a, b, site);
    }

    internal LuaValue LengthSlow(LuaValue v, SourcePos? site, string? describe)
    {
        if (v.O is LuaString s)
            return s.Length;
        if (v.O is LuaTable t)
            return t.Length;
        var mm = GetMetamethod(v, MetaNames.Len);
        if (mm.O is null)
            throw TypeError(site, "get length of", v, describe);
        return Call1(mm, v, default, site);
    }
}
