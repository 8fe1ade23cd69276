using System.Runtime.CompilerServices;

namespace Spinel.Scripting.Lua.Compiler;

internal sealed class Block(Stat[] body) : Stat
{
    public readonly Stat[] Body = body;

    public override Flow Exec(ref Frame f)
    {
        foreach (var s in Body)
        {
            var r = s.Exec(ref f);
            if (r != Flow.Normal)
                return r;
        }
        return Flow.Normal;
    }
}

internal sealed class BreakStat : Stat
{
    public override Flow Exec(ref Frame f) => Flow.Break;
}

/// <summary>Helpers for writing a local's slot, boxed or not.</summary>
internal static class Slots
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Declare(ref Frame f, int slot, bool boxed, LuaValue v) =>
        f.S.Slots[f.Base + slot] = boxed ? LuaValue.FromObject(new UpBox(v)) : v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Assign(ref Frame f, int slot, bool boxed, LuaValue v)
    {
        if (boxed)
            Unsafe.As<UpBox>(f.S.Slots[f.Base + slot].O!).V = v;
        else
            f.S.Slots[f.Base + slot] = v;
    }
}

internal static class ExpList
{
    /// <summary>
    /// Evaluates an expression list into <paramref name="wanted"/> slots from <paramref name="dst"/> by Lua's
    /// adjustment rule: a last multi-valued expression fills what is left, surplus values are evaluated and
    /// dropped, missing ones are nil.
    /// </summary>
    public static void EvalAdjusted(ref Frame f, Expr[] exprs, int dst, int wanted)
    {
        var n = 0;
        for (var i = 0; i < exprs.Length; i++)
        {
            var e = exprs[i];
            if (i == exprs.Length - 1 && e.IsMulti && n < wanted)
                n += e.EvalMulti(ref f, dst + n);
            else if (n < wanted)
            {
                var v = e.Eval(ref f);
                f.S.Slots[dst + n++] = v;
            }
            else
                e.Eval(ref f);
        }
        for (var i = n; i < wanted; i++)
            f.S.Slots[dst + i] = default;
    }
}

/// <summary><c>local a, b, c = explist</c>: values are computed straight into the new locals' slots.</summary>
internal sealed class LocalStat(LocalVar[] vars, Expr[] exprs) : Stat, ILocalUse
{
    private bool[] _boxed = new bool[vars.Length];
    private bool _anyBoxed;

    public void Finish()
    {
        _boxed = vars.Select(v => v.Captured).ToArray();
        _anyBoxed = _boxed.Any(b => b);
    }

    public override Flow Exec(ref Frame f)
    {
        var first = vars[0].Slot;
        if (vars.Length == 1 && exprs.Length == 1 && !_anyBoxed)
        {
            var v = exprs[0].Eval(ref f);
            f.S.Slots[f.Base + first] = v;
            return Flow.Normal;
        }
        var dst = f.Base + first;
        ExpList.EvalAdjusted(ref f, exprs, dst, vars.Length);
        var slots = f.S.Slots;
        if (_anyBoxed)
        {
            for (var i = 0; i < vars.Length; i++)
            {
                if (_boxed[i])
                    slots[dst + i] = LuaValue.FromObject(new UpBox(slots[dst + i]));
            }
        }
        return Flow.Normal;
    }
}

internal sealed class LocalFunctionStat(LocalVar v, Expr fn) : Stat, ILocalUse
{
    private bool _boxed;

    public void Finish() => _boxed = v.Captured;

    public override Flow Exec(ref Frame f)
    {
        if (_boxed)
        {
            var box = new UpBox(default);
            f.S.Slots[f.Base + v.Slot] = LuaValue.FromObject(box);
            box.V = fn.Eval(ref f);
        }
        else
        {
            var c = fn.Eval(ref f);
            f.S.Slots[f.Base + v.Slot] = c;
        }
        return Flow.Normal;
    }
}

internal sealed class LocalAssign(LocalVar v, Expr value) : Stat, ILocalUse
{
    private bool _boxed;

    public void Finish() => _boxed = v.Captured;

    public override Flow Exec(ref Frame f)
    {
        var x = value.Eval(ref f);
        Slots.Assign(ref f, v.Slot, _boxed, x);
        return Flow.Normal;
    }
}

internal sealed class UpvalAssign(int index, Expr value) : Stat
{
    public override Flow Exec(ref Frame f)
    {
        f.Up[index].V = value.Eval(ref f);
        return Flow.Normal;
    }
}

