using StackExchange.Redis;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>Keyspace and expiry commands through StackExchange.Redis, as applications use them.</summary>
public sealed class KeyCommandsTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>, IAsyncLifetime
{
    private ConnectionMultiplexer _mux = null!;

    public async Task InitializeAsync() => _mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fixture.Port},allowAdmin=true");

    public async Task DisposeAsync() => await _mux.DisposeAsync();

    private IDatabase Db(int n = 0) => _mux.GetDatabase(n);

    // SET then EXPIRE: StackExchange.Redis would send SETEX/PSETEX, which belong to the strings family.
    private static async Task SetWithTtlAsync(IDatabase db, string key, TimeSpan ttl)
    {
        await db.StringSetAsync(key, "v");
        await db.KeyExpireAsync(key, ttl);
    }

    private static string Key(string name) => name + ":" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task KeyDelete_and_KeyExists_count_keys()
    {
        var db = Db();
        string a = Key("a"), b = Key("b"), missing = Key("missing");
        await db.StringSetAsync(a, "1");
        await db.StringSetAsync(b, "2");
        Assert.True(await db.KeyExistsAsync(a));
        Assert.Equal(2, await db.KeyExistsAsync([a, b, missing]));
        Assert.Equal(2, await db.KeyDeleteAsync([a, b, missing]));
        Assert.False(await db.KeyDeleteAsync(a));
        Assert.False(await db.KeyExistsAsync(a));
    }

    [Fact]
    public async Task KeyType_names_strings_and_missing_keys()
    {
        var db = Db();
        string s = Key("s");
        await db.StringSetAsync(s, "v");
        Assert.Equal(RedisType.String, await db.KeyTypeAsync(s));
        Assert.Equal(RedisType.None, await db.KeyTypeAsync(Key("missing")));
    }

    [Fact]
    public async Task KeyRename_moves_value_and_deadline_and_RenameNx_respects_existing_keys()
    {
        var db = Db();
        string from = Key("from"), to = Key("to"), taken = Key("taken");
        await SetWithTtlAsync(db, from, TimeSpan.FromSeconds(100));
        Assert.True(await db.KeyRenameAsync(from, to));
        Assert.False(await db.KeyExistsAsync(from));
        Assert.Equal("v", await db.StringGetAsync(to));
        var ttl = await db.KeyTimeToLiveAsync(to);
        Assert.InRange(ttl!.Value.TotalSeconds, 95, 100);

        await db.StringSetAsync(taken, "x");
        Assert.False(await db.KeyRenameAsync(to, taken, When.NotExists));
        Assert.Equal("x", await db.StringGetAsync(taken));
        await Assert.ThrowsAsync<RedisServerException>(() => db.KeyRenameAsync(Key("missing"), to));
    }

    [Fact]
    public async Task KeyExpire_KeyTimeToLive_and_KeyPersist()
    {
        var db = Db();
        string k = Key("k");
        await db.StringSetAsync(k, "v");
        Assert.Null(await db.KeyTimeToLiveAsync(k));
        Assert.True(await db.KeyExpireAsync(k, TimeSpan.FromSeconds(30)));
        Assert.InRange((await db.KeyTimeToLiveAsync(k))!.Value.TotalSeconds, 29, 30);
        var expireTime = await db.KeyExpireTimeAsync(k);
        Assert.InRange((expireTime!.Value - DateTime.UtcNow).TotalSeconds, 28, 31);
        Assert.True(await db.KeyPersistAsync(k));
        Assert.False(await db.KeyPersistAsync(k));
        Assert.Null(await db.KeyTimeToLiveAsync(k));

        Assert.True(await db.KeyExpireAsync(k, TimeSpan.FromMilliseconds(50)));
        await Task.Delay(120);
        Assert.False(await db.KeyExistsAsync(k));
        Assert.False(await db.KeyExpireAsync(k, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task KeyExpire_with_conditions_and_absolute_times()
    {
        var db = Db();
        string k = Key("k");
        await db.StringSetAsync(k, "v");
        Assert.False(await db.KeyExpireAsync(k, TimeSpan.FromSeconds(10), ExpireWhen.HasExpiry));
        Assert.True(await db.KeyExpireAsync(k, TimeSpan.FromSeconds(10), ExpireWhen.HasNoExpiry));
        Assert.False(await db.KeyExpireAsync(k, TimeSpan.FromSeconds(5), ExpireWhen.GreaterThanCurrentExpiry));
        Assert.True(await db.KeyExpireAsync(k, TimeSpan.FromSeconds(5), ExpireWhen.LessThanCurrentExpiry));
        var at = DateTime.UtcNow.AddMinutes(5);
        Assert.True(await db.KeyExpireAsync(k, at));
        Assert.InRange((await db.KeyTimeToLiveAsync(k))!.Value.TotalSeconds, 298, 300);
        Assert.True(await db.KeyExpireAsync(k, DateTime.UtcNow.AddMinutes(-1)));
        Assert.False(await db.KeyExistsAsync(k));
    }

    [Fact]
    public async Task KeyCopy_copies_within_and_across_databases()
    {
        var db = Db();
        string src = Key("src"), dst = Key("dst");
        await SetWithTtlAsync(db, src, TimeSpan.FromSeconds(100));
        Assert.True(await db.KeyCopyAsync(src, dst));
        Assert.Equal("v", await db.StringGetAsync(dst));
        Assert.NotNull(await db.KeyTimeToLiveAsync(dst));
        Assert.False(await db.KeyCopyAsync(src, dst));
        await db.StringSetAsync(src, "w");
        Assert.True(await db.KeyCopyAsync(src, dst, replace: true));
        Assert.Equal("w", await db.StringGetAsync(dst));
        Assert.Null(await db.KeyTimeToLiveAsync(dst));

        Assert.True(await db.KeyCopyAsync(src, src, destinationDatabase: 3));
        Assert.Equal("w", await Db(3).StringGetAsync(src));
        Assert.Equal("w", await db.StringGetAsync(src));
        await Db(3).KeyDeleteAsync(src);
    }

    [Fact]
    public async Task KeyMove_moves_to_another_database_unless_the_key_exists_there()
    {
        var db = Db();
        string k = Key("k");
        await SetWithTtlAsync(db, k, TimeSpan.FromSeconds(100));
        Assert.True(await db.KeyMoveAsync(k, 4));
        Assert.False(await db.KeyExistsAsync(k));
        Assert.Equal("v", await Db(4).StringGetAsync(k));
        Assert.NotNull(await Db(4).KeyTimeToLiveAsync(k));

        await db.StringSetAsync(k, "other");
        Assert.False(await Db(4).KeyMoveAsync(k, 0));
        Assert.Equal("other", await db.StringGetAsync(k));
        Assert.Equal("v", await Db(4).StringGetAsync(k));
        await Db(4).KeyDeleteAsync(k);
    }

    [Fact]
    public async Task Server_Keys_returns_all_ten_thousand_keys_through_scan()
    {
        var db = Db(5);
        var server = _mux.GetServer(_mux.GetEndPoints()[0]);
        await server.FlushDatabaseAsync(5);
        var batch = db.CreateBatch();
        var writes = new List<Task>();
        for (int i = 0; i < 10_000; i++) writes.Add(batch.StringSetAsync("scan:" + i, i));
        batch.Execute();
        await Task.WhenAll(writes);

        var keys = new HashSet<string>();
        await foreach (var key in server.KeysAsync(5, "scan:*", pageSize: 250)) keys.Add(key!);
        Assert.Equal(10_000, keys.Count);
        Assert.Contains("scan:0", keys);
        Assert.Contains("scan:9999", keys);

        var matched = new HashSet<string>();
        await foreach (var key in server.KeysAsync(5, "scan:12?", pageSize: 100)) matched.Add(key!);
        Assert.Equal(Enumerable.Range(120, 10).Select(i => "scan:" + i).ToHashSet(), matched);
        await server.FlushDatabaseAsync(5);
    }

    [Fact]
    public async Task RandomKey_returns_a_live_key_or_null()
    {
        var server = _mux.GetServer(_mux.GetEndPoints()[0]);
        var db = Db(6);
        await server.FlushDatabaseAsync(6);
        Assert.Null((string?)await db.KeyRandomAsync());
        await SetWithTtlAsync(db, "gone", TimeSpan.FromMilliseconds(1));
        await db.StringSetAsync("live", "v");
        await Task.Delay(20);
        for (int i = 0; i < 20; i++) Assert.Equal("live", (string?)await db.KeyRandomAsync());
        await server.FlushDatabaseAsync(6);
    }

    [Fact]
    public async Task Object_freq_tracks_accesses_under_an_lfu_policy_and_idletime_under_lru()
    {
        var db = Db(7);
        string k = Key("k");
        await db.StringSetAsync(k, "v");
        Assert.Equal(0, (long)(await db.ExecuteAsync("OBJECT", "IDLETIME", k)));
        await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync("OBJECT", "FREQ", k));

        Assert.Null(fixture.Server.Config.Find("maxmemory-policy")!.Set("allkeys-lfu"));
        try
        {
            string fresh = Key("fresh");
            await db.StringSetAsync(fresh, "v");
            Assert.Equal(5, (long)(await db.ExecuteAsync("OBJECT", "FREQ", fresh)));
            for (int i = 0; i < 200; i++) await db.StringGetAsync(fresh);
            long freq = (long)(await db.ExecuteAsync("OBJECT", "FREQ", fresh));
            // Logarithmic growth: well above the start, far below one point per access.
            Assert.InRange(freq, 7, 40);
            await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync("OBJECT", "IDLETIME", fresh));
        }
        finally
        {
            fixture.Server.Config.Find("maxmemory-policy")!.Set("noeviction");
        }
    }
}
