using System.Collections.Concurrent;
using StackExchange.Redis;
using Spinel.Server;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>
/// Client-side caching the way a RESP2 StackExchange.Redis application can use it: its subscriber connection listens on
/// __redis__:invalidate and its interactive connection tracks with REDIRECT; CLIENT LIST flags parse into ClientFlags.
/// </summary>
public sealed class ClientTrackingStackExchangeTests : IAsyncLifetime
{
    private SpinelServer _server = null!;

    public async Task InitializeAsync() => _server = await SpinelFixture.StartAsync();

    public async Task DisposeAsync() => await _server.StopAsync();

    private Task<ConnectionMultiplexer> ConnectAsync() => StackExchangeClient.ConnectAsync(_server.EndPoints[0].Port);

    [Fact]
    public async Task Invalidations_reach_the_subscriber_connection_and_client_list_shows_the_tracking_flags()
    {
        await using var mux = await ConnectAsync();
        var server = mux.GetServer(mux.GetEndPoints()[0]);
        var db = mux.GetDatabase();
        var received = new ConcurrentQueue<string>();
        var got = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = await mux.GetSubscriber().SubscribeAsync(RedisChannel.Literal("__redis__:invalidate"));
        queue.OnMessage(m =>
        {
            received.Enqueue(m.Message.ToString());
            got.TrySetResult();
        });

        var clients = await server.ClientListAsync();
        long subscriberId = clients.Single(c => c.SubscriptionCount > 0).Id;
        long interactiveId = (long)await db.ExecuteAsync("CLIENT", "ID");
        Assert.Equal("OK", (string?)await db.ExecuteAsync("CLIENT", "TRACKING", "ON", "REDIRECT", subscriberId));
        Assert.Equal(subscriberId, (long)await db.ExecuteAsync("CLIENT", "GETREDIR"));
        var tracking = (await server.ClientListAsync()).Single(c => c.Id == interactiveId);
        Assert.True(tracking.Flags.HasFlag(ClientFlags.KeysTracking));
        Assert.False(tracking.Flags.HasFlag(ClientFlags.BroadcastTracking));

        Assert.True((await db.StringGetAsync("se:cached")).IsNull);
        await using var writer = await ConnectAsync();
        await writer.GetDatabase().StringSetAsync("se:cached", "new");
        await got.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("se:cached", received.Single());
    }

    [Fact]
    public async Task A_vanished_redirect_client_shows_as_tracking_target_invalid()
    {
        await using var mux = await ConnectAsync();
        var server = mux.GetServer(mux.GetEndPoints()[0]);
        var db = mux.GetDatabase();
        long interactiveId = (long)await db.ExecuteAsync("CLIENT", "ID");
        long targetId;
        await using (var target = await ConnectAsync())
        {
            targetId = (long)await target.GetDatabase().ExecuteAsync("CLIENT", "ID");
            await db.ExecuteAsync("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "se:", "REDIRECT", targetId);
        }
        // The redirect is found broken when the next invalidation is due.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        ClientInfo info;
        do
        {
            await db.StringSetAsync("se:x", "1");
            info = (await server.ClientListAsync()).Single(c => c.Id == interactiveId);
        }
        while (!info.Flags.HasFlag(ClientFlags.TrackingTargetInvalid) && DateTime.UtcNow < deadline);
        Assert.True(info.Flags.HasFlag(ClientFlags.KeysTracking));
        Assert.True(info.Flags.HasFlag(ClientFlags.BroadcastTracking));
        Assert.True(info.Flags.HasFlag(ClientFlags.TrackingTargetInvalid));
    }
}