internal sealed class GlobalAssign(LuaString name, Expr value, SourcePos pos) : Stat
{
    public override Flow Exec(ref Frame f)
    {
        var v = value.Eval(ref f);
        var g = f.L.Globals;
        if (g.Metatable is null && !g.ReadOnly)
            g.RawSet(name, v);
        else
            f.L.SetIndexSlow(g, name, v, pos, null);
        return Flow.Normal;
    }
}

internal sealed class IndexAssign(Expr obj, Expr key, Expr value, SourcePos pos) : Stat
{
    public override Flow Exec(ref Frame f)
    {
        var o = obj.Eval(ref f);
        var k = key.Eval(ref f);
        var v = value.Eval(ref f);
        if (o.O is LuaTable t && t.Metatable is null && !t.ReadOnly)
            LuaState.RawSetChecked(t, k, v, pos);
        else
            f.L.SetIndexSlow(o, k, v, pos, obj.Describe);
        return Flow.Normal;
    }
}

/// <summary>An assignment target in a multiple assignment.</summary>
internal abstract class Target
{
    /// <summary>Evaluates the table and key (into slots at <paramref name="slot"/>) before any value is computed.</summary>
    public virtual void Prepare(ref Frame f, int slot)
    {
    }

    public virtual int PrepareSlots => 0;

    public abstract void Store(ref Frame f, int slot, LuaValue v);
}

internal sealed class LocalTarget(LocalVar v) : Target, ILocalUse
{
    private bool _boxed;

    public void Finish() => _boxed = v.Captured;

    public override void Store(ref Frame f, int slot, LuaValue x) => Slots.Assign(ref f, v.Slot, _boxed, x);
}

internal sealed class UpvalTarget(int index) : Target
{
    public override void Store(ref Frame f, int slot, LuaValue x) => f.Up[index].V = x;
}

internal sealed class GlobalTarget(LuaString name, SourcePos pos) : Target
{
    public override void Store(ref Frame f, int slot, LuaValue x)
    {
        var g = f.L.Globals;
        if (g.Metatable is null && !g.ReadOnly)
            g.RawSet(name, x);
        else
            f.L.SetIndexSlow(g, name, x, pos, null);
    }
}

internal sealed class IndexTarget(Expr obj, Expr key, SourcePos pos) : Target
{
    public override int PrepareSlots => 2;

    public override void Prepare(ref Frame f, int slot)
    {
        var o = obj.Eval(ref f);
        f.S.Slots[f.Base + slot] = o;
        var k = key.Eval(ref f);
        f.S.Slots[f.Base + slot + 1] = k;
    }

    public override void Store(ref Frame f, int slot, LuaValue v)
    {
        var o = f.S.Slots[f.Base + slot];
        var k = f.S.Slots[f.Base + slot + 1];
        if (o.O is LuaTable t && t.Metatable is null && !t.ReadOnly)
            LuaState.RawSetChecked(t, k, v, pos);
        else
            f.L.SetIndexSlow(o, k, v, pos, obj.Describe);
    }
}

/// <summary><c>a, b.c, d[e] = explist</c>: targets first, then values (adjusted), then stores from last to first.</summary>
internal sealed class MultiAssign(Target[] targets, int[] targetSlots, Expr[] exprs, int valueSlot) : Stat
{
    public override Flow Exec(ref Frame f)
    {
        for (var i = 0; i < targets.Length; i++)
            targets[i].Prepare(ref f, targetSlots[i]);
        var dst = f.Base + valueSlot;
        ExpList.EvalAdjusted(ref f, exprs, dst, targets.Length);
        for (var i = targets.Length - 1; i >= 0; i--)
            targets[i].Store(ref f, targetSlots[i], f.S.Slots[dst + i]);
        return Flow.Normal;
    }
}

internal sealed class DoStat(Block body) : Stat
{
    public override Flow Exec(ref Frame f) => body.Exec(ref f);
}

internal sealed class IfStat(Expr[] conds, Block[] blocks, Block? elseBlock) : Stat
{
    public override Flow Exec(ref Frame f)
    {
        for (var i = 0; i < conds.Length; i++)
        {
            if (!conds[i].Eval(ref f).IsFalsy)
                return blocks[i].Exec(ref f);
        }
        return elseBlock is null ? Flow.Normal : elseBlock.Exec(ref f);
    }
}

internal sealed class WhileStat(Expr cond, Block body, SourcePos pos) : Stat
{
    public override Flow Exec(ref Frame f)
    {
        while (true)
        {
            f.L.Tick(pos);
            if (cond.Eval(ref f).IsFalsy)
                return Flow.Normal;
            var r = body.Exec(ref f);
            if (r == Flow.Break)
                return Flow.Normal;
            if (r == Flow.Return)
                return r;
        }
    }
}

