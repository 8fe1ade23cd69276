using StackExchange.Redis;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>HyperLogLog commands through StackExchange.Redis.</summary>
public sealed class HyperLogLogCommandsTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    private async Task<IDatabase> ConnectAsync()
    {
        var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fixture.Port},allowAdmin=true");
        return mux.GetDatabase();
    }

    private static RedisValue[] Range(int from, int count, string prefix) =>
        Enumerable.Range(from, count).Select(i => (RedisValue)(prefix + i)).ToArray();

    [Fact]
    public async Task Add_length_and_merge_work_through_stackexchange()
    {
        var db = await ConnectAsync();
        await db.KeyDeleteAsync(["se:h1", "se:h2", "se:u"]);
        Assert.True(await db.HyperLogLogAddAsync("se:h1", Range(0, 100, "m")));
        Assert.False(await db.HyperLogLogAddAsync("se:h1", "m5"));
        Assert.True(await db.HyperLogLogAddAsync("se:h2", Range(50, 100, "m")));
        Assert.InRange(await db.HyperLogLogLengthAsync("se:h1"), 99, 101);
        Assert.InRange(await db.HyperLogLogLengthAsync(["se:h1", "se:h2"]), 147, 153);
        await db.HyperLogLogMergeAsync("se:u", "se:h1", "se:h2");
        Assert.Equal(await db.HyperLogLogLengthAsync(["se:h1", "se:h2"]), await db.HyperLogLogLengthAsync("se:u"));
        Assert.Equal(0, await db.HyperLogLogLengthAsync("se:missing"));
    }

    [Fact]
    public async Task A_large_set_turns_dense_and_stays_within_two_percent()
    {
        var db = await ConnectAsync();
        await db.KeyDeleteAsync("se:big");
        for (int i = 0; i < 100_000; i += 5000) await db.HyperLogLogAddAsync("se:big", Range(i, 5000, "e"));
        // Dense: a 16-byte header and 16384 6-bit registers.
        Assert.Equal(12304, ((byte[])(await db.StringGetAsync("se:big"))!).Length);
        long count = await db.HyperLogLogLengthAsync("se:big");
        Assert.InRange(count, 98_000, 102_000);
    }

    [Fact]
    public async Task A_string_that_is_not_an_hll_is_refused()
    {
        var db = await ConnectAsync();
        await db.StringSetAsync("se:str", "not an hll");
        var error = await Assert.ThrowsAsync<RedisServerException>(() => db.HyperLogLogAddAsync("se:str", "x"));
        Assert.Equal("WRONGTYPE Key is not a valid HyperLogLog string value.", error.Message);
        // A valid header, then one ZERO opcode: 1 register of 16384.
        byte[] corruptValue = [(byte)'H', (byte)'Y', (byte)'L', (byte)'L', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0];
        await db.StringSetAsync("se:bad", corruptValue);
        var corrupt = await Assert.ThrowsAsync<RedisServerException>(() => db.HyperLogLogLengthAsync("se:bad"));
        Assert.Equal("INVALIDOBJ Corrupted HLL object detected", corrupt.Message);
    }
}
