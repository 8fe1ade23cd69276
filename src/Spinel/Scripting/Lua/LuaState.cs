using System.Runtime.CompilerServices;

namespace Spinel.Scripting.Lua;

/// <summary>
/// One Lua universe: globals, registry, the value stack the evaluator runs on and the result buffer
/// host functions return through. Not thread-safe; one script runs at a time.
/// </summary>
public sealed partial class LuaState
{
    /// <summary>Nested calls allowed before "stack overflow" (Lua frames plus host frames).</summary>
    internal const int MaxCallDepth = 4000;

    /// <summary>Host-to-Lua re-entries (pcall, metamethods, sort comparators...) allowed, as 5.1's C-call limit.</summary>
    internal const int MaxHostDepth = 200;

    internal LuaValue[] RetBuf = new LuaValue[16];
    internal int RetCount;

    internal ExecStack Stack = new();

    private int _hookCountdown;

    /// <summary>math.random's rand48 state (Redis keeps one sequence across scripts).</summary>
    internal ulong RandomState = Libraries.MathLibrary.InitialState;

    public LuaState()
    {
        Globals = new LuaTable();
        Registry = new LuaTable();
    }

    public LuaTable Globals { get; }

    /// <summary>Host-side storage, never visible to scripts.</summary>
    public LuaTable Registry { get; }

    /// <summary>The metatable every string shares (its __index is the string library).</summary>
    public LuaTable? StringMetatable { get; private set; }

    public void SetStringMetatable(LuaTable? metatable) => StringMetatable = metatable;

    /// <summary>Called every <see cref="HookInterval"/> loop iterations and calls; throw from it to stop the script.</summary>
    public Action? Hook { get; set; }

    public int HookInterval { get; set; } = 1000;

    /// <summary>
    /// The hook for long-running host code (pattern matching) to call every <see cref="HookInterval"/> steps of its own,
    /// null when there is none. It goes through the same path as the interpreter's ticks, so a raised kill stays raised.
    /// </summary>
    internal Action? HostHook => Hook is null ? null : _hostHook ??= () => RunHook(CallSite);

    private Action? _hostHook;

    /// <summary>The line of the Lua code running (or calling the running host function), or -1.</summary>
    public int CurrentLine => CallSite?.Line ?? -1;

    /// <summary>The chunk name of <see cref="CurrentLine"/>, as positions print it (e.g. "user_script").</summary>
    public string? CurrentChunk => CallSite?.Chunk;

    /// <summary>Where the running host function was called from; null when called from the host.</summary>
    internal SourcePos? CallSite;

    // ---- results ---------------------------------------------------------------------------------

    public int Return()
    {
        RetCount = 0;
        return 0;
    }

    public int Return(LuaValue v)
    {
        RetBuf[0] = v;
        RetCount = 1;
        return 1;
    }

    public int Return(LuaValue a, LuaValue b)
    {
        RetBuf[0] = a;
        RetBuf[1] = b;
        RetCount = 2;
        return 2;
    }

    public int Return(LuaValue a, LuaValue b, LuaValue c)
    {
        RetBuf[0] = a;
        RetBuf[1] = b;
        RetBuf[2] = c;
        RetCount = 3;
        return 3;
    }

    public int ReturnSpan(ReadOnlySpan<LuaValue> values)
    {
        EnsureRet(values.Length);
        values.CopyTo(RetBuf);
        RetCount = values.Length;
        return values.Length;
    }

    /// <summary>Returns <paramref name="first"/> then <paramref name="rest"/> (which may be the previous call's results).</summary>
    public int ReturnPrefixed(LuaValue first, ReadOnlySpan<LuaValue> rest)
    {
        var n = rest.Length + 1;
        if (RetBuf.Length < n)
        {
            var nb = new LuaValue[Math.Max(n, RetBuf.Length * 2)];
            rest.CopyTo(nb.AsSpan(1));
            RetBuf = nb;
        }
        else
        {
            rest.CopyTo(RetBuf.AsSpan(1));
        }
        RetBuf[0] = first;
        RetCount = n;
        return n;
    }

    internal void EnsureRet(int n)
    {
        if (RetBuf.Length < n)
            Array.Resize(ref RetBuf, Math.Max(n, RetBuf.Length * 2));
    }

    internal ReadOnlySpan<LuaValue> Results => new(RetBuf, 0, RetCount);

    // ---- errors ----------------------------------------------------------------------------------

    /// <summary>An error with the calling Lua code's position prefixed, as <c>luaL_error</c> builds it.</summary>
    public LuaException Error(string message)
    {
        var site = CallSite;
        return new LuaException(site is null ? message : site.Chunk + ":" + site.Line + ": " + message);
    }

    // ---- calls -----------------------------------------------------------------------------------

    /// <summary>Calls <paramref name="function"/> (honouring __call); the results stay valid until the next call.</summary>
    public ReadOnlySpan<LuaValue> Call(LuaValue function, ReadOnlySpan<LuaValue> args)
    {
        var st = Stack;
        var top = st.Top;
        st.Ensure(top + args.Length + 1);
        args.CopyTo(st.Slots.AsSpan(top));
        var saved = CallSite;
        CallSite = null;
        EnterHostBoundary(st, null);
        try
        {
            var n = Invoke(function, top, args.Length, null, "?");
            return new ReadOnlySpan<LuaValue>(RetBuf, 0, n);
        }
        finally
        {
            CallSite = saved;
            st.Top = top;
            st.CDepth--;
        }
    }

