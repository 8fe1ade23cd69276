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

    /// <summary>
    /// The position level <paramref name="level"/> refers to in <c>error(msg, level)</c>: 1 is where error was
    /// called. A level that falls on a call replaced by a tail call has no position, as in 5.1.
    /// </summary>
    internal SourcePos? SiteAtLevel(int level)
    {
        var st = Stack;
        var d = st.Depth; // the call whose caller is at the level still to count down
        while (level > 0 && d >= 1)
        {
            level -= 1 + st.TailCalls[d & ExecStack.SiteMask];
            d--;
        }
        return level == 0 ? st.Sites[(d + 1) & ExecStack.SiteMask] : null;
    }

    /// <summary>The base library's <c>next</c>; generic for loops over it walk the table directly.</summary>
    internal LuaFunction? NextFunction;

    /// <summary>
    /// A Lua function that <c>return g(args)</c> leaves g here, its arguments at [TailArgBase, +TailArgCount),
    /// for <see cref="InvokeClosure"/> to run in place of the returning frame: a proper tail call, so tail
    /// recursion runs in constant stack as in 5.1.
    /// </summary>
    internal LuaClosure? TailCallee;
    internal int TailArgBase, TailArgCount;
    internal SourcePos? TailSite;

    internal int InvokeClosure(LuaClosure c, int argBase, int nargs, SourcePos? site = null)
    {
        var st = Stack;
        if (++st.Depth > MaxCallDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
            StackOverflow(st, site);
        var savedTop = st.Top;
        // A tail call keeps the site: the caller's position is still where it made the call being replaced.
        st.Sites[st.Depth & ExecStack.SiteMask] = site;
        st.TailCalls[st.Depth & ExecStack.SiteMask] = 0;
        try
        {
            while (true)
            {
                Tick(site);
                var p = c.Proto;
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
                if (p.Body.Exec(ref f) != Flow.Return)
                {
                    RetCount = 0;
                    return 0;
                }
                if (TailCallee is not { } next)
                    return RetCount;
                // The callee takes this frame's place: its arguments move down to where this frame's began.
                TailCallee = null;
                st.TailCalls[st.Depth & ExecStack.SiteMask]++;
                Array.Copy(st.Slots, TailArgBase, st.Slots, argBase, TailArgCount);
                c = next;
                nargs = TailArgCount;
                site = TailSite;
            }
        }
        finally
        {
            st.Depth--;
            st.Top = savedTop;
        }
    }
}
