using System.Diagnostics;
using System.Text;
using Spinel.Server;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>The background expiry cycle reclaims keys nobody reads again, and gives their memory back.</summary>
public sealed class ExpireActiveTests
{
    /// <summary>Loads keys straight into the databases under the lock, each with the same deadline.</summary>
    private static long Load(SpinelServer server, int perDb, int ttlMs, params int[] dbs)
    {
        var keyspace = server.Keyspace;
        lock (keyspace.Lock)
        {
            keyspace.RefreshClock();
            long deadline = keyspace.NowMs + ttlMs;
            var value = "v"u8.ToArray();
            foreach (int dbIndex in dbs)
            {
                var db = keyspace[dbIndex];
                for (int i = 0; i < perDb; i++)
                {
                    var key = Encoding.ASCII.GetBytes("expiring:" + i);
                    db.Set(key, value);
                    db.SetExpire(key, deadline);
                }
            }
            return deadline;
        }
    }

    private static async Task<long> DbSizeAsync(RawClient client, int db)
    {
        await client.CallAsync("SELECT", db.ToString());
        var reply = await client.CallAsync("DBSIZE");
        return long.Parse(reply.AsSpan(1, reply.Length - 3));
    }

    [Fact]
    public async Task Expired_keys_that_are_never_read_are_reclaimed_within_seconds_and_the_tables_shrink()
    {
        await using var server = await SpinelFixture.StartAsync();
        await using var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        const int PerDb = 100_000;
        long deadline = Load(server, PerDb, 1000, 0, 9);
        Assert.Equal(PerDb, await DbSizeAsync(client, 0));
        Assert.Equal(PerDb, await DbSizeAsync(client, 9));

        var waited = Stopwatch.StartNew();
        while ((await DbSizeAsync(client, 0) > 0 || await DbSizeAsync(client, 9) > 0) && waited.Elapsed < TimeSpan.FromSeconds(8))
            await Task.Delay(100);
        long lateMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - deadline;

        Assert.Equal(0, await DbSizeAsync(client, 0));
        Assert.Equal(0, await DbSizeAsync(client, 9));
        Assert.True(lateMs < 5000, $"keys were reclaimed {lateMs} ms after their deadline");
        lock (server.Keyspace.Lock)
        {
            Assert.Equal(2 * PerDb, server.Keyspace.Stats.ExpiredKeys);
            foreach (int dbIndex in new[] { 0, 9 })
            {
                var db = server.Keyspace[dbIndex];
                Assert.Equal(0, db.ExpiresCount);
                Assert.True(db.Main.Size <= 8 && db.Expires.Size <= 8, $"db {dbIndex}: tables still {db.Main.Size}/{db.Expires.Size} buckets");
            }
        }
    }

    [Fact]
    public async Task Disabling_active_expiry_leaves_expired_keys_until_it_is_enabled_again()
    {
        await using var server = await SpinelFixture.StartAsync();
        await using var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        server.Config.ActiveExpireEnabled = false;
        Load(server, 1000, 50, 0);
        await Task.Delay(600);
        Assert.Equal(1000, await DbSizeAsync(client, 0));

        server.Config.ActiveExpireEnabled = true;
        var waited = Stopwatch.StartNew();
        while (await DbSizeAsync(client, 0) > 0 && waited.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(50);
        Assert.Equal(0, await DbSizeAsync(client, 0));
    }

    [Fact]
    public async Task Keys_with_future_deadlines_are_left_alone_by_the_cycle()
    {
        await using var server = await SpinelFixture.StartAsync();
        await using var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        Load(server, 5000, 60_000, 0);
        await Task.Delay(500);
        Assert.Equal(5000, await DbSizeAsync(client, 0));
        Assert.Equal(0, server.Keyspace.Stats.ExpiredKeys);
    }
}
