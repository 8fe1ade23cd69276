using System.Net;
using System.Net.Sockets;
using System.Runtime;
using System.Security.Cryptography;
using Spinel.Commands;
using Spinel.Config;
using Spinel.Networking;
using Spinel.Networking.Epoll;
using Spinel.PubSub;
using Spinel.Storage;
using Spinel.Tracking;
using Spinel.Util;

namespace Spinel.Server;

/// <summary>
/// A Spinel server: listeners, clients, the command table and the keyspace. Embeddable:
/// <code>await using var server = new SpinelServer(config); await server.StartAsync();</code>
/// </summary>
public sealed class SpinelServer : IAsyncDisposable
{
    private readonly List<Socket> _listeners = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _background = [];
    private int _stopRequested;

    public SpinelServer(ServerConfig? config = null, TextWriter? logOutput = null)
    {
        Config = config ?? new ServerConfig();
        Log = new Log(() => Config.LogLevel, logOutput ?? Console.Out);
        Keyspace = new Keyspace(Config.Databases) { Config = Config };
        Commands = new CommandTable();
        Dispatcher = new Dispatcher(this);
        Blocking = new BlockingRegistry(Config.Databases);
        RunId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        StartTimeMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Expiry = new ActiveExpiry(this);
        PubSub = new PubSubRegistry(this);
        KeyspaceEvents = new KeyspaceNotifier(PubSub);
        Tracking = new TrackingRegistry(this);
        Scripts = new Scripting.ScriptRuntime(this);
        ApplyLfuSettings();
        ApplyPubSubSettings();
        Config.Changed += names =>
        {
            ApplyLfuSettings();
            ApplyPubSubSettings();
            MissingFeatures.LogChanged(this, names);
        };
    }

    public ServerConfig Config { get; }
    public Log Log { get; }
    public Keyspace Keyspace { get; }
    public CommandTable Commands { get; }
    public Dispatcher Dispatcher { get; }

    /// <summary>Clients waiting in blocking commands, by key.</summary>
    public BlockingRegistry Blocking { get; }
    public ServerStats Stats { get; } = new();
    public string RunId { get; }
    public long StartTimeMs { get; }
    internal ClientRegistry Clients { get; } = new();
    internal ActiveExpiry Expiry { get; }

    /// <summary>Channels, patterns and their subscribers.</summary>
    public PubSubRegistry PubSub { get; }

    /// <summary>Client-side caching: tracked keys and prefixes, invalidation messages.</summary>
    public TrackingRegistry Tracking { get; }

    /// <summary>EVAL scripts, function libraries, and the script running now.</summary>
    public Scripting.ScriptRuntime Scripts { get; }

    /// <summary>client-output-buffer-limit for subscribers, and for other clients whose output is queued.</summary>
    internal OutputBufferLimit PubSubOutputLimit { get; private set; }
    internal OutputBufferLimit NormalOutputLimit { get; private set; }

    private void ApplyPubSubSettings()
    {
        string limits = Config.Find("client-output-buffer-limit")!.Get();
        PubSubOutputLimit = OutputBufferLimit.Parse(limits, "pubsub");
        NormalOutputLimit = OutputBufferLimit.Parse(limits, "normal");
        KeyspaceEvents.Enabled = KeyspaceNotifier.Parse(Config.Find("notify-keyspace-events")!.Get());
        // Expiry reports its deletions (a key copy each) only while someone may want the event.
        Keyspace.KeyExpired -= OnKeyExpired;
        if ((KeyspaceEvents.Enabled & KeyspaceEventClass.Expired) != 0) Keyspace.KeyExpired += OnKeyExpired;
        Keyspace.KeyCreated = (KeyspaceEvents.Enabled & KeyspaceEventClass.New) != 0 ? OnKeyCreated : null;
        Keyspace.KeyMissed = (KeyspaceEvents.Enabled & KeyspaceEventClass.KeyMiss) != 0 ? OnKeyMissed : null;
    }

    private void OnKeyMissed(Database db, ReadOnlySpan<byte> key)
    {
        if (PubSub.HasListeners) KeyspaceEvents.Notify(key, db.Id, "keymiss");
    }

