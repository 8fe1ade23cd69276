using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Spinel.Server;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>Pub/sub over real connections: ordering, patterns, slow subscribers, RESP3 pushes, cleanup.</summary>
public sealed class PubSubTests : IAsyncLifetime
{
    private SpinelServer _server = null!;
    private int Port => _server.EndPoints[0].Port;

    public async Task InitializeAsync() => _server = await SpinelFixture.StartAsync();

    public async Task DisposeAsync() => await _server.StopAsync();

    private static string Message(string channel, string payload) => $"*3\r\n$7\r\nmessage\r\n${channel.Length}\r\n{channel}\r\n${payload.Length}\r\n{payload}\r\n";

    private static async Task<string> ReadAsync(RawClient c) => Encoding.Latin1.GetString(await c.ReadReplyAsync());

    [Fact]
    public async Task Messages_from_one_publisher_arrive_in_order()
    {
        await using var subscriber = await RawClient.ConnectAsync(Port);
        await using var publisher = await RawClient.ConnectAsync(Port);
        Assert.Equal("*3\r\n$9\r\nsubscribe\r\n$5\r\norder\r\n:1\r\n", await subscriber.CallAsync("SUBSCRIBE", "order"));

        const int n = 20000;
        var batch = new MemoryStream();
        for (int i = 0; i < n; i++) batch.Write(RawClient.Encode(RawClient.Args("PUBLISH", "order", i.ToString())));
        await publisher.SendRawAsync(batch.ToArray());
        for (int i = 0; i < n; i++) Assert.Equal(":1\r\n", await ReadAsync(publisher));
        for (int i = 0; i < n; i++) Assert.Equal(Message("order", i.ToString()), await ReadAsync(subscriber));
    }

    [Fact]
    public async Task Channel_and_pattern_subscribers_both_receive_and_are_counted()
    {
        await using var subscriber = await RawClient.ConnectAsync(Port);
        await using var patternOnly = await RawClient.ConnectAsync(Port);
        await using var publisher = await RawClient.ConnectAsync(Port);
        await subscriber.CallAsync("SUBSCRIBE", "news.tech");
        Assert.Equal("*3\r\n$10\r\npsubscribe\r\n$6\r\nnews.*\r\n:2\r\n", await subscriber.CallAsync("PSUBSCRIBE", "news.*"));
        await patternOnly.CallAsync("PSUBSCRIBE", "news.[st]*");

        Assert.Equal(":3\r\n", await publisher.CallAsync("PUBLISH", "news.tech", "hello"));
        Assert.Equal(Message("news.tech", "hello"), await ReadAsync(subscriber));
        Assert.Equal("*4\r\n$8\r\npmessage\r\n$6\r\nnews.*\r\n$9\r\nnews.tech\r\n$5\r\nhello\r\n", await ReadAsync(subscriber));
        Assert.Equal("*4\r\n$8\r\npmessage\r\n$10\r\nnews.[st]*\r\n$9\r\nnews.tech\r\n$5\r\nhello\r\n", await ReadAsync(patternOnly));

        Assert.Equal(":1\r\n", await publisher.CallAsync("PUBLISH", "news.arts", "x")); // the pattern news.* only
        Assert.Equal(":0\r\n", await publisher.CallAsync("PUBLISH", "other", "x"));
        Assert.Equal(":2\r\n", await publisher.CallAsync("PUBSUB", "NUMPAT"));
        Assert.Equal("*2\r\n$9\r\nnews.tech\r\n:1\r\n", await publisher.CallAsync("PUBSUB", "NUMSUB", "news.tech"));
        var info = await publisher.CallAsync("INFO", "stats");
        Assert.Contains("pubsub_channels:1\r\n", info);
        Assert.Contains("pubsub_patterns:2\r\n", info);
        var list = await publisher.CallAsync("CLIENT", "LIST");
        Assert.Contains("flags=P db=0 sub=1 psub=1 ssub=0", list);
    }

