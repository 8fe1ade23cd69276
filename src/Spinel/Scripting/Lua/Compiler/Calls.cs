namespace Spinel.Scripting.Lua.Compiler;

/// <summary>
/// A call <c>f(args)</c> or method call <c>o:m(args)</c>. Arguments are written to the frame's temporary
/// slots from <c>temp</c>; the callee's results land in the state's result buffer.
/// </summary>
internal sealed class CallExpr(Expr fn, LuaString? method, Expr[] args, int temp, SourcePos pos, string name) : Expr
{
    public readonly SourcePos Pos = pos;

    public int Invoke(ref Frame f)
    {
        var n = PushArguments(ref f, out var fnv, out var argBase);
        if (fnv.O is LuaClosure c)
            return f.L.InvokeClosure(c, argBase, n, Pos);
        if (fnv.O is LuaHostFunction h)
            return f.L.InvokeHost(h, argBase, n, Pos, name, method is not null);
        return CallSlow(ref f, fnv, argBase, n);
    }

    /// <summary>
    /// <c>return f(args)</c>: a Lua function is left for the caller's <see cref="LuaState.InvokeClosure"/> to run
    /// in this frame's place (see <see cref="LuaState.TailCallee"/>); anything else is called here.
    /// </summary>
    public void InvokeAsTail(ref Frame f)
    {
        var n = PushArguments(ref f, out var fnv, out var argBase);
        var L = f.L;
        if (fnv.O is LuaClosure c)
        {
            L.TailCallee = c;
            L.TailArgBase = argBase;
            L.TailArgCount = n;
            L.TailSite = Pos;
            return;
        }
        L.RetCount = fnv.O is LuaHostFunction h ? L.InvokeHost(h, argBase, n, Pos, name, method is not null) : CallSlow(ref f, fnv, argBase, n);
    }

    /// <summary>Evaluates the function and writes the arguments from the frame's temporary slots; returns how many.</summary>
    private int PushArguments(ref Frame f, out LuaValue fnv, out int argBase)
    {
        argBase = f.Base + temp;
        var n = 0;
        if (method is null)
        {
            fnv = fn.Eval(ref f);
        }
        else
        {
            var self = fn.Eval(ref f);
            if (self.O is LuaTable t && ((fnv = t.RawGet(method)).O is not null || t.Metatable is null))
            {
            }
            else
            {
                fnv = f.L.IndexSlow(self, method, Pos, fn.Describe);
            }
            f.S.Slots[argBase] = self;
            n = 1;
        }
        var last = args.Length - 1;
        for (var i = 0; i <= last; i++)
        {
            var a = args[i];
            if (i == last && a.IsMulti)
            {
                n += a.EvalMulti(ref f, argBase + n);
            }
            else
            {
                var v = a.Eval(ref f);
                f.S.Slots[argBase + n++] = v;
            }
        }
        return n;
    }

    private int CallSlow(ref Frame f, LuaValue fnv, int argBase, int n)
    {
        if (f.L.GetMetamethod(fnv, MetaNames.Call).O is not LuaFunction)
            throw LuaState.TypeError(Pos, "call", fnv, method is null ? fn.Describe : "method '" + method + "'");
        return f.L.Invoke(fnv, argBase, n, Pos, name);
    }

    public override LuaValue Eval(ref Frame f) => Invoke(ref f) > 0 ? f.L.RetBuf[0] : default;

    public override bool IsMulti => true;

    public override int EvalMulti(ref Frame f, int dst)
    {
        var n = Invoke(ref f);
        f.S.Ensure(dst + n + 1);
        Array.Copy(f.L.RetBuf, 0, f.S.Slots, dst, n);
        return n;
    }
}

internal sealed class CallStat(CallExpr call) : Stat
{
    public override Flow Exec(ref Frame f)
    {
        call.Invoke(ref f);
        return Flow.Normal;
    }
}

internal sealed class ReturnStat(Expr[] exprs, int temp) : Stat
{
    public override Flow Exec(ref Frame f)
    {
        var L = f.L;
        switch (exprs.Length)
        {
            case 0:
                L.RetCount = 0;
                return Flow.Return;
            case 1:
                if (exprs[0] is CallExpr c)
                {
                    c.InvokeAsTail(ref f);
                    return Flow.Return;
                }
                if (!exprs[0].IsMulti)
                {
                    var v = exprs[0].Eval(ref f);
                    L.RetBuf[0] = v;
                    L.RetCount = 1;
                    return Flow.Return;
                }
                break;
        }
        var dst = f.Base + temp;
        var n = 0;
        var last = exprs.Length - 1;
        for (var i = 0; i <= last; i++)
        {
            if (i == last && exprs[i].IsMulti)
            {
                n += exprs[i].EvalMulti(ref f, dst + n);
            }
            else
            {
                var v = exprs[i].Eval(ref f);
                f.S.Slots[dst + n++] = v;
            }
        }
        L.EnsureRet(n);
        Array.Copy(f.S.Slots, dst, L.RetBuf, 0, n);
        L.RetCount = n;
        return Flow.Return;
    }
}
