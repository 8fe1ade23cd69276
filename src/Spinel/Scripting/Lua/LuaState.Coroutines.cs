namespace Spinel.Scripting.Lua;

public sealed partial class LuaState
{
    private const int CoroutineThreadStack = 64 * 1024 * 1024;

    /// <summary>The coroutine running now, or null on the main thread of execution.</summary>
    internal LuaCoroutine? CurrentCoroutine;

    private readonly List<WeakReference<LuaCoroutine>> _coroutines = [];

    /// <summary>Ends every suspended coroutine's thread (the host calls this when a script finishes).</summary>
    public void CloseCoroutines()
    {
        foreach (var w in _coroutines)
        {
            if (w.TryGetTarget(out var co))
                co.C.Kill();
        }
        _coroutines.Clear();
    }

    internal LuaCoroutine CreateCoroutine(LuaValue fn)
    {
        var co = new LuaCoroutine(this, fn);
        _coroutines.RemoveAll(w => !w.TryGetTarget(out _));
        _coroutines.Add(new WeakReference<LuaCoroutine>(co));
        return co;
    }

    /// <summary>Resumes <paramref name="co"/>; false and the error value when it fails.</summary>
    internal bool Resume(LuaCoroutine co, ReadOnlySpan<LuaValue> args, out LuaValue[] results)
    {
        var c = co.C;
        if (c.Status == LuaCoroutine.State.Dead || c.Finished)
        {
            results = [LuaValue.FromAscii("cannot resume dead coroutine")];
            return false;
        }
        if (c.Status != LuaCoroutine.State.Suspended)
        {
            results = [LuaValue.FromAscii("cannot resume non-suspended coroutine")];
            return false;
        }
        var prev = CurrentCoroutine;
        var savedStack = Stack;
        var savedSite = CallSite;
        if (prev is not null)
            prev.C.Status = LuaCoroutine.State.Normal;
        c.Transfer = args.ToArray();
        c.Status = LuaCoroutine.State.Running;
        CurrentCoroutine = co;
        Stack = c.Stack;
        CallSite = null;
        try
        {
            if (c.Thread is null)
            {
                c.Thread = new Thread(() => CoroutineMain(c), CoroutineThreadStack) { IsBackground = true, Name = "lua-coroutine" };
                c.Thread.Start();
            }
            else
            {
                c.ResumeSignal.Release();
            }
            c.YieldSignal.Wait();
        }
        finally
        {
            CurrentCoroutine = prev;
            Stack = savedStack;
            CallSite = savedSite;
            if (prev is not null)
                prev.C.Status = LuaCoroutine.State.Running;
        }
        if (c.HostFailure is { } hf)
        {
            c.Status = LuaCoroutine.State.Dead;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(hf);
        }
        if (c.Finished)
        {
            c.Status = LuaCoroutine.State.Dead;
            if (c.Error is not null)
            {
                results = [c.Error.Value];
                return false;
            }
        }
        else
        {
            c.Status = LuaCoroutine.State.Suspended;
        }
        results = c.Transfer;
        return true;
    }

    private void CoroutineMain(LuaCoroutine.Core c)
    {
        try
        {
            var r = Call(c.Fn, c.Transfer);
            c.Transfer = r.ToArray();
        }
        catch (LuaException e)
        {
            c.Error = e;
        }
        catch (LuaCoroutine.KilledException)
        {
            return;
        }
        catch (Exception e)
        {
            c.HostFailure = e;
        }
        c.Finished = true;
        c.YieldSignal.Release();
    }

    /// <summary>Suspends the running coroutine; returns the values the next resume passes.</summary>
    internal LuaValue[] Yield(ReadOnlySpan<LuaValue> values)
    {
        // The coroutine's body runs under one host boundary (its initial call); any more means a pcall,
        // metamethod or callback lies between, which 5.1 cannot yield across.
        // Redis runs the script itself from C, so yielding outside a coroutine reports the boundary too.
        var co = CurrentCoroutine;
        if (co is null || Stack.CDepth > 1)
            throw new LuaException("attempt to yield across metamethod/C-call boundary");
        var c = co.C;
        c.Transfer = values.ToArray();
        var savedSite = CallSite;
        c.YieldSignal.Release();
        c.ResumeSignal.Wait();
        if (c.Killed)
            throw new LuaCoroutine.KilledException();
        CallSite = savedSite;
        return c.Transfer;
    }
}
