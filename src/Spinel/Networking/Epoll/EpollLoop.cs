using System.Diagnostics;
using System.Runtime.InteropServices;
using Spinel.PubSub;

namespace Spinel.Networking.Epoll;

/// <summary>
/// One I/O thread: waits on epoll for its connections' sockets and runs what their events resume (parsing, the
/// commands, the replies) on this thread, as Redis's event loop does. Edge-triggered, so a socket is read only
/// after data arrived (no read that finds nothing), and after each turn the pub/sub sends deferred by its
/// commands go out together (one send per subscriber per turn, however many messages it got).
/// A loop kept busy polls for a while before it sleeps (see io-busy-poll-us and <see cref="WaitForEvents"/>).
/// </summary>
internal sealed unsafe class EpollLoop : IDisposable
{
    private const int MaxEvents = 256;
    private const ulong WakeData = ulong.MaxValue;

    [ThreadStatic] private static bool t_isLoopThread;

    private readonly int _epoll;
    private readonly int _wake; // an eventfd: written to end the wait when the loop stops
    private readonly Thread _thread;
    private readonly Lock _slotsLock = new();
    private EpollTransport?[] _slots = new EpollTransport?[64]; // replaced when grown; read without the lock
    private readonly Stack<int> _freeSlots = new();
    private int _usedSlots;
    private uint _generation;
    private volatile bool _stopping;

    // Stall watch: the loop thread's turns, and when the current one started (see CheckStall).
    private const int StallMs = 100;
    private readonly Timer _stallWatch;
    private readonly Func<bool> _heldByScript;
    private long _turns;
    private long _turnStartedMs;
    private bool _waiting;
    private volatile bool _standIn;

    // The loop thread's current turn: the events it fetched, and the next one to run. Each is claimed under _claim, by
    // the loop thread or, once a script holds that thread, by the stand-in, so none fetched by a stalled turn is left
    // waiting for the script (a client whose request came in the same turn as the script's would get no BUSY).
    private readonly Lock _claim = new();
    private readonly Libc.EpollEvent* _turnEvents = (Libc.EpollEvent*)NativeMemory.Alloc(MaxEvents, (nuint)sizeof(Libc.EpollEvent));
    private int _turnCount;
    private int _turnNext;

    // Users of the two descriptors: the loop thread, a stand-in, and callers of epoll_ctl or the wake-up write.
    // The last one out after Dispose closes them, once: a descriptor closed twice, or used after its close, hits
    // whatever the process opened under that number since (another server's client socket, in tests).
    private int _users = 1;
    private int _disposed;

    private readonly Func<long> _busyPollMicros;
    private bool _pollPaysOff; // whether events came soon enough lately that polling would catch them

    /// <summary>True on the thread of an epoll loop (see ClientOutbox.RunDeferredDrains).</summary>
    public static bool OnLoopThread => t_isLoopThread;

    public static bool IsSupported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <param name="name">The thread's name.</param>
    /// <param name="heldByScript">Whether a script now runs on an I/O thread (the only stall a stand-in is for).</param>
    /// <param name="busyPollMicros">io-busy-poll-us, read before each wait.</param>
    public EpollLoop(string name, Func<bool> heldByScript, Func<long> busyPollMicros)
    {
        _heldByScript = heldByScript;
        _busyPollMicros = busyPollMicros;
        _epoll = Libc.epoll_create1(Libc.EpollCloexec);
        if (_epoll < 0) throw new IOException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        _wake = Libc.eventfd(0, Libc.EfdCloexec);
        var ev = new Libc.EpollEvent { Events = Libc.EpollIn, Data = WakeData };
        Libc.epoll_ctl(_epoll, Libc.EpollCtlAdd, _wake, &ev);
        _thread = new Thread(() => RunTurns(stopWhenUnstalled: false)) { IsBackground = true, Name = name };
        _thread.Start();
        _stallWatch = new Timer(static l => ((EpollLoop)l!).CheckStall(), this, StallMs, StallMs);
    }

