using System.Runtime.InteropServices;
using Spinel.PubSub;

namespace Spinel.Networking.Epoll;

/// <summary>
/// One I/O thread: waits on epoll for its connections' sockets and runs what their events resume (parsing, the
/// commands, the replies) on this thread, as Redis's event loop does. Edge-triggered, so a socket is read only
/// after data arrived (no read that finds nothing), and after each turn the pub/sub sends deferred by its
/// commands go out together (one send per subscriber per turn, however many messages it got).
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
    private int _threads = 1;

    /// <summary>True on the thread of an epoll loop (see ClientOutbox.RunDeferredDrains).</summary>
    public static bool OnLoopThread => t_isLoopThread;

    public static bool IsSupported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <param name="name">The thread's name.</param>
    /// <param name="heldByScript">Whether a script now runs on an I/O thread (the only stall a stand-in is for).</param>
    public EpollLoop(string name, Func<bool> heldByScript)
    {
        _heldByScript = heldByScript;
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
        if (fd >= 0) Libc.epoll_ctl(_epoll, Libc.EpollCtlDel, fd, null);
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
        if (!_heldByScript()) return;
        _standIn = true;
        Interlocked.Increment(ref _threads);
        new Thread(() => RunTurns(stopWhenUnstalled: true)) { IsBackground = true, Name = _thread.Name + "-standin" }.Start();
    }

    private void RunTurns(bool stopWhenUnstalled)
    {
        t_isLoopThread = true;
        long stalledTurn = Volatile.Read(ref _turns);
        var events = (Libc.EpollEvent*)NativeMemory.Alloc(MaxEvents, (nuint)sizeof(Libc.EpollEvent));
        try
        {
            while (!_stopping && !(stopWhenUnstalled && Volatile.Read(ref _turns) != stalledTurn))
            {
                if (!stopWhenUnstalled) Volatile.Write(ref _waiting, true);
                int count = Libc.epoll_wait(_epoll, events, MaxEvents, stopWhenUnstalled ? 50 : -1);
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
                var slots = Volatile.Read(ref _slots);
                for (int i = 0; i < count; i++)
                {
                    ulong key = events[i].Data;
                    if (key == WakeData) continue;
                    int slot = (int)(uint)key;
                    if (slot < slots.Length && Volatile.Read(ref slots[slot]) is { } transport && transport.Key == key)
                        transport.OnEvents(events[i].Events);
                    slots = Volatile.Read(ref _slots); // a resumed connection may have registered another
                }
                ClientOutbox.RunDeferredDrains();
                if (!stopWhenUnstalled) Interlocked.Increment(ref _turns);
            }
        }
        finally
        {
            NativeMemory.Free(events);
            if (stopWhenUnstalled) _standIn = false;
            if (Interlocked.Decrement(ref _threads) == 0 && _stopping)
            {
                Libc.close(_wake);
                Libc.close(_epoll);
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _stallWatch.Dispose();
        ulong one = 1;
        Libc.write(_wake, (byte*)&one, sizeof(ulong));
    }
}