    /// <summary>Counts host-to-Lua re-entries (5.1's C calls); past the limit, "C stack overflow".</summary>
    internal static void EnterHostBoundary(ExecStack st, SourcePos? site)
    {
        if (++st.CDepth >= MaxHostDepth)
        {
            st.CDepth--;
            throw RuntimeError(site, "C stack overflow");
        }
    }

    /// <summary>
    /// Calls <paramref name="f"/> with the arguments at stack slots [argBase, argBase+nargs); results land in
    /// <see cref="RetBuf"/>. <paramref name="site"/> and <paramref name="name"/> describe the call for messages.
    /// </summary>
    internal int Invoke(LuaValue f, int argBase, int nargs, SourcePos? site, string name)
    {
        if (f.O is LuaHostFunction h)
            return InvokeHost(h, argBase, nargs, site, name);
        if (f.O is LuaClosure c)
            return InvokeClosure(c, argBase, nargs, site);
        return InvokeMeta(f, argBase, nargs, site, name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int InvokeHost(LuaHostFunction h, int argBase, int nargs, SourcePos? site, string name, bool methodCall = false)
    {
        var st = Stack;
        var savedTop = st.Top;
        var savedSite = CallSite;
        if (++st.Depth > MaxCallDepth)
            StackOverflow(st, site);
        st.Top = argBase + nargs;
        st.Sites[st.Depth & ExecStack.SiteMask] = site;
        st.TailCalls[st.Depth & ExecStack.SiteMask] = 0;
        CallSite = site;
        try
        {
            var n = h.Body(this, new LuaArgs(this, new ReadOnlySpan<LuaValue>(st.Slots, argBase, nargs), name, methodCall));
            RetCount = n;
            return n;
        }
        catch (LuaException e) when (e.NoteHostCall(site))
        {
            throw;
        }
        finally
        {
            st.Depth--;
            st.Top = savedTop;
            CallSite = savedSite;
        }
    }

    private int InvokeMeta(LuaValue f, int argBase, int nargs, SourcePos? site, string name)
    {
        var mm = GetMetamethod(f, MetaNames.Call);
        if (mm.O is not LuaFunction)
            throw RuntimeError(site, "attempt to call a " + f.TypeName + " value");
        var st = Stack;
        st.Ensure(argBase + nargs + 1);
        Array.Copy(st.Slots, argBase, st.Slots, argBase + 1, nargs);
        st.Slots[argBase] = f;
        return Invoke(mm, argBase, nargs + 1, site, name);
    }

    /// <summary>The call that found no room never runs: its depth is given back here, as its own exit would have.</summary>
    internal static void StackOverflow(ExecStack st, SourcePos? site)
    {
        st.Depth--;
        throw RuntimeError(site, "stack overflow");
    }

    internal static LuaException RuntimeError(SourcePos? site, string message) =>
        new(site is null ? message : site.Chunk + ":" + site.Line + ": " + message);

    // ---- the hook --------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Tick(SourcePos? site)
    {
        if (--_hookCountdown <= 0)
            RunHook(site);
    }

    /// <summary>The site of the innermost active call made from Lua code, if any.</summary>
    private SourcePos? NearestCallSite()
    {
        var st = Stack;
        for (int depth = st.Depth; depth > 0 && st.Depth - depth <= ExecStack.SiteMask; depth--)
        {
            if (st.Sites[depth & ExecStack.SiteMask] is { } site) return site;
        }
        return null;
    }

    private void RunHook(SourcePos? site)
    {
        _hookCountdown = HookInterval <= 0 ? 1000 : HookInterval;
        var hook = Hook;
        if (hook is null)
            return;
        var saved = CallSite;
        // A tick of a function called from host code (an xpcall handler) has no site: the nearest Lua call's stands.
        CallSite = site ?? saved ?? NearestCallSite();
        try
        {
            hook();
        }
        catch (LuaException)
        {
            // A hook's error is raised again at every tick until the hook stops raising it: a pcall, xpcall or
            // coroutine that caught it cannot keep the script going (Redis re-arms a killed script's hook per line).
            _hookCountdown = 1;
            throw;
        }
        finally
        {
            CallSite = saved;
        }
    }
}

/// <summary>A coroutine's (or the main thread's) value stack.</summary>
internal sealed class ExecStack
{
    public const int SiteMask = 8191;

    public LuaValue[] Slots = new LuaValue[256];

    /// <summary>Where each active call (by depth) was made from; error(msg, level) reads it.</summary>
    public readonly SourcePos?[] Sites = new SourcePos?[SiteMask + 1];

    /// <summary>How many tail calls each active Lua call (by depth) has made in its place: 5.1 counts each as a level.</summary>
    public readonly int[] TailCalls = new int[SiteMask + 1];
    public int Top;
    public int Depth;

    /// <summary>Host-to-Lua re-entries in progress (pcall, metamethods, callbacks).</summary>
    public int CDepth;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Ensure(int size)
    {
        if (size > Slots.Length)
            Grow(size);
    }

    private void Grow(int size)
    {
        var n = Slots.Length;
        while (n < size)
            n *= 2;
        Array.Resize(ref Slots, n);
    }
}

/// <summary>A position in a chunk, for error messages and the hook.</summary>
internal sealed class SourcePos(string chunk, int line)
{
    public readonly string Chunk = chunk;
    public readonly int Line = line;
}