internal sealed class RepeatStat(Block body, Expr cond, SourcePos pos) : Stat
{
    public override Flow Exec(ref Frame f)
    {
        while (true)
        {
            f.L.Tick(pos);
            var r = body.Exec(ref f);
            if (r == Flow.Break)
                return Flow.Normal;
            if (r == Flow.Return)
                return r;
            if (!cond.Eval(ref f).IsFalsy)
                return Flow.Normal;
        }
    }
}

internal sealed class NumericForStat(LocalVar v, Expr start, Expr limit, Expr? step, Block body, SourcePos pos) : Stat, ILocalUse
{
    private bool _boxed;

    public void Finish() => _boxed = v.Captured;

    public override Flow Exec(ref Frame f)
    {
        if (!start.Eval(ref f).TryGetNumber(out var i))
            throw LuaState.RuntimeError(pos, "'for' initial value must be a number");
        if (!limit.Eval(ref f).TryGetNumber(out var lim))
            throw LuaState.RuntimeError(pos, "'for' limit must be a number");
        double st = 1;
        if (step is not null && !step.Eval(ref f).TryGetNumber(out st))
            throw LuaState.RuntimeError(pos, "'for' step must be a number");
        var slot = v.Slot;
        var L = f.L;
        while (st > 0 ? i <= lim : i >= lim)
        {
            L.Tick(pos);
            Slots.Declare(ref f, slot, _boxed, i);
            var r = body.Exec(ref f);
            if (r == Flow.Break)
                return Flow.Normal;
            if (r == Flow.Return)
                return r;
            i += st;
        }
        return Flow.Normal;
    }
}

/// <summary>
/// <c>for a, b in explist do</c>. The iterator triple lives in three hidden slots at <c>state</c>; the loop
/// variables follow. Iterating with <c>next</c> (what pairs returns) walks the table directly.
/// </summary>
internal sealed class GenericForStat(LocalVar[] vars, Expr[] exprs, int state, Block body, SourcePos pos) : Stat, ILocalUse
{
    private bool[] _boxed = new bool[vars.Length];

    public void Finish() => _boxed = vars.Select(x => x.Captured).ToArray();

    public override Flow Exec(ref Frame f)
    {
        var dst = f.Base + state;
        var n = 0;
        for (var i = 0; i < exprs.Length; i++)
        {
            var e = exprs[i];
            if (i == exprs.Length - 1 && e.IsMulti && n < 3)
            {
                n += e.EvalMulti(ref f, dst + n);
            }
            else if (n < 3)
            {
                var v = e.Eval(ref f);
                f.S.Slots[dst + n++] = v;
            }
            else
            {
                e.Eval(ref f);
            }
        }
        for (var i = n; i < 3; i++)
            f.S.Slots[dst + i] = default;
        var L = f.L;
        var fn = f.S.Slots[dst];
        var s = f.S.Slots[dst + 1];
        var ctrl = f.S.Slots[dst + 2];
        var varSlot = state + 3;
        var callBase = varSlot + vars.Length;
        if (ReferenceEquals(fn.O, L.NextFunction) && s.O is LuaTable t)
        {
            while (true)
            {
                L.Tick(pos);
                if (!t.Next(ref ctrl, out var val))
                    return Flow.Normal;
                Slots.Declare(ref f, varSlot, _boxed[0], ctrl);
                if (vars.Length > 1)
                {
                    Slots.Declare(ref f, varSlot + 1, _boxed[1], val);
                    for (var i = 2; i < vars.Length; i++)
                        Slots.Declare(ref f, varSlot + i, _boxed[i], default);
                }
                var r = body.Exec(ref f);
                if (r == Flow.Break)
                    return Flow.Normal;
                if (r == Flow.Return)
                    return r;
            }
        }
        while (true)
        {
            L.Tick(pos);
            var cb = f.Base + callBase;
            f.S.Ensure(cb + 3);
            f.S.Slots[cb] = s;
            f.S.Slots[cb + 1] = ctrl;
            var rn = L.Invoke(fn, cb, 2, pos, "?");
            var first = rn > 0 ? L.RetBuf[0] : default;
            if (first.O is null)
                return Flow.Normal;
            ctrl = first;
            for (var i = 0; i < vars.Length; i++)
                Slots.Declare(ref f, varSlot + i, _boxed[i], i < rn ? L.RetBuf[i] : default);
            var r = body.Exec(ref f);
            if (r == Flow.Break)
                return Flow.Normal;
            if (r == Flow.Return)
                return r;
        }
    }
}
