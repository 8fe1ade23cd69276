using System.Net;
using System.Net.Sockets;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>
/// A client that pipelines far more than its receive buffer holds and reads nothing for a while: the server stops
/// reading it (its replies cannot go out), and once the client reads again every reply arrives, in order.
/// </summary>
public sealed class SlowReaderTests
{
    private const int Commands = 1_000_000;

    [Theory]
    [InlineData("epoll")]
    [InlineData("dotnet")]
    public async Task A_send_blocked_for_seconds_resumes_when_the_peer_reads_and_every_reply_arrives(string engine)
    {
        var environment = new Dictionary<string, string>();
        if (engine == "dotnet") environment["SPINEL_SOCKET_ENGINE"] = "dotnet";
        await using var server = await ExternalServer.StartWithEnvironmentAsync(null, environment);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(IPAddress.Loopback, server.Port);

        // INCR replies carry their count, so a lost or repeated reply shows as a gap.
        var chunk = Enumerable.Repeat(RawClient.Encode(RawClient.Args("INCR", "n")), 10_000).SelectMany(b => b).ToArray();
        long sent = 0;
        var sender = Task.Run(async () =>
        {
            for (int i = 0; i < Commands / 10_000; i++)
            {
                await socket.SendAsync(chunk);
                Interlocked.Add(ref sent, 10_000);
            }
        });
        await Task.Delay(3000);
        Assert.True(Interlocked.Read(ref sent) < Commands, "the server read everything: nothing was held back");

        var buffer = new byte[64 * 1024];
        var text = new System.Text.StringBuilder();
        long next = 1;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (next <= Commands)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"only {next - 1} of {Commands} replies arrived in 60 s");
            int n = await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.True(n > 0, "the server closed the connection");
            text.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, n));
            int end = text.ToString().LastIndexOf("\r\n", StringComparison.Ordinal);
            if (end < 0) continue;
            foreach (var line in text.ToString(0, end).Split("\r\n"))
            {
                Assert.Equal(":" + next, line);
                next++;
            }
            text.Remove(0, end + 2);
        }
        await sender;
    }
}
