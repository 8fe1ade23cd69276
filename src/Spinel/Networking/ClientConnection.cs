using System.Net.Sockets;
using Spinel.Commands;
using Spinel.Commands.Families;
using Spinel.Protocol;
using Spinel.PubSub;
using Spinel.Server;
using Spinel.Util;

namespace Spinel.Networking;

/// <summary>
/// One client socket. Reads what has arrived, parses every complete command in it, runs them as one
/// batch under the keyspace lock, and sends all their replies with one write. The lock is never held
/// while waiting on the socket, so a slow or stalled client only ever delays itself.
/// </summary>
internal sealed class ClientConnection
{
    private const int InitialBufferSize = 4096;
    internal const int MaxBatch = 128;

    private readonly Transport _transport;
    private readonly SpinelServer _server;
    private readonly RequestParser _parser = new();
    private readonly RespWriter _writer = new();
    private readonly CommandContext _context;
    private ArgumentList[] _batch = [new()];
    private CommandSpec?[] _specs = new CommandSpec?[1]; // each parsed command's table entry, looked up once
    private const int MaxBufferedWhileBlocked = 64 * 1024 * 1024;

    private Task<int>? _blockedReceive; // a read started while blocked, still pending
    private readonly int[] _commandStarts = new int[MaxBatch]; // where each command of the batch began in _in
    private byte[] _in = new byte[InitialBufferSize];
    private int _start;
    private int _end;
    private int _closed;

    public ClientConnection(Transport transport, SpinelServer server)
    {
        _transport = transport;
        _server = server;
        var socket = transport.Socket;
        Session = new ClientSession(socket.RemoteEndPoint?.ToString() ?? "?", socket.LocalEndPoint?.ToString() ?? "?", _writer, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())
        {
            Disconnect = Close,
            Fd = transport.Descriptor,
        };
        Session.Authenticated = !server.Config.AuthRequired;
        Session.PubSub = new Subscriptions(new ClientOutbox(transport));
        _context = new CommandContext(server, Session, _writer);
        _parser.MaxBulkLength = server.Config.ProtoMaxBulkLen;
    }

    public ClientSession Session { get; }

    public async Task RunAsync()
    {
        try
        {
            while (!Session.CloseAfterReply)
            {
                if (Session.PendingWait is { } blocked)
                {
                    Session.PendingWait = null;
                    if (!await WaitWhileBlockedAsync(blocked).ConfigureAwait(false)) break;
                    _writer.WriteRaw(blocked.Reply.WrittenSpan);
                    blocked.Reply.Dispose();
                }
                else
                {
                    int n = -1;
                    if (_server.Scripts.Running.HoldsIoThread && !_transport.ServedWhileIoThreadIsHeld && _blockedReceive is null && !Dispatcher.OnIoThread)
                        n = ReceiveWhileIoThreadIsHeld();
                    if (n < 0) n = await ReceiveAsync().ConfigureAwait(false);
                    if (n == 0) break;
                    Received(n);
                }
                bool keepOpen = ProcessInput();
                while (Session.ResumeOnThreadPool)
                {
                    Session.ResumeOnThreadPool = false;
                    await Task.Yield(); // queues the rest of this loop to the thread pool
                    keepOpen = ProcessInput();
                }
                // The command clock was just refreshed by the batch (or the cron, within 1/hz s): precise
                // enough for the idle timeout, which counts seconds.
                Session.LastInteractionMs = _server.Keyspace.NowMs;
                if (_writer.Length > 0 || Session.PubSub!.Outbox.Active) await FlushAsync().ConfigureAwait(false);
                if (!keepOpen) break;
            }
        }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
        catch (Exception ex)
        {
            _server.Log.Warning($"Client {Session.Id} closed after an internal error: {ex}");
        }
        finally
        {
            if (Session.Blocked is { } blocked)
            {
                lock (_server.Keyspace.Lock) _server.Blocking.Abandon(blocked);
            }
            if (Session.Watched is not null || Session.PubSub!.Any)
            {
                lock (_server.Keyspace.Lock)
                {
                    TransactionCommands.Discard(Session, _server.Keyspace);
                    _server.PubSub.RemoveAll(Session);
                }
            }
            if (Session.Tracking is { Enabled: true })
            {
                lock (_server.Keyspace.Lock) _server.Tracking.Disable(Session);
            }
            Close();
            _writer.Dispose();
            _server.Clients.Remove(this);
        }
    }

