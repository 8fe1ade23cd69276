namespace Spinel.Scripting.Lua.Compiler;

/// <summary>One activation of a Lua function: where its slots start on the stack, its upvalues and varargs.</summary>
internal struct Frame
{
    public LuaState L;
    public ExecStack S;
    public int Base;
    public UpBox[] Up;
    public int VarBase;
    public int VarCount;
}

internal enum Flow
{
    Normal,
    Break,
    Return,
}

/// <summary>An expression node. <see cref="Eval"/> gives one value; multi-valued nodes (calls, "...") override <see cref="EvalMulti"/>.</summary>
internal abstract class Expr
{
    public abstract LuaValue Eval(ref Frame f);

    /// <summary>Writes all values to stack slots from <paramref name="dst"/> (absolute); returns how many.</summary>
    public virtual int EvalMulti(ref Frame f, int dst)
    {
        var v = Eval(ref f);
        f.S.Slots[dst] = v;
        return 1;
    }

    public virtual bool IsMulti => false;

    /// <summary>How 5.1 names this expression in messages ("global 'x'", "local 't'", "field 'f'"), or null.</summary>
    public virtual string? Describe => null;

    /// <summary>A constant value, if the node is one (for folding and fast paths).</summary>
    public virtual bool IsConstant(out LuaValue v)
    {
        v = default;
        return false;
    }
}

internal abstract class Stat
{
    public abstract Flow Exec(ref Frame f);
}
