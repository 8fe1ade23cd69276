using StackExchange.Redis;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>StackExchange.Redis's scripting API (ScriptEvaluate with EVALSHA fallback, LuaScript, LoadedLuaScript) against Spinel.</summary>
public sealed class ScriptingStackExchangeTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    private Task<ConnectionMultiplexer> ConnectAsync(RedisProtocol protocol = RedisProtocol.Resp2) =>
        StackExchangeClient.ConnectAsync(fixture.Port, protocol);

    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task ScriptEvaluate_runs_with_keys_and_values(RedisProtocol protocol)
    {
        await using var mux = await ConnectAsync(protocol);
        var db = mux.GetDatabase();
        string key = "se:script:" + protocol;
        var result = await db.ScriptEvaluateAsync("redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])", [key], ["hello"]);
        Assert.Equal("hello", (string?)result);
        var numbers = (RedisResult[])(await db.ScriptEvaluateAsync("return {1, 2, 3}"))!;
        Assert.Equal([1, 2, 3], numbers.Select(r => (int)r));
        Assert.True((await db.ScriptEvaluateAsync("return redis.call('get', 'se:script:none')")).IsNull);
    }

    [Fact]
    public async Task ScriptEvaluate_reports_script_errors()
    {
        await using var mux = await ConnectAsync();
        var db = mux.GetDatabase();
        var error = await Assert.ThrowsAsync<RedisServerException>(() => db.ScriptEvaluateAsync("return redis.call('nosuch')"));
        Assert.StartsWith("ERR Unknown Redis command called from script", error.Message);
    }

    [Fact]
    public async Task LuaScript_with_named_parameters_and_loaded_script_run()
    {
        await using var mux = await ConnectAsync();
        var db = mux.GetDatabase();
        var script = LuaScript.Prepare("redis.call('set', @key, @value) return redis.call('incrby', @key, @delta)");
        var result = await db.ScriptEvaluateAsync(script, new { key = (RedisKey)"se:lua:counter", value = 10, delta = 5 });
        Assert.Equal(15, (int)result);

        var server = mux.GetServer(mux.GetEndPoints()[0]);
        var loaded = await script.LoadAsync(server);
        Assert.True(await server.ScriptExistsAsync(loaded.Hash));
        result = await db.ScriptEvaluateAsync(loaded, new { key = (RedisKey)"se:lua:counter", value = 1, delta = 1 });
        Assert.Equal(2, (int)result);
    }

    [Fact]
    public async Task ScriptEvaluate_reloads_after_script_flush()
    {
        await using var mux = await ConnectAsync();
        var db = mux.GetDatabase();
        const string Body = "return 'reloaded'";
        Assert.Equal("reloaded", (string?)await db.ScriptEvaluateAsync(Body));
        await mux.GetServer(mux.GetEndPoints()[0]).ScriptFlushAsync();
        Assert.Equal("reloaded", (string?)await db.ScriptEvaluateAsync(Body));
    }
}