    /// <summary>
    /// A script holds an I/O thread: it wrote before running long, so it could not move (see ScriptPlacement). Socket
    /// events wait for that thread, so until the script ends this connection reads with poll and a plain receive,
    /// on its own thread-pool thread. New clients are served this way, which is how an operator reaches the server
    /// meanwhile: BUSY replies, SCRIPT KILL, SHUTDOWN NOSAVE. Returns the bytes read, or -1 once the script let go.
    /// </summary>
    private int ReceiveWhileIoThreadIsHeld()
    {
        var space = ReceiveSpace();
        while (_server.Scripts.Running.HoldsIoThread)
        {
            if (!_transport.Socket.Poll(TimeSpan.FromMilliseconds(50), SelectMode.SelectRead)) continue;
            try
            {
                return _transport.Socket.Receive(space.Span, SocketFlags.None);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock) { } // the socket is non-blocking
        }
        return -1;
    }

    private ValueTask<int> ReceiveAsync()
    {
        if (_blockedReceive is { } pending)
        {
            _blockedReceive = null;
            return new ValueTask<int>(pending); // into _in: no big argument starts while it is pending
        }
        return _transport.ReceiveAsync(ReceiveSpace());
    }

    /// <summary>Where the next read goes: the big argument's own array while one is arriving (see RequestParser), else the input buffer.</summary>
    private Memory<byte> ReceiveSpace()
    {
        if (_parser.ReceivingBigArgument) return _parser.BigArgumentSpace;
        MakeRoomToReceive();
        return _in.AsMemory(_end);
    }

    /// <summary><paramref name="count"/> bytes arrived in <see cref="ReceiveSpace"/>.</summary>
    private void Received(int count)
    {
        if (_parser.ReceivingBigArgument) _parser.BigArgumentReceived(count);
        else _end += count;
    }

    /// <summary>
    /// Waits until a blocked client is served, times out, is unblocked (true), or goes away (false). Keeps
    /// reading meanwhile, so a disconnect is noticed at once; what arrives is buffered for after the wait.
    /// </summary>
    private async Task<bool> WaitWhileBlockedAsync(BlockedClient blocked)
    {
        using var stopTimer = new CancellationTokenSource();
        try
        {
            return await WaitAsync(blocked, stopTimer.Token).ConfigureAwait(false);
        }
        finally
        {
            stopTimer.Cancel(); // a pending timer must not outlive the wait (it can be set for days)
        }
    }

    /// <summary>The loop of <see cref="WaitWhileBlockedAsync"/>; <paramref name="stopTimer"/> ends its deadline timer.</summary>
    private async Task<bool> WaitAsync(BlockedClient blocked, CancellationToken stopTimer)
    {
        Task? timer = null;
        while (true)
        {
            if (timer is null && blocked.DeadlineTicks != 0)
            {
                // Task.Delay takes at most ~24 days: longer waits re-arm.
                long remaining = Math.Clamp(blocked.DeadlineTicks - Environment.TickCount64, 0, int.MaxValue - 1);
                timer = Task.Delay(TimeSpan.FromMilliseconds(remaining), stopTimer);
            }
            if (_blockedReceive is null && _end - _start < MaxBufferedWhileBlocked)
            {
                MakeRoomToReceive();
                _blockedReceive = _transport.ReceiveAsync(_in.AsMemory(_end)).AsTask();
            }
            var done = await Task.WhenAny(WaitTasks(blocked.Woken.Task, _blockedReceive, timer)).ConfigureAwait(false);
            if (done == blocked.Woken.Task) return true;
            if (done == _blockedReceive)
            {
                _blockedReceive = null;
                int n = done.IsCompletedSuccessfully ? ((Task<int>)done).Result : 0;
                if (n == 0)
                {
                    lock (_server.Keyspace.Lock) _server.Blocking.Abandon(blocked);
                    return false;
                }
                _end += n;
                continue;
            }
            timer = null;
            if (blocked.DeadlineTicks - Environment.TickCount64 > 0) continue;
            lock (_server.Keyspace.Lock) _server.Blocking.Unblock(blocked);
        }
    }

