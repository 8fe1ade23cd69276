using Spinel.Tests.Infrastructure;
using StackExchange.Redis;

namespace Spinel.Tests.Integration;

public sealed class ServerCommandsTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    [Fact]
    public async Task Info_through_the_client_library_reports_redis_version_and_our_counters()
    {
        using var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fixture.Port},allowAdmin=true");
        var db = mux.GetDatabase();
        db.StringSet("info-key", "v");
        db.StringGet("info-key");
        var server = mux.GetServer("127.0.0.1", fixture.Port);
        var info = server.Info("everything").ToDictionary(g => g.Key, g => g.ToDictionary(p => p.Key, p => p.Value));

        Assert.Equal("7.0.15", info["Server"]["redis_version"]);
        Assert.True(info["Server"].ContainsKey("spinel_version"));
        Assert.Equal(Environment.ProcessId.ToString(), info["Server"]["process_id"]);
        Assert.Equal(fixture.Port.ToString(), info["Server"]["tcp_port"]);
        Assert.True(long.Parse(info["Memory"]["used_memory"]) > 0);
        Assert.True(long.Parse(info["Memory"]["used_memory_rss"]) > 0);
        Assert.True(long.Parse(info["Clients"]["connected_clients"]) >= 1);
        Assert.True(long.Parse(info["Stats"]["keyspace_hits"]) >= 1);
        Assert.StartsWith("keys=", info["Keyspace"]["db0"]);
        Assert.Matches(@"^calls=\d+,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=\d+,failed_calls=\d+$", info["Commandstats"]["cmdstat_get"]);
        Assert.Equal("0", info["Cluster"]["cluster_enabled"]);
    }

    [Fact]
    public async Task Info_sections_can_be_combined_and_default_leaves_out_commandstats()
    {
        await using var client = await fixture.ConnectAsync();
        var two = await client.CallAsync("INFO", "CPU", "cluster");
        Assert.Contains("# CPU\r\n", two);
        Assert.Contains("\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n", two);
        Assert.DoesNotContain("# Server", two);
        var byDefault = await client.CallAsync("INFO");
        Assert.Contains("# Errorstats", byDefault);
        Assert.DoesNotContain("# Commandstats", byDefault);
        Assert.Contains("# Commandstats", await client.CallAsync("INFO", "all"));
    }

    [Fact]
    public async Task Info_errorstats_counts_errors_by_code()
    {
        await using var client = await fixture.ConnectAsync();
        await client.CallAsync("SET", "str", "x");
        await client.CallAsync("DEBUG", "ERROR", "MYCODE something");
        Assert.Contains("errorstat_MYCODE:count=", await client.CallAsync("INFO", "errorstats"));
    }

    [Fact]
    public async Task Time_returns_the_current_unix_time()
    {
        using var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fixture.Port},allowAdmin=true");
        var time = mux.GetServer("127.0.0.1", fixture.Port).Time();
        Assert.InRange((time - DateTime.UtcNow).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Debug_sleep_blocks_other_clients_for_the_duration()
    {
        await using var sleeper = await fixture.ConnectAsync();
        await using var other = await fixture.ConnectAsync();
        var sinceSleepSent = System.Diagnostics.Stopwatch.StartNew();
        await sleeper.SendAsync("DEBUG", "SLEEP", "1");
        // Wait until the sleep has begun: the keyspace lock is then held by the sleeping command.
        var keyspaceLock = fixture.Server.Keyspace.Lock;
        for (int i = 0; i < 500 && keyspaceLock.TryEnter(); i++)
        {
            keyspaceLock.Exit();
            await Task.Delay(5);
        }
        Assert.Equal("+PONG\r\n", await other.CallAsync("PING"));
        long pingMs = sinceSleepSent.ElapsedMilliseconds;
        Assert.Equal("+OK\r\n", System.Text.Encoding.ASCII.GetString(await sleeper.ReadReplyAsync()));
        // The PING could only be answered once the one-second sleep was over.
        Assert.True(pingMs >= 1000, $"PING answered {pingMs} ms after DEBUG SLEEP 1 was sent");
    }

    [Fact]
    public async Task Debug_set_active_expire_switches_the_background_cycle()
    {
        await using var client = await fixture.ConnectAsync();
        await client.CallAsync("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        Assert.False(fixture.Server.Config.ActiveExpireEnabled);
        await client.CallAsync("DEBUG", "SET-ACTIVE-EXPIRE", "1");
        Assert.True(fixture.Server.Config.ActiveExpireEnabled);
    }

    [Fact]
    public async Task Shutdown_stops_the_server_and_closes_the_connection_without_a_reply()
    {
        await using var server = await SpinelFixture.StartAsync();
        await using var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        await client.SendAsync("SHUTDOWN", "NOSAVE");
        Assert.True(await client.IsClosedAsync());
        await server.Completion.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Lastsave_reports_the_start_time_until_a_save_happens()
    {
        await using var client = await fixture.ConnectAsync();
        var reply = await client.CallAsync("LASTSAVE");
        long seconds = long.Parse(reply[1..^2]);
        Assert.InRange(seconds, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Maxclients_refuses_connections_beyond_the_limit()
    {
        await using var server = await SpinelFixture.StartAsync("--maxclients", "2");
        int port = server.EndPoints[0].Port;
        await using var a = await RawClient.ConnectAsync(port);
        await using var b = await RawClient.ConnectAsync(port);
        Assert.Equal("+PONG\r\n", await a.CallAsync("PING"));
        Assert.Equal("+PONG\r\n", await b.CallAsync("PING"));
        await using var c = await RawClient.ConnectAsync(port);
        Assert.Equal("-ERR max number of clients reached\r\n", System.Text.Encoding.ASCII.GetString(await c.ReadReplyAsync()));
        Assert.True(await c.IsClosedAsync());
        Assert.Contains("rejected_connections:1\r\n", await a.CallAsync("INFO", "stats"));
    }

    [Fact]
    public async Task Timeout_closes_idle_clients_but_not_active_ones()
    {
        // Idle seconds are whole seconds, as in Redis: the idle client goes after 2 to 3 s. The busy one
        // pings every 0.2 s, leaving a wide margin for a test host slow to schedule it.
        await using var server = await SpinelFixture.StartAsync("--timeout", "2");
        int port = server.EndPoints[0].Port;
        await using var idle = await RawClient.ConnectAsync(port);
        await using var busy = await RawClient.ConnectAsync(port);
        Assert.Equal("+PONG\r\n", await idle.CallAsync("PING"));
        for (int i = 0; i < 18; i++)
        {
            Assert.Equal("+PONG\r\n", await busy.CallAsync("PING"));
            await Task.Delay(200);
        }
        Assert.True(await idle.IsClosedAsync());
        Assert.Equal("+PONG\r\n", await busy.CallAsync("PING"));
    }
}
