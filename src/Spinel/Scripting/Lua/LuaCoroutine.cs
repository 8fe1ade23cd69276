namespace Spinel.Scripting.Lua;

/// <summary>
/// A coroutine (Lua type "thread"). Its body runs on a dedicated OS thread with its own value stack; resume
/// and yield hand control back and forth, so exactly one side runs at a time. A coroutine that is never
/// finished has its thread released when the handle is collected or <see cref="LuaState.CloseCoroutines"/> runs.
/// </summary>
internal sealed class LuaCoroutine
{
    internal enum State
    {
        Suspended,
        Running,
        Normal,
        Dead,
    }

    /// <summary>What the OS thread references, so the handle itself can be collected while the thread waits.</summary>
    internal sealed class Core
    {
        public readonly LuaState L;
        public readonly LuaValue Fn;
        public readonly ExecStack Stack = new();
        public readonly SemaphoreSlim ResumeSignal = new(0);
        public readonly SemaphoreSlim YieldSignal = new(0);
        public State Status = State.Suspended;
        public LuaValue[] Transfer = [];
        public bool Finished;
        public LuaException? Error;
        public Exception? HostFailure;
        public volatile bool Killed;
        public Thread? Thread;

        public Core(LuaState l, LuaValue fn)
        {
            L = l;
            Fn = fn;
        }

        public void Kill()
        {
            if (Thread is null || Finished || Status != State.Suspended)
                return;
            Killed = true;
            ResumeSignal.Release();
        }
    }

    internal readonly Core C;

    public LuaCoroutine(LuaState l, LuaValue fn) => C = new Core(l, fn);

    ~LuaCoroutine() => C.Kill();

    /// <summary>Thrown inside an abandoned coroutine's thread to unwind it; never seen by scripts.</summary>
    internal sealed class KilledException : Exception
    {
    }
}