    private void OnKeyCreated(Database db, ReadOnlySpan<byte> key)
    {
        if (PubSub.HasListeners) KeyspaceEvents.Notify(key, db.Id, "new");
    }

    /// <summary>notify-keyspace-events and the channels it publishes on.</summary>
    public KeyspaceNotifier KeyspaceEvents { get; }

    private void OnKeyExpired(Database db, byte[] key)
    {
        if (PubSub.HasListeners) KeyspaceEvents.Notify(key, db.Id, "expired");
    }

    private void ApplyLfuSettings()
    {
        Keyspace.LfuLogFactor = int.Parse(Config.Find("lfu-log-factor")!.Get(), System.Globalization.CultureInfo.InvariantCulture);
        Keyspace.LfuDecayTime = int.Parse(Config.Find("lfu-decay-time")!.Get(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The addresses actually listened on (port 0 in the config picks a free port).</summary>
    public IReadOnlyList<IPEndPoint> EndPoints { get; private set; } = [];

    /// <summary>Completes when the server has stopped (SHUTDOWN or <see cref="StopAsync"/>).</summary>
    public Task Completion => _stopped.Task;

    /// <summary>Cancelled once a stop has been requested (SHUTDOWN, a signal, <see cref="RequestStop"/>).</summary>
    public CancellationToken Stopping => _stopping.Token;

    public int ConnectedClients => Clients.Count;

    public Task StartAsync()
    {
        MissingFeatures.LogStartup(this);
        var endpoints = new List<IPEndPoint>();
        int port = Config.Port;
        foreach (var entry in Config.Bind)
        {
            bool optional = entry.StartsWith('-');
            var address = ParseBindAddress(optional ? entry[1..] : entry);
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (address.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
                AllowRebindDuringTimeWait(socket);
                socket.Bind(new IPEndPoint(address, port));
                socket.Listen((int)Config.TcpBacklog);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                if (optional) continue;
                throw new IOException($"Could not create server TCP listening socket {entry}:{port}: {ex.Message}", ex);
            }
            var bound = (IPEndPoint)socket.LocalEndPoint!;
            port = bound.Port; // with port 0, every address shares the first one picked
            endpoints.Add(bound);
            _listeners.Add(socket);
        }
        EndPoints = endpoints;
        if (EpollLoop.IsSupported && Environment.GetEnvironmentVariable("SPINEL_SOCKET_ENGINE") != "dotnet")
        {
            _loops = new EpollLoop[int.Parse(Config.Find("io-threads")!.Get(), System.Globalization.CultureInfo.InvariantCulture)];
            for (int i = 0; i < _loops.Length; i++) _loops[i] = new EpollLoop($"spinel-io-{i}", () => Scripts.Running.HoldsIoThread, () => Config.IoBusyPollMicros);
        }
        foreach (var listener in _listeners) _background.Add(StartAcceptThread(listener));
        _background.Add(Task.Run(() => CronLoopAsync(_stopping.Token)));
        Log.Notice($"Server initialized, listening on {string.Join(", ", endpoints)}");
        Log.Notice("Ready to accept connections tcp");
        return Task.CompletedTask;
    }

    /// <summary>
    /// Lets a restarted server bind while its old connections linger in TIME_WAIT, as Redis does with
    /// SO_REUSEADDR. Not through SocketOptionName.ReuseAddress: on Unix .NET adds SO_REUSEPORT to it, which
    /// would let a second server bind the same port and silently take half the connections.
    /// </summary>
    private static void AllowRebindDuringTimeWait(Socket socket)
    {
        // Linux only: the option numbers below are Linux's, and Windows' SO_REUSEADDR would allow stealing a bound port.
        if (!OperatingSystem.IsLinux()) return;
        const int SolSocket = 1, SoReuseAddr = 2;
        socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
    }

    private static IPAddress ParseBindAddress(string text) => text switch
    {
        "*" => IPAddress.Any,
        "::*" => IPAddress.IPv6Any,
        "localhost" => IPAddress.Loopback,
        _ => IPAddress.Parse(text),
    };

    /// <summary>
    /// Accepting runs on a thread of its own with blocking calls, not on an I/O thread: a script holding an I/O
    /// thread would keep new clients out too, and a new client is how an operator reaches a busy server
    /// (SCRIPT KILL, SHUTDOWN NOSAVE; see ClientConnection.ReceiveWhileIoThreadIsHeld). Ends when the listener closes.
    /// </summary>
    private Task StartAcceptThread(Socket listener)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                AcceptLoop(listener);
            }
            finally
            {
                done.SetResult();
            }
        })
        { IsBackground = true, Name = "spinel-accept" }.Start();
        return done.Task;
    }

    private void AcceptLoop(Socket listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = listener.Accept();
            }
            catch (Exception e) when (e is ObjectDisposedException || _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // the client left between its SYN and the accept, or the process is out of descriptors
            }
            Interlocked.Increment(ref Stats.ConnectionsReceived);
            socket.NoDelay = true;
            if (Clients.Count >= Config.MaxClients)
            {
                Interlocked.Increment(ref Stats.RejectedConnections);
                _ = RefuseAsync(socket);
                continue;
            }
            ClientConnection connection;
            try
            {
                connection = new ClientConnection(CreateTransport(socket), this);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                Log.Warning($"Could not set up a client connection: {e.Message}");
                socket.Dispose();
                continue;
            }
            Clients.Add(connection);
            // Not started here: its first request may already be waiting, and running it here (a script may take
            // seconds) would keep every later client from being accepted meanwhile.
            ThreadPool.UnsafeQueueUserWorkItem(static c => _ = c.RunAsync(), connection, preferLocal: false);
        }
    }

    private EpollLoop[]? _loops;
    private int _nextLoop;

    /// <summary>Each connection goes to one of io-threads epoll loops, in turn; without epoll, to the .NET socket engine.</summary>
    private Transport CreateTransport(Socket socket)
    {
        if (_loops is null) return new SocketTransport(socket);
        var loop = _loops[(int)((uint)Interlocked.Increment(ref _nextLoop) % (uint)_loops.Length)];
        return new EpollTransport(socket, loop);
    }

    private static async Task RefuseAsync(Socket socket)
    {
        try
        {
            await socket.SendAsync("-ERR max number of clients reached\r\n"u8.ToArray(), SocketFlags.None).ConfigureAwait(false);
        }
        catch (SocketException) { }
        finally
        {
            socket.Dispose();
        }
    }

    /// <summary>Periodic work, hz times a second: active expiry and idle-client timeouts.</summary>
    private async Task CronLoopAsync(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(1000 / Math.Max(Config.Hz, 1), token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                lock (Keyspace.Lock) Keyspace.ResyncClock();
                if (Config.ActiveExpireEnabled) await Expiry.RunCycleAsync(token).ConfigureAwait(false);
                CloseIdleClients();
                ResetReplyPeaks();
                ReturnFreedMemory();
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.Warning("Background cycle failed: " + ex);
            }
        }
    }

    private long _removedAtLastCollect;
    private long _removedAtLastTick;
    private long _freedBytesAtLastCompaction;
    private long _nextCompactionTicks;

    /// <summary>Freed values worth a compacting collection: below this, the memory is simply reused.</summary>
    private const long CompactAfterFreedBytes = 32L * 1024 * 1024;

    /// <summary>
    /// A compacting collection stops every thread for as long as it copies the live heap. After one, the next waits
    /// this many times as long as it took (at most 5% of the time paused), and at least a second.
    /// </summary>
    private const int CompactionSpacing = 20;

    /// <summary>
    /// Hands memory back to the operating system once much of it was freed. An idle server allocates nothing, so
    /// without this the GC would never run and freed memory would stay resident for good.
    /// <list type="bullet">
    /// <item>Big values freed (DEL, overwrite, expiry or a flush) or big buffers dropped (<see cref="DroppedBuffers"/>),
    /// 32 MB or more and at least a quarter of the heap: one blocking, compacting collection in the GC's aggressive
    /// mode, which compacts the large object heap and decommits the free space, so resident memory drops within a
    /// cron tick. It pauses clients for as long as it copies the live heap, hence the quarter (a small delete in a big
    /// heap is not worth it) and the spacing. Small values are not counted: the collections that allocation
    /// triggers anyway reclaim them.</item>
    /// <item>Many small keys gone (a wave of expiries): once the wave has calmed, a background collection, which
    /// clients do not wait for.</item>
    /// </list>
    /// </summary>
    private void ReturnFreedMemory()
    {
        long removed = Keyspace.RemovedKeys;
        bool calm = removed - _removedAtLastTick < 10_000;
        _removedAtLastTick = removed;
        if (!calm) return;

        long freedTotal = Keyspace.RemovedValueBytes + DroppedBuffers.Total;
        long freedBytes = freedTotal - _freedBytesAtLastCompaction;
        long now = Environment.TickCount64;
        if (freedBytes >= CompactAfterFreedBytes && now >= _nextCompactionTicks
            && freedBytes * 4 >= GC.GetTotalMemory(forceFullCollection: false))
        {
            _freedBytesAtLastCompaction = freedTotal;
            _removedAtLastCollect = removed;
            CompactAndRelease();
            long took = Environment.TickCount64 - now;
            _nextCompactionTicks = now + Math.Max(1000, took * CompactionSpacing);
            return;
        }
        if (removed - _removedAtLastCollect < 100_000) return;
        _removedAtLastCollect = removed;
        GC.Collect(2, GCCollectionMode.Forced, blocking: false, compacting: false);
    }

    private long _replyPeaksResetMs;

    /// <summary>CLIENT LIST's rbp is the reply buffer's peak over the last few seconds: Redis starts a new window every 5 s.</summary>
    private void ResetReplyPeaks()
    {
        long now = Environment.TickCount64;
        if (now - _replyPeaksResetMs < 5000) return;
        _replyPeaksResetMs = now;
        foreach (var session in Clients.Sessions()) session.Writer.ResetPeak();
    }

    /// <summary>A full collection that compacts the large object heap too and returns the free space to the operating system.</summary>
    internal static void CompactAndRelease()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private void CloseIdleClients()
    {
        if (Config.Timeout <= 0) return;
        // Whole seconds, as Redis counts them: a client goes once its idle seconds exceed the setting,
        // between N and N+1 seconds after its last command.
        long nowSeconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000;
        foreach (var session in Clients.Sessions())
        {
            // Blocked clients are waiting on purpose: their own timeout governs them, as in Redis.
            if (session.Blocked is null && nowSeconds - session.LastInteractionMs / 1000 > Config.Timeout)
            {
                Log.Verbose($"Closing idle client {session.Id}");
                session.Disconnect();
            }
        }
    }

    /// <summary>Hook for blocked clients, WATCH, client tracking and keyspace notifications; called by commands after they change a key.</summary>
    internal void NotifyKeyChanged(ReadOnlySpan<byte> key, int dbId, string eventName)
    {
        Blocking.Signal(dbId, key);
        if (Keyspace.Watches.Count != 0) Keyspace.Watches.Touch(Keyspace[dbId], key);
        if (Tracking.Armed) Tracking.KeyChanged(key);
        if (KeyspaceEvents.Enabled != KeyspaceEventClass.None && PubSub.HasListeners) KeyspaceEvents.Notify(key, dbId, eventName);
    }

    /// <summary>Asks the server to stop; used by SHUTDOWN (from inside a command) and by hosts.</summary>
    public void RequestStop()
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) != 0) return;
        Log.Warning("Shutting down.");
        _stopping.Cancel();
        // A script that never ends would hold the keyspace lock, and with it the background tasks, forever.
        Scripts.Running.ForceKill();
        foreach (var listener in _listeners) listener.Dispose();
        Clients.CloseAll();
        _ = Task.WhenAll(_background).ContinueWith(_ =>
        {
            foreach (var loop in _loops ?? []) loop.Dispose();
            Log.Notice("Spinel is now ready to exit, bye bye...");
            _stopped.TrySetResult();
        }, TaskScheduler.Default);
    }

    public async Task StopAsync()
    {
        RequestStop();
        await Completion.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