    [Fact]
    public async Task A_subscriber_that_does_not_read_is_disconnected_and_nobody_else_slows_down()
    {
        await using var admin = await RawClient.ConnectAsync(Port);
        Assert.Equal("+OK\r\n", await admin.CallAsync("CONFIG", "SET", "client-output-buffer-limit", "pubsub 4mb 2mb 60"));

        // A subscriber that never reads, with a tiny receive window so its backlog builds up in Spinel.
        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stalled.ConnectAsync(IPAddress.Loopback, Port);
        await stalled.SendAsync(RawClient.Encode(RawClient.Args("SUBSCRIBE", "firehose")), SocketFlags.None);
        await using var reader = await RawClient.ConnectAsync(Port);
        await reader.CallAsync("SUBSCRIBE", "firehose");
        await using var publisher = await RawClient.ConnectAsync(Port);
        await WaitUntilAsync(async () => await publisher.CallAsync("PUBSUB", "NUMSUB", "firehose") == "*2\r\n$8\r\nfirehose\r\n:2\r\n");

        var payload = new string('m', 4096);
        const int n = 8000; // 32 MB: far beyond the limit and any socket buffering
        int received = 0;
        var readAll = Task.Run(async () =>
        {
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(Message("firehose", payload), await ReadAsync(reader));
                Volatile.Write(ref received, i + 1);
            }
        });
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < n; i += 50)
        {
            var batch = new MemoryStream();
            for (int j = 0; j < 50; j++) batch.Write(RawClient.Encode(RawClient.Args("PUBLISH", "firehose", payload)));
            await publisher.SendRawAsync(batch.ToArray());
            for (int j = 0; j < 50; j++) Assert.Matches("^:[12]\r\n$", await ReadAsync(publisher));
            // The reading subscriber keeps up within its limit (a reader slower than the publisher is cut off too).
            while (Volatile.Read(ref received) < i - 50 && !readAll.IsCompleted) await Task.Delay(1);
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"publishing took {watch.Elapsed}");
        await readAll.WaitAsync(TimeSpan.FromSeconds(30));

        // The stalled subscriber is gone; the reading one is still subscribed.
        await WaitUntilAsync(async () => await publisher.CallAsync("PUBSUB", "NUMSUB", "firehose") == "*2\r\n$8\r\nfirehose\r\n:1\r\n");
        Assert.Equal(":1\r\n", await publisher.CallAsync("PUBLISH", "firehose", "after"));
        Assert.Equal(Message("firehose", "after"), await ReadAsync(reader));
    }

    [Fact]
    public async Task Soft_limit_disconnects_only_after_its_seconds()
    {
        await using var admin = await RawClient.ConnectAsync(Port);
        await admin.CallAsync("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 64kb 4");
        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stalled.ConnectAsync(IPAddress.Loopback, Port);
        await stalled.SendAsync(RawClient.Encode(RawClient.Args("SUBSCRIBE", "soft")), SocketFlags.None);
        await WaitUntilAsync(async () => await admin.CallAsync("PUBSUB", "NUMSUB", "soft") == "*2\r\n$4\r\nsoft\r\n:1\r\n");
        var payload = new string('m', 64 * 1024);
        // Enough to stay over the soft limit: the first publishes exceed it, later ones (after a second) close.
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 200; i++) await admin.CallAsync("PUBLISH", "soft", payload);
        // Still there while within the 4 seconds (unless this machine took that long to publish).
        if (watch.Elapsed < TimeSpan.FromSeconds(3)) Assert.Equal("*2\r\n$4\r\nsoft\r\n:1\r\n", await admin.CallAsync("PUBSUB", "NUMSUB", "soft"));
        await Task.Delay(4200);
        await admin.CallAsync("PUBLISH", "soft", payload);
        await WaitUntilAsync(async () => await admin.CallAsync("PUBSUB", "NUMSUB", "soft") == "*2\r\n$4\r\nsoft\r\n:0\r\n");
    }

    [Fact]
    public async Task Resp3_client_gets_pushes_between_replies_of_normal_commands()
    {
        await using var client = await RawClient.ConnectAsync(Port);
        await using var publisher = await RawClient.ConnectAsync(Port);
        await client.CallAsync("HELLO", "3");
        Assert.Equal(">3\r\n$9\r\nsubscribe\r\n$2\r\nr3\r\n:1\r\n", await client.CallAsync("SUBSCRIBE", "r3"));
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "k", "v"));
        Assert.Equal(":1\r\n", await publisher.CallAsync("PUBLISH", "r3", "one"));
        Assert.Equal(">3\r\n$7\r\nmessage\r\n$2\r\nr3\r\n$3\r\none\r\n", await ReadAsync(client));
        Assert.Equal("$1\r\nv\r\n", await client.CallAsync("GET", "k"));
        // Its own publish: the push comes first, then the reply, as in Redis.
        await client.SendAsync("PUBLISH", "r3", "self");
        Assert.Equal(">3\r\n$7\r\nmessage\r\n$2\r\nr3\r\n$4\r\nself\r\n", await ReadAsync(client));
        Assert.Equal(":1\r\n", await ReadAsync(client));
        // Pushes and pipelined replies: every reply is whole and in order, pushes in between.
        const int n = 500;
        var pipeline = new MemoryStream();
        for (int i = 0; i < n; i++) pipeline.Write(RawClient.Encode(RawClient.Args("INCR", "counter")));
        var send = client.SendRawAsync(pipeline.ToArray());
        for (int i = 0; i < 50; i++) await publisher.CallAsync("PUBLISH", "r3", "p" + i);
        await send;
        int replies = 0, pushes = 0;
        while (replies < n || pushes < 50)
        {
            var frame = await ReadAsync(client);
            if (frame.StartsWith('>')) Assert.Equal(Push("r3", "p" + pushes++), frame);
            else Assert.Equal($":{++replies}\r\n", frame);
        }
    }

    private static string Push(string channel, string payload) => ">" + Message(channel, payload)[1..];

    [Fact]
    public async Task Reset_and_disconnect_drop_subscriptions()
    {
        await using var observer = await RawClient.ConnectAsync(Port);
        var first = await RawClient.ConnectAsync(Port);
        await first.CallAsync("SUBSCRIBE", "gone");
        await first.CallAsync("PSUBSCRIBE", "gone*");
        await using var second = await RawClient.ConnectAsync(Port);
        await second.CallAsync("SUBSCRIBE", "gone");
        Assert.Equal("*2\r\n$4\r\ngone\r\n:2\r\n", await observer.CallAsync("PUBSUB", "NUMSUB", "gone"));

        await first.DisposeAsync();
        await WaitUntilAsync(async () => await observer.CallAsync("PUBSUB", "NUMPAT") == ":0\r\n");
        Assert.Equal("*2\r\n$4\r\ngone\r\n:1\r\n", await observer.CallAsync("PUBSUB", "NUMSUB", "gone"));

        Assert.Equal("+RESET\r\n", await second.CallAsync("RESET"));
        Assert.Equal("*0\r\n", await observer.CallAsync("PUBSUB", "CHANNELS"));
        Assert.Equal("+PONG\r\n", await second.CallAsync("PING"));
        Assert.Equal(":0\r\n", await observer.CallAsync("PUBLISH", "gone", "x"));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "condition not reached in 10 s");
            await Task.Delay(20);
        }
    }
}
