using System.Net.Sockets;
using Spinel.Config;
using Spinel.Networking;

namespace Spinel.PubSub;

/// <summary>
/// The output of a client that can receive pushes (a subscriber). Other connections append messages to it
/// under the keyspace lock; its own replies join it at the end of each batch, so replies and pushes keep
/// their order. A send loop drains it: started after a delivery (see <see cref="ScheduleDrain"/>), or run by the
/// owner when it flushes. Its sends never wait on the subscriber (a full socket buffer continues asynchronously), so
/// a slow reader cannot slow the publisher down; one that falls behind by more than its client-output-buffer-limit
/// is disconnected instead.
/// </summary>
internal sealed class ClientOutbox(Transport transport) : IThreadPoolWorkItem
{
    private const int InitialSize = 4096;
    private const int KeptSize = 64 * 1024; // a buffer grown past this for a burst is dropped once sent

    private readonly Lock _lock = new();
    private byte[] _pending = [];
    private int _pendingLength;
    private byte[] _sending = [];
    private int _inFlight;
    private bool _draining;
    private bool _closed;
    private TaskCompletionSource? _drained;
    private long _softLimitSince; // Environment.TickCount64 when the soft limit was first exceeded; 0 when under it

    /// <summary>Set (under the keyspace lock) once the client subscribes: from then on all its output goes through here.</summary>
    public bool Active { get; set; }

    /// <summary>Bytes queued or being sent: what the output-buffer limit measures (CLIENT LIST omem).</summary>
    public long Size
    {
        get
        {
            lock (_lock) return _pendingLength + _inFlight;
        }
    }

    /// <summary>
    /// For CLIENT LIST: the bytes queued or being sent (omem), the buffers holding them (oll: one queued, one in
    /// flight), the memory of both buffers, and whether a send is under way (events=w).
    /// </summary>
    public (long Bytes, int Buffers, long Allocated, bool Sending) Usage()
    {
        lock (_lock)
        {
            int buffers = (_pendingLength > 0 ? 1 : 0) + (_inFlight > 0 ? 1 : 0);
            return ((long)_pendingLength + _inFlight, buffers, (long)_pending.Length + _sending.Length, _inFlight > 0);
        }
    }

    public enum Outcome { Queued, StartDrain, OverLimit }

    /// <summary>
    /// Appends one push frame. StartDrain: the caller must schedule the send loop (<see cref="ScheduleDrain"/>),
    /// outside any lock it can avoid. OverLimit: the client must be disconnected (nothing more is queued).
    /// </summary>
    public Outcome AppendFrame(int protocol, ReadOnlySpan<byte> kind, ReadOnlySpan<byte> pattern, bool hasPattern,
        ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message, OutputBufferLimit limit)
    {
        lock (_lock)
        {
            if (_closed) return Outcome.Queued;
            int size = PushFrames.Size(kind, pattern, hasPattern, channel, message);
            var span = Reserve(size);
            _pendingLength += PushFrames.Write(span, protocol, kind, pattern, hasPattern, channel, message);
            return AfterAppend(limit);
        }
    }

    /// <summary>Appends a frame already encoded (an invalidation message); the outcomes are those of <see cref="AppendFrame"/>.</summary>
    public Outcome AppendRaw(ReadOnlySpan<byte> frame, OutputBufferLimit limit)
    {
        lock (_lock)
        {
            if (_closed) return Outcome.Queued;
            frame.CopyTo(Reserve(frame.Length));
            _pendingLength += frame.Length;
            return AfterAppend(limit);
        }
    }

    /// <summary>Appends the owner's replies (under the keyspace lock, at the end of its batch).</summary>
    public Outcome AppendReplies(ReadOnlySpan<byte> replies, OutputBufferLimit limit)
    {
        if (replies.IsEmpty) return Outcome.Queued;
        lock (_lock)
        {
            if (_closed) return Outcome.Queued;
            replies.CopyTo(Reserve(replies.Length));
            _pendingLength += replies.Length;
            // The owner flushes right after its batch: no drain to start here.
            return IsOverLimit(limit) ? Close() : Outcome.Queued;
        }
    }

    private Outcome AfterAppend(OutputBufferLimit limit)
    {
        if (IsOverLimit(limit)) return Close();
        if (_draining) return Outcome.Queued;
        _draining = true;
        return Outcome.StartDrain;
    }

    private Outcome Close()
    {
        _closed = true;
        _pendingLength = 0;
        return Outcome.OverLimit;
    }

