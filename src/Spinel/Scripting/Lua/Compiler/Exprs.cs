using System.Runtime.CompilerServices;

namespace Spinel.Scripting.Lua.Compiler;

internal sealed class ConstExpr(LuaValue v) : Expr
{
    public LuaValue V = v;

    /// <summary>Folded into another constant (e.g. the operand of a folded unary minus); not in the constant table.</summary>
    public bool Folded;

    public override LuaValue Eval(ref Frame f) => V;

    public override bool IsConstant(out LuaValue v)
    {
        v = V;
        return true;
    }
}

/// <summary>A local variable of the function being compiled.</summary>
internal sealed class LocalVar(string name, int slot)
{
    public readonly string Name = name;
    public readonly int Slot = slot;
    public bool Captured;
}

/// <summary>Nodes that read or write a local learn at the end of the function whether it was captured.</summary>
internal interface ILocalUse
{
    void Finish();
}

internal sealed class LocalExpr(LocalVar v) : Expr, ILocalUse
{
    private readonly int _slot = v.Slot;
    private bool _boxed;
    public readonly LocalVar Var = v;

    public void Finish() => _boxed = Var.Captured;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override LuaValue Eval(ref Frame f)
    {
        var v = f.S.Slots[f.Base + _slot];
        return _boxed ? Unsafe.As<UpBox>(v.O!).V : v;
    }

    public override string? Describe => "local '" + Var.Name + "'";
}

internal sealed class UpvalExpr(int index, string name) : Expr
{
    public readonly int Index = index;
    public readonly string Name = name;

    public override LuaValue Eval(ref Frame f) => f.Up[Index].V;

    public override string? Describe => "upvalue '" + Name + "'";
}

internal sealed class GlobalExpr(LuaString name, SourcePos pos) : Expr
{
    public readonly LuaString Name = name;

    public override LuaValue Eval(ref Frame f)
    {
        var g = f.L.Globals;
        var v = g.RawGet(Name);
        if (v.O is not null || g.Metatable is null)
            return v;
        return f.L.IndexSlow(g, Name, pos, null);
    }

    public override string? Describe => "global '" + Name + "'";
}

internal sealed class VarargExpr : Expr
{
    public override LuaValue Eval(ref Frame f) => f.VarCount > 0 ? f.S.Slots[f.VarBase] : default;

    public override bool IsMulti => true;

    public override int EvalMulti(ref Frame f, int dst)
    {
        var n = f.VarCount;
        f.S.Ensure(dst + n + 1);
        Array.Copy(f.S.Slots, f.VarBase, f.S.Slots, dst, n);
        return n;
    }
}

/// <summary>Parenthesised multi-value expression: adjusted to one value.</summary>
internal sealed class ParenExpr(Expr inner) : Expr
{
    public override LuaValue Eval(ref Frame f) => inner.Eval(ref f);

    public override string? Describe => inner.IsMulti ? null : inner.Describe;
}

internal sealed class IndexExpr(Expr obj, Expr key, SourcePos pos) : Expr
{
    public readonly Expr Obj = obj;
    public readonly Expr Key = key;
    public readonly SourcePos Pos = pos;

    public override LuaValue Eval(ref Frame f)
    {
        var o = Obj.Eval(ref f);
        var k = Key.Eval(ref f);
        if (o.O is LuaTable t)
        {
            var v = t.RawGet(k);
            if (v.O is not null || t.Metatable is null)
                return v;
        }
        return f.L.IndexSlow(o, k, Pos, Obj.Describe);
    }

    // 5.1 names any indexed value a field; only a constant string key gives it a name.
    public override string? Describe => Key.IsConstant(out var k) && k.IsString ? "field '" + k.AsString + "'" : "field '?'";
}

/// <summary><c>obj.name</c> with a constant string key.</summary>
internal sealed class FieldExpr(Expr obj, LuaString key, SourcePos pos) : Expr
{
    public readonly Expr Obj = obj;
    public readonly LuaString Key = key;

    public override LuaValue Eval(ref Frame f)
    {
        var o = Obj.Eval(ref f);
        if (o.O is LuaTable t)
        {
            var v = t.RawGet(Key);
            if (v.O is not null || t.Metatable is null)
                return v;
        }
        return f.L.IndexSlow(o, Key, pos, Obj.Describe);
    }

    public override string? Describe => "field '" + Key + "'";
}

internal sealed class AndExpr(Expr a, Expr b) : Expr
{
    public override LuaValue Eval(ref Frame f)
    {
        var v = a.Eval(ref f);
        return v.IsFalsy ? v : b.Eval(ref f);
    }
}

internal sealed class OrExpr(Expr a, Expr b) : Expr
{
    public override LuaValue Eval(ref Frame f)
    {
        var v = a.Eval(ref f);
        return v.IsFalsy ? b.Eval(ref f) : v;
    }
}

internal sealed class NotExpr(Expr a) : Expr
{
    public override LuaValue Eval(ref Frame f) => a.Eval(ref f).IsFalsy;
}

internal sealed class ArithExpr(int op, Expr a, Expr b, SourcePos pos) : Expr
{
    public override LuaValue Eval(ref Frame f)
    {
        var x = a.Eval(ref f);
        var y = b.Eval(ref f);
        if (x.IsNumber && y.IsNumber)
        {
            return op switch
            {
                MetaNames.Add => x.N + y.N,
                MetaNames.Sub => x.N - y.N,
                MetaNames.Mul => x.N * y.N,
                MetaNames.Div => x.N / y.N,
                MetaNames.Mod => x.N - Math.Floor(x.N / y.N) * y.N,
                _ => Math.Pow(x.N, y.N),
            };
        }
        return f.L.ArithSlow(op, x, y, pos, a.Describe, b.Describe);
    }
}

