using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

// MULTI/EXEC load for bench/run.sh, since redis-benchmark sends one command per request. Each connection
// sends MULTI, SET, SET, SET (random keys out of --keyspace, 3-byte values as redis-benchmark's default),
// EXEC in one write and waits for all five replies before the next: one transaction in flight per
// connection, like redis-benchmark -P 1. Prints transactions per second in redis-benchmark's --csv format.
int port = 6379, clients = 50, keyspace = 100_000;
long requests = 100_000;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "-p": port = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "-c": clients = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "-n": requests = long.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "-r": keyspace = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        default: throw new ArgumentException("usage: multi-load [-p port] [-c clients] [-n transactions] [-r keyspace]");
    }
}

byte[] expected = "+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n+OK\r\n+OK\r\n"u8.ToArray();
long remaining = requests;
long latencyTicks = 0;
var stopwatch = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, clients).Select(c => RunClientAsync(c)));
stopwatch.Stop();
double averageMs = (double)latencyTicks / requests / Stopwatch.Frequency * 1000;
Console.WriteLine("\"test\",\"rps\",\"avg_latency_ms\"");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\"MULTI/EXEC\",\"{requests / stopwatch.Elapsed.TotalSeconds:F2}\",\"{averageMs:F3}\""));

async Task RunClientAsync(int seed)
{
    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    await socket.ConnectAsync(IPAddress.Loopback, port);
    var random = new Random(seed);
    var request = new byte[512];
    var reply = new byte[4096];
    while (Interlocked.Decrement(ref remaining) >= 0)
    {
        int length = Append(request, 0, "*1\r\n$5\r\nMULTI\r\n"u8);
        for (int k = 0; k < 3; k++)
        {
            length = Append(request, length, "*3\r\n$3\r\nSET\r\n$16\r\nkey:"u8);
            // "key:" plus 12 zero-padded digits: a fixed 16-byte key, so the header above stays right.
            Utf8Formatter.TryFormat(random.Next(keyspace), request.AsSpan(length), out int written, new StandardFormat('D', 12));
            length += written;
            length = Append(request, length, "\r\n$3\r\nxxx\r\n"u8);
        }
        length = Append(request, length, "*1\r\n$4\r\nEXEC\r\n"u8);
        long start = Stopwatch.GetTimestamp();
        await socket.SendAsync(request.AsMemory(0, length), SocketFlags.None);
        int received = 0;
        while (received < expected.Length)
        {
            int n = await socket.ReceiveAsync(reply.AsMemory(received), SocketFlags.None);
            if (n == 0) throw new IOException("server closed the connection");
            received += n;
        }
        Interlocked.Add(ref latencyTicks, Stopwatch.GetTimestamp() - start);
        if (!reply.AsSpan(0, received).SequenceEqual(expected)) throw new InvalidDataException("unexpected reply: " + System.Text.Encoding.ASCII.GetString(reply, 0, received));
    }
}

static int Append(byte[] buffer, int at, ReadOnlySpan<byte> bytes)
{
    bytes.CopyTo(buffer.AsSpan(at));
    return at + bytes.Length;
}
