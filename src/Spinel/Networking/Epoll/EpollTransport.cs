using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace Spinel.Networking.Epoll;

/// <summary>
/// A connection's socket on an <see cref="EpollLoop"/>. Readiness is tracked per direction: "ready" until a read
/// comes back short or a call would block, then "not ready" until the next edge (for reads, only until the peer has
/// closed: its end of stream must still be read). An edge that arrives while a
/// call is in flight bumps a counter, so the call does not mark the socket idle over it (no lost wake-up).
/// A receive that must wait completes on the loop thread, which runs the connection on from there.
/// </summary>
internal sealed class EpollTransport : Transport, IValueTaskSource<int>
{
    private readonly EpollLoop _loop;
    private readonly SafeSocketHandle _handle;
    private readonly Lock _gate = new();

    private bool _readReady = true; // the first request may have arrived before registration
    private int _readEdges;
    private bool _peerClosed; // the peer's end of stream (or an error) is pending: reads never wait again
    private bool _receiveWaiting;
    private Memory<byte> _receiveBuffer;
    private ManualResetValueTaskSourceCore<int> _receive; // continuations run where it completes: the loop thread

    private int _writeEdges;
    private TaskCompletionSource? _writable;
    private bool _disposed;

    public EpollTransport(Socket socket, EpollLoop loop) : base(socket)
    {
        socket.Blocking = false;
        _loop = loop;
        _handle = socket.SafeHandle;
        loop.Register(this, (int)_handle.DangerousGetHandle());
    }

    public override bool ServedWhileIoThreadIsHeld => true;

    /// <summary>Slot and generation on the loop, set by <see cref="EpollLoop.Register"/>: events carry it.</summary>
    public ulong Key { get; set; }

    public override ValueTask<int> ReceiveAsync(Memory<byte> buffer)
    {
        _receive.Reset();
        return TryReceive(buffer, out int received) ? new ValueTask<int>(received) : new ValueTask<int>(this, _receive.Version);
    }

    /// <summary>Reads if the socket may hold data; false (and the receive left waiting for an edge) if it holds none.</summary>
    private bool TryReceive(Memory<byte> buffer, out int received)
    {
        while (true)
        {
            int edges;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (!_readReady)
                {
                    _receiveWaiting = true;
                    _receiveBuffer = buffer;
                    received = 0;
                    return false;
                }
                edges = _readEdges;
            }
            nint n = Call(buffer.Span, receive: true, out int errno);
            if (n >= 0)
            {
                // A short read emptied the socket: what arrives next brings an edge.
                if (n < buffer.Length) MarkNotReadable(edges);
                received = (int)n;
                return true;
            }
            if (errno == Libc.EAGAIN) MarkNotReadable(edges);
            else if (errno != Libc.EINTR) throw new SocketException((int)SocketError.ConnectionReset);
        }
    }

    private void MarkNotReadable(int edgesBefore)
    {
        lock (_gate)
        {
            // A short read says the data is gone, not the peer's close: that may have come in the same edge (data
            // and FIN together, or before the socket was registered), and no edge would announce it again.
            if (_readEdges == edgesBefore && !_peerClosed) _readReady = false;
        }
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> data) =>
        TrySend(ref data, out int edges) ? default : SendWhenWritableAsync(data, edges);

    /// <summary>
    /// Sends what the socket takes: true once all is sent; false when it would block, with <paramref name="data"/>
    /// the rest and <paramref name="edges"/> the write edges seen before the call that blocked.
    /// </summary>
    private bool TrySend(ref ReadOnlyMemory<byte> data, out int edges)
    {
        while (true)
        {
            edges = Volatile.Read(ref _writeEdges);
            if (data.IsEmpty) return true;
            nint n = Call(MemoryMarshal.AsMemory(data).Span, receive: false, out int errno);
            if (n >= 0) data = data[(int)n..];
            else if (errno == Libc.EAGAIN) return false;
            else if (errno != Libc.EINTR) throw new SocketException((int)SocketError.ConnectionReset);
        }
    }

    /// <summary>The socket's send buffer is full (a reader that does not keep up): waits for room, then goes on.</summary>
    private async ValueTask SendWhenWritableAsync(ReadOnlyMemory<byte> data, int edges)
    {
        do
        {
            Task? wait = null;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_writeEdges == edges) wait = (_writable = new TaskCompletionSource()).Task;
            }
            if (wait is not null) await wait.ConfigureAwait(false);
        }
        while (!TrySend(ref data, out edges));
    }

    /// <summary>recv or send, holding the handle so a concurrent dispose cannot close (and the OS reuse) the descriptor meanwhile.</summary>
    private unsafe nint Call(Span<byte> buffer, bool receive, out int errno)
    {
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            int fd = (int)_handle.DangerousGetHandle();
            nint n;
            fixed (byte* p = buffer)
            {
                n = receive ? Libc.recv(fd, p, buffer.Length, 0) : Libc.send(fd, p, buffer.Length, Libc.MsgNoSignal);
            }
            errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
            return n;
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    /// <summary>On the loop thread: the socket's readiness changed.</summary>
    public void OnEvents(uint events)
    {
        bool receive = false;
        TaskCompletionSource? writable = null;
        Memory<byte> buffer = default;
        lock (_gate)
        {
            if ((events & (Libc.EpollIn | Libc.EpollRdHup | Libc.EpollHup | Libc.EpollErr)) != 0)
            {
                _readEdges++;
                _readReady = true;
                if ((events & (Libc.EpollRdHup | Libc.EpollHup | Libc.EpollErr)) != 0) _peerClosed = true;
                if (_receiveWaiting)
                {
                    _receiveWaiting = false;
                    receive = true;
                    buffer = _receiveBuffer;
                    _receiveBuffer = default;
                }
            }
            if ((events & (Libc.EpollOut | Libc.EpollHup | Libc.EpollErr)) != 0)
            {
                _writeEdges++;
                writable = _writable;
                _writable = null;
            }
        }
        writable?.SetResult();
        if (receive) CompleteReceive(buffer);
    }

    private void CompleteReceive(Memory<byte> buffer)
    {
        int received;
        try
        {
            if (!TryReceive(buffer, out received)) return; // a stale edge: waiting again
        }
        catch (Exception e)
        {
            _receive.SetException(e);
            return;
        }
        _receive.SetResult(received);
    }

    public override void Dispose()
    {
        bool receive;
        TaskCompletionSource? writable;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            receive = _receiveWaiting;
            _receiveWaiting = false;
            _receiveBuffer = default;
            writable = _writable;
            _writable = null;
        }
        _loop.Unregister(Key, (int)_handle.DangerousGetHandle());
        base.Dispose();
        // Not inline: the caller may be another client's command (CLIENT KILL), and the waiting connection's
        // cleanup must not run in the middle of it.
        if (receive) ThreadPool.UnsafeQueueUserWorkItem(static t => t._receive.SetException(new ObjectDisposedException(nameof(EpollTransport))), this, preferLocal: false);
        if (writable is not null) ThreadPool.UnsafeQueueUserWorkItem(static w => w.SetException(new ObjectDisposedException(nameof(EpollTransport))), writable, preferLocal: false);
    }

    int IValueTaskSource<int>.GetResult(short token) => _receive.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _receive.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _receive.OnCompleted(continuation, state, token, flags);
}