    /// <summary>Starts delivering the socket's events to <paramref name="transport"/>, and sets its key.</summary>
    public void Register(EpollTransport transport, int fd)
    {
        if (!TryEnter()) throw new ObjectDisposedException(nameof(EpollLoop));
        try
        {
            Add(transport, fd);
        }
        finally
        {
            Exit();
        }
    }

    private void Add(EpollTransport transport, int fd)
    {
        ulong key;
        lock (_slotsLock)
        {
            if (!_freeSlots.TryPop(out int slot))
            {
                slot = _usedSlots++;
                if (slot == _slots.Length)
                {
                    var bigger = new EpollTransport?[_slots.Length * 2];
                    _slots.CopyTo(bigger, 0);
                    Volatile.Write(ref _slots, bigger);
                }
            }
            _slots[slot] = transport;
            // The generation tells a stale event (already fetched for a slot's previous owner) from a new one.
            key = (ulong)(uint)slot | (ulong)++_generation << 32;
            transport.Key = key;
        }
        var ev = new Libc.EpollEvent { Events = Libc.EpollIn | Libc.EpollOut | Libc.EpollRdHup | Libc.EpollEt, Data = key };
        if (Libc.epoll_ctl(_epoll, Libc.EpollCtlAdd, fd, &ev) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Unregister(key, -1);
            throw new IOException($"epoll_ctl failed: errno {errno}");
        }
    }

    /// <summary>Stops the events of a socket about to close (<paramref name="fd"/> -1: not registered).</summary>
    public void Unregister(ulong key, int fd)
    {
        if (fd >= 0 && TryEnter())
        {
            Libc.epoll_ctl(_epoll, Libc.EpollCtlDel, fd, null);
            Exit();
        }
        lock (_slotsLock)
        {
            int slot = (int)(uint)key;
            _slots[slot] = null;
            _freeSlots.Push(slot);
        }
    }

    /// <summary>
    /// A script has held the loop's thread in one turn for longer than <see cref="StallMs"/>: one that wrote and
    /// then runs on (it cannot move, see ScriptPlacement). A stand-in thread serves the loop's sockets until
    /// that turn ends, so every client, waiting or new, still gets BUSY replies and can send SCRIPT KILL or
    /// SHUTDOWN NOSAVE, as in Redis.
    /// </summary>
    private void CheckStall()
    {
        if (_stopping || _standIn || Volatile.Read(ref _waiting) || Environment.TickCount64 - Volatile.Read(ref _turnStartedMs) < StallMs) return;
        // Only for a script: a turn that is merely slow (the machine is loaded) must keep its order. The events it
        // has fetched and not yet run would otherwise be overtaken by later ones the stand-in runs first.
        if (!_heldByScript() || !TryEnter()) return;
        _standIn = true;
        new Thread(() => RunTurns(stopWhenUnstalled: true)) { IsBackground = true, Name = _thread.Name + "-standin" }.Start();
    }

    private void RunTurns(bool stopWhenUnstalled)
    {
        t_isLoopThread = true;
        long stalledTurn = Volatile.Read(ref _turns);
        // The stand-in has its own buffer; the loop thread fetches into the turn's, which the stand-in may claim from.
        var events = stopWhenUnstalled ? (Libc.EpollEvent*)NativeMemory.Alloc(MaxEvents, (nuint)sizeof(Libc.EpollEvent)) : _turnEvents;
        try
        {
            if (stopWhenUnstalled)
            {
                // First what the stalled turn fetched and has not run yet, in its order.
                while (TryClaim(out var ev)) Dispatch(ev);
            }
            while (!_stopping && !(stopWhenUnstalled && Volatile.Read(ref _turns) != stalledTurn))
            {
                if (!stopWhenUnstalled) Volatile.Write(ref _waiting, true);
                int count = stopWhenUnstalled ? Libc.epoll_wait(_epoll, events, MaxEvents, 50) : WaitForEvents(events);
                if (!stopWhenUnstalled)
                {
                    Volatile.Write(ref _turnStartedMs, Environment.TickCount64);
                    Volatile.Write(ref _waiting, false);
                }
                if (count < 0)
                {
                    if (Marshal.GetLastPInvokeError() == Libc.EINTR) continue;
                    throw new IOException($"epoll_wait failed: errno {Marshal.GetLastPInvokeError()}");
                }
                if (stopWhenUnstalled)
                {
                    for (int i = 0; i < count; i++) Dispatch(events[i]);
                }
                else
                {
                    lock (_claim)
                    {
                        _turnCount = count;
                        _turnNext = 0;
                    }
                    while (TryClaim(out var ev)) Dispatch(ev);
                }
                ClientOutbox.RunDeferredDrains();
                if (!stopWhenUnstalled) Interlocked.Increment(ref _turns);
            }
        }
        finally
        {
            if (stopWhenUnstalled)
            {
                NativeMemory.Free(events);
                _standIn = false;
            }
            Exit();
        }
    }

