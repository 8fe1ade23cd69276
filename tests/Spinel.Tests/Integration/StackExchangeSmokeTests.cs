using StackExchange.Redis;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>The most common .NET client connects (RESP2 and RESP3) and does the basics.</summary>
public sealed class StackExchangeSmokeTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task Connects_pings_and_round_trips_strings(RedisProtocol protocol)
    {
        await using var mux = await StackExchangeClient.ConnectAsync(fixture.Port, protocol);
        var db = mux.GetDatabase();
        Assert.True((await db.PingAsync()) < TimeSpan.FromSeconds(5));
        string key = "se:" + protocol;
        Assert.True(await db.StringSetAsync(key, "héllo"));
        Assert.Equal("héllo", (string?)await db.StringGetAsync(key));
        Assert.False(await db.StringSetAsync(key, "x", when: When.NotExists));
        Assert.Equal(1, await db.KeyDeleteAsync(new RedisKey[] { key, "se:missing" }));
        Assert.True((await db.StringGetAsync(key)).IsNull);
        Assert.Equal(protocol, mux.GetServer(mux.GetEndPoints()[0]).Protocol);
    }

    [Fact]
    public async Task Pipelined_async_batch_keeps_every_reply_matched()
    {
        await using var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fixture.Port}");
        var db = mux.GetDatabase(3);
        var sets = new List<Task<bool>>();
        for (int i = 0; i < 5000; i++) sets.Add(db.StringSetAsync("se:batch:" + i, i));
        await Task.WhenAll(sets);
        var gets = new List<Task<RedisValue>>();
        for (int i = 0; i < 5000; i++) gets.Add(db.StringGetAsync("se:batch:" + i));
        var values = await Task.WhenAll(gets);
        for (int i = 0; i < values.Length; i++) Assert.Equal(i, (int)values[i]);
    }
}