    private static Task[] WaitTasks(Task woken, Task? receive, Task? timer) => (receive, timer) switch
    {
        (null, null) => [woken],
        (null, _) => [woken, timer],
        (_, null) => [woken, receive],
        _ => [woken, receive, timer],
    };

    private async ValueTask FlushAsync()
    {
        var outbox = Session.PubSub!.Outbox;
        // A RESP3 client's outbox may be activated by another client at any time (a tracking redirect to it), so its
        // own sends hold the outbox's send role. A RESP2 client's is activated only by its own commands.
        bool holdsOutbox = false;
        if (outbox.Active || (Session.Protocol >= 3 && !(holdsOutbox = outbox.TryBeginOwnerSend())))
        {
            // A client that can receive pushes sends everything through its outbox (see ClientOutbox).
            if (_writer.Length > 0)
            {
                lock (_server.Keyspace.Lock) _server.PubSub.QueueReplies(Session, outbox);
            }
            await outbox.FlushAsync().ConfigureAwait(false);
            return;
        }
        try
        {
            await _transport.SendAsync(_writer.WrittenMemory).ConfigureAwait(false);
        }
        finally
        {
            _writer.Clear();
            if (holdsOutbox) outbox.EndOwnerSend();
        }
    }

    /// <summary>Parses and runs what is buffered; false when the connection must close after the replies.</summary>
    private bool ProcessInput()
    {
        while (true)
        {
            int parsed = 0;
            string? protocolError = null;
            _parser.Unauthenticated = !Session.Authenticated;
            // Before AUTH, parse one command at a time: AUTH changes the limits for the next one.
            int max = Session.Authenticated ? MaxBatch : 1;
            while (parsed < max)
            {
                if (parsed == _batch.Length)
                {
                    Array.Resize(ref _batch, _batch.Length * 2);
                    Array.Resize(ref _specs, _batch.Length);
                }
                var args = _batch[parsed] ??= new ArgumentList();
                _commandStarts[parsed] = _start;
                // A big argument's bytes leave _in, so its command can never be parsed again from _in: only the
                // first command of a batch may have one (nothing before it can make the batch stop and re-parse).
                // Nor while a read into _in is pending (a wait for BLPOP and friends), as _end must not move then.
                _parser.BigArgumentsAllowed = parsed == 0 && _blockedReceive is null;
                var status = _parser.Parse(_in, _start, _end, args, out int consumed);
                if (status == ParseStatus.Complete)
                {
                    _start += consumed;
                    if (args.Count > 0) _specs[parsed++] = _server.Commands.Find(args[0]);
                    continue;
                }
                if (status == ParseStatus.Error) protocolError = _parser.Error;
                else if (_parser.ReceivingBigArgument) _end = _parser.BigArgumentAt;
                break;
            }

            if (parsed > 0)
            {
                (Session.QueryBufferLength, Session.QueryBufferSize) = (_end - _commandStarts[0], _in.Length); // the running commands count, as in Redis
                int executed = _server.Dispatcher.ExecuteBatch(_context, _batch, _specs, parsed);
                if (Session.PendingWait is not null || Session.ResumeOnThreadPool)
                {
                    // The rest of the pipeline runs once the client is unblocked, or on the thread pool: leave
                    // it unparsed (a half-parsed command still starts at _start).
                    int firstEnd = parsed > 1 ? _commandStarts[1] : _start;
                    if (executed < parsed) _start = _commandStarts[executed];
                    if (executed == 0 && _batch[0].HasOwnedArguments) RestoreFirstCommand(firstEnd);
                    _batch[0].ReleaseOwned();
                    Session.QueryBufferLength = _end - _start;
                    _parser.Reset();
                    return true;
                }
                // Done with: a value it became stays alive through the keyspace alone, and goes when deleted.
                _batch[0].ReleaseOwned();
                // A command left half-parsed sits in slot [parsed]; keep it first for the next round.
                if (parsed < _batch.Length && _parser.InProgress) (_batch[0], _batch[parsed]) = (_batch[parsed], _batch[0]);
            }
            // A big argument arriving into its own array counts as query buffer, as Redis's does.
            var (bigReceived, bigSize) = _parser.BigArgumentProgress;
            Session.QueryBufferLength = _end - _start + bigReceived;
            Session.QueryBufferSize = _in.Length + bigSize;
            Session.PendingArgvBytes = _parser.InProgress ? _batch[0].ByteCount : 0; // a half-parsed command sits in slot 0

            if (protocolError is not null)
            {
                _writer.WriteError("ERR " + protocolError);
                _server.Log.Verbose($"Protocol error from client {Session.Id}: {protocolError}");
                return false;
            }
            if (Session.CloseAfterReply) return false;
            // A big argument's command stopped behind others is now first: parse it again at once, so that the
            // rest of its big argument is received into an array of its own rather than into _in.
            if (parsed > 0 && _parser.AwaitsBigArgument && _blockedReceive is null) continue;
            if (parsed < max || _start == _end) return true;
        }
    }

