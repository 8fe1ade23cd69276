using System.Collections.Concurrent;
using StackExchange.Redis;
using Spinel.Server;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>StackExchange.Redis pub/sub (RESP2 and RESP3) and keyspace events against Spinel.</summary>
public sealed class PubSubStackExchangeTests : IAsyncLifetime
{
    private SpinelServer _server = null!;

    public async Task InitializeAsync() => _server = await SpinelFixture.StartAsync();

    public async Task DisposeAsync() => await _server.StopAsync();

    private Task<ConnectionMultiplexer> ConnectAsync(RedisProtocol protocol) =>
        StackExchangeClient.ConnectAsync(_server.EndPoints[0].Port, protocol);

    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task Subscribe_and_publish_deliver_every_message_in_order(RedisProtocol protocol)
    {
        await using var mux = await ConnectAsync(protocol);
        var sub = mux.GetSubscriber();
        var received = new ConcurrentQueue<string>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int n = 1000;
        var queue = await sub.SubscribeAsync(RedisChannel.Literal("se:chan"));
        queue.OnMessage(m =>
        {
            received.Enqueue((string)m.Message!);
            if (received.Count == n) all.TrySetResult();
        });
        for (int i = 0; i < n; i++) Assert.Equal(1, await sub.PublishAsync(RedisChannel.Literal("se:chan"), "m" + i));
        await all.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Enumerable.Range(0, n).Select(i => "m" + i), received);
        // The same connection keeps serving normal commands (interactive and subscription connections).
        var db = mux.GetDatabase();
        Assert.True(await db.StringSetAsync("se:k", "v"));
        Assert.Equal("v", (string?)await db.StringGetAsync("se:k"));
        await sub.UnsubscribeAsync(RedisChannel.Literal("se:chan"));
        Assert.Equal(0, await sub.PublishAsync(RedisChannel.Literal("se:chan"), "late"));
    }

    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task Pattern_subscription_reports_the_actual_channel(RedisProtocol protocol)
    {
        await using var mux = await ConnectAsync(protocol);
        var sub = mux.GetSubscriber();
        var got = new TaskCompletionSource<(string Channel, string Message)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await sub.SubscribeAsync(RedisChannel.Pattern("se:news.*"), (channel, message) => got.TrySetResult(((string)channel!, (string)message!)));
        Assert.Equal(1, await sub.PublishAsync(RedisChannel.Literal("se:news.tech"), "hello"));
        var (ch, msg) = await got.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("se:news.tech", ch);
        Assert.Equal("hello", msg);
    }

    [Fact]
    public async Task Keyspace_events_reach_a_StackExchange_subscriber()
    {
        await using var mux = await ConnectAsync(RedisProtocol.Resp2);
        var server = mux.GetServer(mux.GetEndPoints()[0]);
        await server.ConfigSetAsync("notify-keyspace-events", "KEA");
        var events = new ConcurrentQueue<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sub = mux.GetSubscriber();
        // A queue, not a handler: StackExchange.Redis may run handlers concurrently, which would reorder them.
        var queue = await sub.SubscribeAsync(RedisChannel.Pattern("__keyspace@0__:se:*"));
        queue.OnMessage(m =>
        {
            events.Enqueue($"{m.Channel} {m.Message}");
            if (m.Message == "del") done.TrySetResult();
        });
        var db = mux.GetDatabase();
        await db.StringSetAsync("se:key", "v");
        await db.KeyExpireAsync("se:key", TimeSpan.FromMinutes(1));
        await db.ListRightPushAsync("se:list", "a");
        await db.KeyDeleteAsync("se:key");
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["__keyspace@0__:se:key set", "__keyspace@0__:se:key expire", "__keyspace@0__:se:list rpush", "__keyspace@0__:se:key del"], events);
    }
}
