using StackExchange.Redis;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>StackExchange.Redis transactions (MULTI/EXEC, with conditions checked through WATCH) against Spinel.</summary>
public sealed class TransactionStackExchangeTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    private Task<ConnectionMultiplexer> ConnectAsync(RedisProtocol protocol = RedisProtocol.Resp2) =>
        StackExchangeClient.ConnectAsync(fixture.Port, protocol);

    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task Transaction_runs_its_commands_and_returns_their_results(RedisProtocol protocol)
    {
        await using var mux = await ConnectAsync(protocol);
        var db = mux.GetDatabase();
        string prefix = "se:tx:" + protocol + ":";
        await db.KeyDeleteAsync([prefix + "a", prefix + "list"]);
        var tran = db.CreateTransaction();
        var set = tran.StringSetAsync(prefix + "a", "1");
        var incr = tran.StringIncrementAsync(prefix + "a", 41);
        var push = tran.ListRightPushAsync(prefix + "list", ["x", "y"]);
        var get = tran.StringGetAsync(prefix + "a");
        Assert.True(await tran.ExecuteAsync());
        Assert.True(await set);
        Assert.Equal(42, await incr);
        Assert.Equal(2, await push);
        Assert.Equal("42", (string?)await get);
    }

    [Fact]
    public async Task Key_not_exists_condition_commits_once_then_fails()
    {
        await using var mux = await ConnectAsync();
        var db = mux.GetDatabase();
        const string key = "se:tx:lock", log = "se:tx:log";
        await db.KeyDeleteAsync([key, log]);

        var first = db.CreateTransaction();
        first.AddCondition(Condition.KeyNotExists(key));
        _ = first.HashSetAsync(key, "owner", "1");
        _ = first.ListRightPushAsync(log, "1");
        Assert.True(await first.ExecuteAsync());

        var second = db.CreateTransaction();
        var exists = second.AddCondition(Condition.KeyNotExists(key));
        var set = second.HashSetAsync(key, "owner", "2");
        _ = second.ListRightPushAsync(log, "2");
        Assert.False(await second.ExecuteAsync());
        Assert.False(exists.WasSatisfied);
        Assert.True(set.IsCanceled);
        Assert.Equal("1", (string?)await db.HashGetAsync(key, "owner"));
        Assert.Equal(1, await db.ListLengthAsync(log));
    }

    [Fact]
    public async Task String_equal_condition_guards_a_compare_and_set()
    {
        await using var mux = await ConnectAsync();
        var db = mux.GetDatabase();
        const string version = "se:tx:version", doc = "se:tx:doc";
        await db.StringSetAsync(version, "v1");
        await db.StringSetAsync(doc, "body-1");

        var stale = db.CreateTransaction();
        stale.AddCondition(Condition.StringEqual(version, "v0"));
        _ = stale.StringSetAsync(doc, "from-stale");
        Assert.False(await stale.ExecuteAsync());
        Assert.Equal("body-1", (string?)await db.StringGetAsync(doc));

        var fresh = db.CreateTransaction();
        fresh.AddCondition(Condition.StringEqual(version, "v1"));
        _ = fresh.StringSetAsync(doc, "body-2");
        _ = fresh.StringAppendAsync(version, "+");
        Assert.True(await fresh.ExecuteAsync());
        Assert.Equal("body-2", (string?)await db.StringGetAsync(doc));
        Assert.Equal("v1+", (string?)await db.StringGetAsync(version));
    }

    [Fact]
    public async Task Concurrent_compare_and_set_increments_lose_nothing()
    {
        await using var mux = await ConnectAsync();
        var db = mux.GetDatabase();
        const string key = "se:tx:counter";
        await db.StringSetAsync(key, 0);
        const int Workers = 8, Each = 25;
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            // A connection per worker: transactions on one multiplexer are serialized by the client.
            await using var own = await ConnectAsync();
            var d = own.GetDatabase();
            for (int done = 0; done < Each;)
            {
                long current = (long)await d.StringGetAsync(key);
                var tran = d.CreateTransaction();
                tran.AddCondition(Condition.StringEqual(key, current));
                _ = tran.StringIncrementAsync(key);
                if (await tran.ExecuteAsync()) done++;
            }
        })));
        Assert.Equal(Workers * Each, (long)await db.StringGetAsync(key));
    }

    [Fact]
    public async Task A_runtime_error_fails_only_its_own_command()
    {
        await using var mux = await ConnectAsync();
        var db = mux.GetDatabase();
        const string key = "se:tx:str";
        await db.StringSetAsync(key, "text");
        var tran = db.CreateTransaction();
        var push = tran.ListRightPushAsync(key, "x");
        var append = tran.StringAppendAsync(key, "!");
        Assert.True(await tran.ExecuteAsync());
        var error = await Assert.ThrowsAsync<RedisServerException>(() => push);
        Assert.StartsWith("WRONGTYPE", error.Message);
        Assert.Equal(5, await append);
    }
}