    /// <summary>The next event of the loop thread's turn, if one is left; once none is, the turn's buffer may be refilled.</summary>
    private bool TryClaim(out Libc.EpollEvent ev)
    {
        lock (_claim)
        {
            if (_turnNext < _turnCount)
            {
                ev = _turnEvents[_turnNext++];
                return true;
            }
            _turnCount = 0;
            ev = default;
            return false;
        }
    }

    /// <summary>Runs one event: what it resumes (a receive, a send) runs here, on this thread.</summary>
    private void Dispatch(in Libc.EpollEvent ev)
    {
        ulong key = ev.Data;
        if (key == WakeData) return;
        int slot = (int)(uint)key;
        // Read per event: a resumed connection may have registered another, growing the array.
        var slots = Volatile.Read(ref _slots);
        if (slot < slots.Length && Volatile.Read(ref slots[slot]) is { } transport && transport.Key == key)
            transport.OnEvents(ev.Events);
    }

    /// <summary>True once the descriptors are closed: the loop was disposed and every use has ended.</summary>
    internal bool Closed => Volatile.Read(ref _users) == 0;

    /// <summary>Takes a use of the descriptors; false once they are closed or about to be.</summary>
    private bool TryEnter()
    {
        int users = Volatile.Read(ref _users);
        while (users > 0)
        {
            int seen = Interlocked.CompareExchange(ref _users, users + 1, users);
            if (seen == users) return true;
            users = seen;
        }
        return false;
    }

    /// <summary>Ends a use; the last, after Dispose (the loop thread holds one until then), closes the descriptors.</summary>
    private void Exit()
    {
        if (Interlocked.Decrement(ref _users) != 0) return;
        Libc.close(_wake);
        Libc.close(_epoll);
        NativeMemory.Free(_turnEvents);
    }

    /// <summary>
    /// The loop thread's wait. On loopback the sender of a request pays for waking a sleeping loop (about a
    /// sixth of a redis-benchmark client's time per -P 1 request), so while requests keep coming the loop polls
    /// for up to io-busy-poll-us before it sleeps. It polls only while that pays: after a poll that found
    /// nothing, again only once a sleep ended sooner than the poll would have, so a quiet server just sleeps.
    /// </summary>
    private int WaitForEvents(Libc.EpollEvent* events)
    {
        long pollTicks = _busyPollMicros() * Stopwatch.Frequency / 1_000_000;
        int count = 0;
        if (pollTicks > 0 && _pollPaysOff)
        {
            long until = Stopwatch.GetTimestamp() + pollTicks;
            do count = Libc.epoll_wait(_epoll, events, MaxEvents, 0);
            while (count == 0 && Stopwatch.GetTimestamp() < until);
            if (count != 0) return count;
        }
        long sleptAt = Stopwatch.GetTimestamp();
        count = Libc.epoll_wait(_epoll, events, MaxEvents, -1);
        _pollPaysOff = Stopwatch.GetTimestamp() - sleptAt < pollTicks;
        return count;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stopping = true;
        _stallWatch.Dispose();
        if (!TryEnter()) return; // the loop thread has already ended (epoll_wait failed) and closed the descriptors
        ulong one = 1;
        Libc.write(_wake, (byte*)&one, sizeof(ulong));
        Exit();
    }
}
