using System.Net.Sockets;

namespace Spinel.Networking;

/// <summary>
/// How a connection reads and writes its socket: <see cref="Epoll.EpollTransport"/> on Linux x64, the .NET
/// socket engine (<see cref="SocketTransport"/>) elsewhere. At most one receive and one send are pending at a time.
/// </summary>
internal abstract class Transport(Socket socket) : IDisposable
{
    /// <summary>The socket itself, for its addresses, and for poll and plain receives (ClientConnection.ReceiveWhileIoThreadIsHeld).</summary>
    public Socket Socket { get; } = socket;

    /// <summary>The socket's file descriptor (CLIENT LIST's fd), read once: the number stays the socket's until it closes.</summary>
    public long Descriptor { get; } = socket.Handle;

    /// <summary>
    /// True when this socket's events are still served while a script holds its I/O thread (the epoll engine's
    /// stand-in); false when the connection must read around the held thread itself (ClientConnection.ReceiveWhileIoThreadIsHeld).
    /// </summary>
    public virtual bool ServedWhileIoThreadIsHeld => false;

    /// <summary>Bytes read into <paramref name="buffer"/>, 0 at the end of the stream; throws SocketException or ObjectDisposedException.</summary>
    public abstract ValueTask<int> ReceiveAsync(Memory<byte> buffer);

    /// <summary>Sends all of <paramref name="data"/>.</summary>
    public abstract ValueTask SendAsync(ReadOnlyMemory<byte> data);

    /// <summary>Ends both directions; pending and later operations fail or read the end of the stream.</summary>
    public void Shutdown()
    {
        try
        {
            Socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }

    public virtual void Dispose() => Socket.Dispose();
}

/// <summary>The .NET socket engine: portable, one extra receive per request (it tries before it waits).</summary>
internal sealed class SocketTransport(Socket socket) : Transport(socket)
{
    public override ValueTask<int> ReceiveAsync(Memory<byte> buffer) => Socket.ReceiveAsync(buffer, SocketFlags.None);

    public override async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        // Socket.SendAsync sends everything before it completes.
        await Socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
    }
}