    /// <summary>
    /// The first command of the batch, which has a big argument outside _in, must run again from its input (on the
    /// thread pool): writes it back in front of what follows it, <c>_in[firstEnd.._end)</c>. Rare (a script with a
    /// 32 KB+ argument that moves off an I/O thread), so it may copy.
    /// </summary>
    private void RestoreFirstCommand(int firstEnd)
    {
        var first = _batch[0];
        int rest = _end - firstEnd;
        var target = new byte[checked((int)first.MultibulkLength() + rest + InitialBufferSize)];
        int at = first.WriteMultibulk(target);
        Buffer.BlockCopy(_in, firstEnd, target, at, rest);
        _in = target;
        _start = 0;
        _end = at + rest;
    }

    /// <summary>Compacts the receive buffer, grows it for a large command (doubling, so big arguments cost linear time), or shrinks it after one.</summary>
    private void MakeRoomToReceive()
    {
        if (_start == _end)
        {
            _start = _end = 0;
            if (_in.Length > 64 * 1024)
            {
                DroppedBuffers.Add(_in);
                _in = new byte[InitialBufferSize];
                foreach (var args in _batch) args?.Trim();
            }
            return;
        }
        if (_end < _in.Length) return;
        int pending = _end - _start;
        byte[] target = _in;
        if (pending * 2 > _in.Length)
        {
            target = new byte[GrownSize(_in.Length, _parser.BytesNeeded)];
            DroppedBuffers.Add(_in);
        }
        Buffer.BlockCopy(_in, _start, target, 0, pending);
        _parser.Rebase(target, _start, _batch[0]);
        _in = target;
        _start = 0;
        _end = pending;
    }

    /// <summary>
    /// The input buffer's next size when a command does not fit. At least double: growing by what the parser asks
    /// for next (one more header, one more argument) would copy the whole pending command once per argument,
    /// quadratic for a command of 1M arguments (LPUSH of 1M elements took 100 s).
    /// </summary>
    internal static int GrownSize(int length, long bytesNeeded) => (int)Math.Min(Math.Max((long)length * 2, bytesNeeded), Array.MaxLength);

    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        // Gone at once for CLIENT LIST, CLIENT KILL and INFO, as Redis frees a killed client; the connection's own
        // cleanup (blocked keys, watches, subscriptions) follows when its loop ends.
        _server.Clients.Remove(this);
        _transport.Shutdown();
        _transport.Dispose();
    }
}
