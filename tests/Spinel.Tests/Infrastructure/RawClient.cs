using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Spinel.Tests.Infrastructure;

/// <summary>A bare RESP client for tests: sends commands or raw bytes, returns raw reply bytes.</summary>
public sealed class RawClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly RespReader _reader;

    private RawClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new RespReader(_stream);
    }

    public static async Task<RawClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        return new RawClient(tcp);
    }

    public static byte[] Encode(IReadOnlyList<byte[]> args)
    {
        var ms = new MemoryStream();
        var header = Encoding.ASCII.GetBytes($"*{args.Count}\r\n");
        ms.Write(header);
        foreach (var arg in args)
        {
            ms.Write(Encoding.ASCII.GetBytes($"${arg.Length}\r\n"));
            ms.Write(arg);
            ms.Write("\r\n"u8);
        }
        return ms.ToArray();
    }

    public static byte[][] Args(params string[] args) => Array.ConvertAll(args, a => Encoding.UTF8.GetBytes(a));

    public async Task SendAsync(params string[] args) => await SendRawAsync(Encode(Args(args)));

    public async Task SendAsync(IReadOnlyList<byte[]> args) => await SendRawAsync(Encode(args));

    /// <summary>Sends a command piece by piece, so a huge argument is never copied into one request buffer.</summary>
    public async Task SendStreamingAsync(IReadOnlyList<byte[]> args)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes($"*{args.Count}\r\n"));
        foreach (var arg in args)
        {
            await _stream.WriteAsync(Encoding.ASCII.GetBytes($"${arg.Length}\r\n"));
            await _stream.WriteAsync(arg);
            await _stream.WriteAsync("\r\n"u8.ToArray());
        }
        await _stream.FlushAsync();
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    public async Task SendRawAsync(string text) => await SendRawAsync(Encoding.Latin1.GetBytes(text));

    public async Task<byte[]> ReadReplyAsync(int timeoutMs = 10000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        return await _reader.ReadReplyAsync(cts.Token);
    }

    /// <summary>Sends a command and returns its reply as Latin-1 text (binary-exact, readable in assertions).</summary>
    public async Task<string> CallAsync(params string[] args)
    {
        await SendAsync(args);
        return Encoding.Latin1.GetString(await ReadReplyAsync());
    }

    public async Task<string> CallAsync(IReadOnlyList<byte[]> args)
    {
        await SendAsync(args);
        return Encoding.Latin1.GetString(await ReadReplyAsync());
    }

    public async Task<bool> IsClosedAsync(int timeoutMs = 5000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        try
        {
            return await _reader.IsClosedAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