internal sealed class AddExpr(Expr a, Expr b, SourcePos pos) : Expr
{
    public override LuaValue Eval(ref Frame f)
    {
        var x = a.Eval(ref f);
        var y = b.Eval(ref f);
        if (x.IsNumber && y.IsNumber)
            return x.N + y.N;
        return f.L.ArithSlow(MetaNames.Add, x, y, pos, a.Describe, b.Describe);
    }
}

internal sealed class SubExpr(Expr a, Expr b, SourcePos pos) : Expr
{
    public override LuaValue Eval(ref Frame f)
    {
        var x = a.Eval(ref f);
        var y = b.Eval(ref f);
        if (x.IsNumber && y.IsNumber)
            return x.N - y.N;
        return f.L.ArithSlow(MetaNames.Sub, x, y, pos, a.Describe, b.Describe);
    }
}

internal sealed class NegExpr(Expr a, SourcePos pos) : Expr
{
    public override LuaValue Eval(ref Frame f)
    {
        var x = a.Eval(ref f);
        if (x.IsNumber)
            return -x.N;
        return f.L.ArithSlow(MetaNames.Unm, x, x, pos, a.Describe, a.Describe);
    }
}

internal sealed class LenExpr(Expr a, SourcePos pos) : Expr
{
    public override LuaValue Eval(ref Frame f)
    {
        var x = a.Eval(ref f);
        if (x.O is LuaTable t)
            return t.Length;
        if (x.O is LuaString s)
            return s.Length;
        return f.L.LengthSlow(x, pos, a.Describe);
    }
}

internal sealed class ConcatExpr(Expr a, Expr b, SourcePos pos) : Expr
{
    public override LuaValue Eval(ref Frame f)
    {
        var x = a.Eval(ref f);
        var y = b.Eval(ref f);
        if (x.O is LuaString sx && y.O is LuaString sy)
            return LuaString.Concat(sx.Span, sy.Span);
        return f.L.ConcatSlow(x, y, pos, a.Describe, b.Describe);
    }
}

internal sealed class EqExpr(Expr a, Expr b, bool negate, SourcePos pos) : Expr
{
    public override LuaValue Eval(ref Frame f)
    {
        var x = a.Eval(ref f);
        var y = b.Eval(ref f);
        var r = x.Equals(y) || (x.O is LuaTable or LuaUserData && f.L.EqualSlow(x, y, pos));
        return r != negate;
    }
}

/// <summary>a &lt; b, or (swapped) a &gt; b as b &lt; a, as 5.1 compiles them.</summary>
internal sealed class LtExpr(Expr a, Expr b, bool swap, SourcePos pos) : Expr
{
    public override LuaValue Eval(ref Frame f)
    {
        var x = a.Eval(ref f);
        var y = b.Eval(ref f);
        if (swap)
            (x, y) = (y, x);
        if (x.IsNumber && y.IsNumber)
            return x.N < y.N;
        return f.L.LessThan(x, y, pos);
    }
}

internal sealed class LeExpr(Expr a, Expr b, bool swap, SourcePos pos) : Expr
{
    public override LuaValue Eval(ref Frame f)
    {
        var x = a.Eval(ref f);
        var y = b.Eval(ref f);
        if (swap)
            (x, y) = (y, x);
        if (x.IsNumber && y.IsNumber)
            return x.N <= y.N;
        return f.L.LessEqual(x, y, pos);
    }
}

internal sealed class TableExpr(Expr[] arrayItems, Expr[] keys, Expr[] values, int tempSlot, SourcePos pos) : Expr
{
    public override LuaValue Eval(ref Frame f)
    {
        var n = arrayItems.Length;
        var lastMulti = n > 0 && arrayItems[n - 1].IsMulti;
        var t = new LuaTable(LuaTable.ConstructorSize(lastMulti ? n - 1 : n), LuaTable.ConstructorSize(keys.Length));
        for (var i = 0; i < keys.Length; i++)
        {
            var k = keys[i].Eval(ref f);
            var v = values[i].Eval(ref f);
            LuaState.RawSetChecked(t, k, v, pos);
        }
        for (var i = 0; i < n; i++)
        {
            if (i == n - 1 && lastMulti)
            {
                var dst = f.Base + tempSlot;
                var c = arrayItems[i].EvalMulti(ref f, dst);
                var slots = f.S.Slots;
                for (var j = 0; j < c; j++)
                    t.RawSet(i + 1 + j, slots[dst + j]);
            }
            else
            {
                t.RawSet(i + 1, arrayItems[i].Eval(ref f));
            }
        }
        return t;
    }
}

/// <summary>Where a closure's upvalue comes from: a local slot of the enclosing function or one of its upvalues.</summary>
internal readonly record struct UpvalSource(bool FromLocal, int Index);

internal sealed class FunctionExpr(FunctionProto proto, UpvalSource[] sources) : Expr
{
    public override LuaValue Eval(ref Frame f)
    {
        var ups = sources.Length == 0 ? [] : new UpBox[sources.Length];
        for (var i = 0; i < sources.Length; i++)
        {
            var s = sources[i];
            ups[i] = s.FromLocal ? Unsafe.As<UpBox>(f.S.Slots[f.Base + s.Index].O!) : f.Up[s.Index];
        }
        return new LuaClosure(proto, ups);
    }
}