    /// <summary>Redis's rule: over the hard limit at once, or over the soft limit continuously for its seconds.</summary>
    private bool IsOverLimit(OutputBufferLimit limit)
    {
        long used = (long)_pendingLength + _inFlight;
        if (limit.Hard > 0 && used >= limit.Hard) return true;
        if (limit.Soft > 0 && used >= limit.Soft)
        {
            long now = Environment.TickCount64;
            if (_softLimitSince == 0)
            {
                _softLimitSince = now;
                return false;
            }
            return now - _softLimitSince >= limit.SoftSeconds * 1000;
        }
        _softLimitSince = 0;
        return false;
    }

    private Span<byte> Reserve(int size)
    {
        if (_pending.Length - _pendingLength < size)
        {
            long wanted = Math.Max(Math.Max(InitialSize, (long)_pending.Length * 2), (long)_pendingLength + size);
            var bigger = new byte[(int)Math.Min(wanted, Array.MaxLength)];
            _pending.AsSpan(0, _pendingLength).CopyTo(bigger);
            _pending = bigger;
        }
        return _pending.AsSpan(_pendingLength);
    }

    [ThreadStatic] private static List<ClientOutbox>? t_deferred;

    /// <summary>
    /// Starts the send loop. During a client's batch (<paramref name="batchRunning"/>) it waits, on the same thread
    /// with the lock released, for the end of the epoll loop's turn or, off a loop, of the batch
    /// (<see cref="RunDeferredDrains"/>): one send per subscriber per turn, and no hand-off to another thread.
    /// Elsewhere (cron, timers) it runs on the thread pool, one work item per idle-to-busy change, without allocating.
    /// </summary>
    public void ScheduleDrain(bool batchRunning)
    {
        if (batchRunning) (t_deferred ??= []).Add(this);
        else ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>
    /// Starts the send loops deferred by this thread's batch. For a few subscribers they run here: a send that
    /// completes at once (the usual case) costs one syscall, and one that cannot goes on asynchronously, so a slow
    /// reader still never holds the caller. For more, a send each would hold the publisher's I/O thread for long
    /// (a loopback send also wakes the reader), so they go to the thread pool, where messages published meanwhile
    /// join each send.
    /// </summary>
    public static void RunDeferredDrains()
    {
        if (t_deferred is not { Count: > 0 } deferred) return;
        bool inline = deferred.Count <= InlineDrains;
        foreach (var outbox in deferred)
        {
            if (inline) _ = outbox.DrainAsync();
            else ThreadPool.UnsafeQueueUserWorkItem(outbox, preferLocal: false);
        }
        deferred.Clear();
    }

    private const int InlineDrains = 4;

    void IThreadPoolWorkItem.Execute() => _ = DrainAsync();

    /// <summary>The owner's flush: sends what is queued, or waits for the running send loop to empty the queue.</summary>
    public Task FlushAsync()
    {
        lock (_lock)
        {
            if (_closed) return Task.CompletedTask;
            if (_draining)
            {
                _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return _drained.Task;
            }
            if (_pendingLength == 0) return Task.CompletedTask;
            _draining = true;
        }
        return DrainAsync();
    }

    /// <summary>
    /// Before the owner sends its replies itself (its outbox inactive): it takes the send role, so a push that
    /// activates the outbox meanwhile (a tracking redirect to a RESP3 client) waits for that send instead of going
    /// out alongside it. False when the outbox is active by now: the replies must go through it.
    /// </summary>
    public bool TryBeginOwnerSend()
    {
        lock (_lock)
        {
            if (Active || _draining) return false;
            _draining = true;
            return true;
        }
    }

    /// <summary>Ends the owner's send; pushes queued meanwhile go out now.</summary>
    public void EndOwnerSend()
    {
        lock (_lock)
        {
            if (_pendingLength == 0 || _closed)
            {
                StopDraining();
                return;
            }
        }
        _ = DrainAsync();
    }

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                int length;
                lock (_lock)
                {
                    _inFlight = 0;
                    if (_sending.Length > KeptSize) _sending = [];
                    if (_pendingLength == 0 || _closed)
                    {
                        StopDraining();
                        return;
                    }
                    (_pending, _sending) = (_sending, _pending);
                    length = _pendingLength;
                    _pendingLength = 0;
                    _inFlight = length;
                }
                await transport.SendAsync(_sending.AsMemory(0, length)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            lock (_lock)
            {
                _closed = true;
                _pendingLength = 0;
                _inFlight = 0;
                StopDraining();
            }
        }
    }

    private void StopDraining()
    {
        _draining = false;
        var drained = _drained;
        _drained = null;
        drained?.TrySetResult();
    }
}
