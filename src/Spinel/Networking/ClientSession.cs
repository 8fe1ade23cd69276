using Spinel.Protocol;

namespace Spinel.Networking;

/// <summary>
/// The server-side state of one client: identity, selected database, protocol, authentication.
/// Read by CLIENT LIST/INFO from other connections under the keyspace lock.
/// </summary>
public sealed class ClientSession
{
    private static long s_nextId;

    internal ClientSession(string address, string localAddress, RespWriter writer, long nowMs)
    {
        Id = Interlocked.Increment(ref s_nextId);
        Address = address;
        LocalAddress = localAddress;
        Writer = writer;
        CreatedMs = nowMs;
        LastInteractionMs = nowMs;
    }

    public long Id { get; }
    public string Address { get; }
    public string LocalAddress { get; }
    internal RespWriter Writer { get; }

    public string Name { get; set; } = "";
    public string User { get; set; } = "default";
    public int Db { get; set; }
    public bool Authenticated { get; set; }
    public int Protocol
    {
        get => Writer.Protocol;
        set => Writer.Protocol = value;
    }

    public long CreatedMs { get; }
    public long LastInteractionMs { get; set; }

    /// <summary>Full name of the last command run, for CLIENT LIST's cmd field.</summary>
    public string LastCommand { get; set; } = "NULL";

    /// <summary>The wait this client is parked in (BLPOP, ...), or null; changed under the keyspace lock.</summary>
    public Server.BlockedClient? Blocked { get; internal set; }

    /// <summary>
    /// The wait the connection has yet to await. Set together with <see cref="Blocked"/> but cleared only by
    /// the connection itself, so a wake-up that lands before the connection starts waiting is not missed.
    /// </summary>
    internal Server.BlockedClient? PendingWait { get; set; }

    /// <summary>
    /// The batch stopped at a script, which must not run (or go on running) on an inline I/O thread (see
    /// <see cref="Scripting.ScriptPlacement"/>); the connection goes on from that command on the thread pool.
    /// </summary>
    internal bool ResumeOnThreadPool { get; set; }

    /// <summary>The transaction being queued, between MULTI and EXEC or DISCARD; null otherwise.</summary>
    public Server.MultiState? Multi { get; private set; }

    // The last transaction's state, emptied, for the next MULTI.
    private Server.MultiState? _spareMulti;

    internal void BeginMulti() => Multi = _spareMulti ?? new Server.MultiState();

    internal void EndMulti()
    {
        if (Multi is not { } multi) return;
        multi.Reset();
        _spareMulti = multi;
        Multi = null;
    }

    /// <summary>The keys this client WATCHes (created at its first WATCH).</summary>
    public Storage.WatchedKeys? Watched { get; internal set; }

    /// <summary>Set to reply and then close (QUIT, killing oneself, protocol errors).</summary>
    public bool CloseAfterReply { get; set; }

    /// <summary>
    /// CLIENT NO-EVICT ON: shown as flag 'e'. Spinel never evicts clients, so it changes nothing else; RESET keeps it,
    /// as Redis 7.0's RESET does.
    /// </summary>
    public bool NoEvict { get; set; }

    /// <summary>Subscriptions and push output; null for clients that cannot receive pushes.</summary>
    internal PubSub.Subscriptions? PubSub { get; set; }

    /// <summary>CLIENT TRACKING settings; null until the client first turns tracking on.</summary>
    public Tracking.TrackingState? Tracking { get; internal set; }

    /// <summary>
    /// Bytes in the query buffer and its size, for CLIENT LIST. While a batch runs the length counts the whole batch
    /// (so the running command sees itself, as Redis's qbuf does); between batches, a command still arriving.
    /// </summary>
    public int QueryBufferLength { get; internal set; }
    public int QueryBufferSize { get; internal set; }

    /// <summary>The bytes of the arguments parsed so far of a command still arriving (CLIENT LIST's argv-mem for another client).</summary>
    public long PendingArgvBytes { get; internal set; }

    /// <summary>The socket's file descriptor, for CLIENT LIST; -1 where there is none.</summary>
    public long Fd { get; init; } = -1;

    /// <summary>Closes the connection from another thread (CLIENT KILL, timeouts, shutdown).</summary>
    internal Action Disconnect { get; set; } = () => { };

    /// <summary>Resets state as RESET does: db 0, RESP2, no name, not authenticated unless no password is set.</summary>
    public void Reset(bool authenticatedByDefault)
    {
        Db = 0;
        Protocol = 2;
        Name = "";
        User = "default";
        Authenticated = authenticatedByDefault;
    }
}
