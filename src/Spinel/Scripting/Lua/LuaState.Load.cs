using System.Runtime.CompilerServices;
using Spinel.Scripting.Lua.Compiler;

namespace Spinel.Scripting.Lua;

public sealed partial class LuaState
{
    /// <summary>
    /// Compiles a chunk. Chunk name "@user_script" makes positions read "user_script:LINE:"; "=name" reads
    /// "name:"; any other name reads <c>[string "..."]</c> as 5.1 prints it. Syntax errors throw
    /// <see cref="LuaException"/> with 5.1's message.
    /// </summary>
    public LuaFunction Load(ReadOnlySpan<byte> source, string chunkName)
    {
        var proto = Parser.ParseChunk(source, ChunkId(chunkName));
        return new LuaClosure(proto, []);
    }

    /// <summary>How 5.1 (<c>luaO_chunkid</c>) shows a chunk name in messages.</summary>
    internal static string ChunkId(string name)
    {
        if (name.StartsWith('=') || name.StartsWith('@'))
            return name[1..];
        var len = name.IndexOfAny(['\n', '\r']);
        if (len < 0)
            len = name.Length;
        const int room = 60 - 17;
        if (len > room)
            len = room;
        return len < name.Length ? "[string \"" + name[..len] + "...\"]" : "[string \"" + name + "\"]";
    }

    /// <summary>The position level <paramref name="level"/> refers to in <c>error(msg, level)</c>: 1 is where error was called.</summary>
    internal SourcePos? SiteAtLevel(int level)
    {
        var st = Stack;
        var d = st.Depth - level + 1;
        return d >= 1 ? st.Sites[d & ExecStack.SiteMask] : null;
    }

    /// <summary>The base library's <c>next</c>; generic for loops over it walk the table directly.</summary>
    internal LuaFunction? NextFunction;

    internal int InvokeClosure(LuaClosure c, int argBase, int nargs, SourcePos? site = null)
    {
        var p = c.Proto;
        var st = Stack;
        if (++st.Depth > MaxCallDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
            StackOverflow(st, site);
        st.Sites[st.Depth & ExecStack.SiteMask] = site;
        Tick(site);
        var savedTop = st.Top;
        int bas;
        int varBase = 0, varCount = 0;
        var np = p.ParamCount;
        if (p.IsVararg && nargs > np)
        {
            varBase = argBase + np;
            varCount = nargs - np;
            bas = argBase + nargs;
            st.Ensure(bas + p.FrameSize);
            Array.Copy(st.Slots, argBase, st.Slots, bas, np);
        }
        else
        {
            bas = argBase;
            st.Ensure(bas + p.FrameSize);
            for (var i = nargs; i < np; i++)
                st.Slots[bas + i] = default;
        }
        foreach (var cp in p.CapturedParams)
            st.Slots[bas + cp] = LuaValue.FromObject(new UpBox(st.Slots[bas + cp]));
        st.Top = bas + p.FrameSize;
        var f = new Frame { L = this, S = st, Base = bas, Up = c.Upvalues, VarBase = varBase, VarCount = varCount };
        try
        {
            if (p.Body.Exec(ref f) == Flow.Return)
                return RetCount;
            RetCount = 0;
            return 0;
        }
        finally
        {
            st.Depth--;
            st.Top = savedTop;
        }
    }
}
