using System.Diagnostics;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>Scripts against Spinel: atomicity under concurrent clients, busy scripts (BUSY, SCRIPT KILL, FUNCTION KILL), scripts shaped like applications'.</summary>
public sealed class ScriptingTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    [Fact]
    public async Task Script_keeps_its_invariant_while_20_clients_hammer_its_keys()
    {
        // The script moves one unit from a to b: a + b stays 1000 whatever else runs, if nothing interleaves.
        const string Move = "local a = tonumber(redis.call('get', KEYS[1])) local b = tonumber(redis.call('get', KEYS[2])) " +
            "redis.call('set', KEYS[1], a - 1) redis.call('set', KEYS[2], b + 1) " +
            "return tonumber(redis.call('get', KEYS[1])) + tonumber(redis.call('get', KEYS[2]))";
        await using (var setup = await fixture.ConnectAsync())
        {
            Assert.Equal("+OK\r\n", await setup.CallAsync("MSET", "inv:a", "1000", "inv:b", "0"));
        }
        // Runs until enough scripts and reads have interleaved (not for a fixed time: a loaded machine may stall the server).
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        int scripts = 0, reads = 0;
        var movers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await using var c = await fixture.ConnectAsync();
            while (!cts.IsCancellationRequested)
            {
                Assert.Equal(":1000\r\n", await c.CallAsync("EVAL", Move, "2", "inv:a", "inv:b"));
                if (Interlocked.Increment(ref scripts) > 2000 && Volatile.Read(ref reads) > 10000) cts.Cancel();
            }
        }));
        var hammers = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            await using var c = await fixture.ConnectAsync();
            while (!cts.IsCancellationRequested)
            {
                var parts = (await c.CallAsync("MGET", "inv:a", "inv:b")).Split("\r\n");
                Assert.Equal(1000, long.Parse(parts[2]) + long.Parse(parts[4]));
                Interlocked.Increment(ref reads);
            }
        }));
        await Task.WhenAll(movers.Concat(hammers));
        Assert.True(scripts > 2000 && reads > 10000, $"only {scripts} scripts and {reads} reads ran");
    }

    /// <summary>
    /// A server of its own for each busy test: one whose script never ended cannot stall the others, and stopping
    /// it ends the script.
    /// </summary>
    private static Task<Spinel.Server.SpinelServer> StartBusyServerAsync() => SpinelFixture.StartAsync("--busy-reply-threshold", "200");

    private static async Task<string> UntilNotBusyReplyAsync(RawClient client, params string[] command)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var reply = await client.CallAsync(command);
            if (!reply.StartsWith("-BUSY", StringComparison.Ordinal) || watch.ElapsedMilliseconds > 10_000) return reply;
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until the server answers BUSY (the script has started and passed the threshold), on a loaded machine too.</summary>
    private static async Task<RawClient> ConnectWhenBusyAsync(Spinel.Server.SpinelServer server)
    {
        var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        var watch = Stopwatch.StartNew();
        while (!(await client.CallAsync("ECHO", "x")).StartsWith("-BUSY", StringComparison.Ordinal))
        {
            Assert.True(watch.ElapsedMilliseconds < 20_000, "the script never became busy");
            await Task.Delay(20);
        }
        return client;
    }

    [Fact]
    public async Task Busy_script_gets_busy_replies_and_script_kill_stops_it()
    {
        await using var server = await StartBusyServerAsync();
        await using var runner = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        await runner.SendAsync("EVAL", "local i = 0 while true do i = i + 1 end", "0");
        await using var other = await ConnectWhenBusyAsync(server);
        Assert.Equal("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n", await other.CallAsync("GET", "x"));
        Assert.Equal("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n", await other.CallAsync("FUNCTION", "KILL"));
        Assert.Equal("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n", await other.CallAsync("FUNCTION", "STATS"));
        Assert.Equal("+OK\r\n", await other.CallAsync("SCRIPT", "KILL"));
        var killed = System.Text.Encoding.UTF8.GetString(await runner.ReadReplyAsync());
        Assert.StartsWith("-ERR Script killed by user with SCRIPT KILL... script: ", killed);
        Assert.Equal("$-1\r\n", await other.CallAsync("GET", "x"));
        Assert.Equal("-NOTBUSY No scripts in execution right now.\r\n", await other.CallAsync("SCRIPT", "KILL"));
    }

    [Fact]
    public async Task Script_that_wrote_cannot_be_killed_and_finishes()
    {
        await using var server = await StartBusyServerAsync();
        await using var runner = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        // Writes, then spins for about three seconds.
        await runner.SendAsync("EVAL", "redis.call('set', KEYS[1], '1') local t = redis.call('time') local start = t[1] * 1000000 + t[2] " +
            "local i = 0 while true do i = i + 1 if i % 100000 == 0 then local n = redis.call('time') if n[1] * 1000000 + n[2] - start > 3000000 then break end end end return 'done'", "1", "busy:w");
        await using var other = await ConnectWhenBusyAsync(server);
        Assert.StartsWith("-UNKILLABLE Sorry the script already executed write commands", await other.CallAsync("SCRIPT", "KILL"));
        Assert.Equal("$4\r\ndone\r\n", System.Text.Encoding.UTF8.GetString(await runner.ReadReplyAsync()));
        Assert.Equal("$1\r\n1\r\n", await UntilNotBusyReplyAsync(other, "GET", "busy:w"));
    }

    [Fact]
    public async Task Busy_function_gets_function_busy_replies_and_function_kill_stops_it()
    {
        await using var server = await StartBusyServerAsync();
        await using var admin = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        Assert.Equal("$4\r\nspin\r\n", await admin.CallAsync("FUNCTION", "LOAD", "#!lua name=spin\nredis.register_function('spin', function() local i = 0 while true do i = i + 1 end end)"));
        await using var runner = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        await runner.SendAsync("FCALL", "spin", "0");
        await using var other = await ConnectWhenBusyAsync(server);
        Assert.Equal("-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n", await other.CallAsync("PING"));
        Assert.Equal("-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n", await other.CallAsync("SCRIPT", "KILL"));
        Assert.Contains("running_script", await other.CallAsync("FUNCTION", "STATS"));
        Assert.Equal("+OK\r\n", await other.CallAsync("FUNCTION", "KILL"));
        Assert.Equal("-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.\r\n", System.Text.Encoding.UTF8.GetString(await runner.ReadReplyAsync()));
    }

    [Fact]
    public async Task A_script_sent_as_the_connection_opens_does_not_keep_others_from_connecting()
    {
        // A connection's first request may be waiting before the server starts reading it: if it ran on the accept
        // loop, no other client could connect until the script ended.
        await using var server = await StartBusyServerAsync();
        for (int i = 0; i < 10; i++)
        {
            using var runner = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await runner.ConnectAsync(System.Net.IPAddress.Loopback, server.EndPoints[0].Port);
            await runner.SendAsync("*3\r\n$4\r\nEVAL\r\n$14\r\nwhile 1 do end\r\n$1\r\n0\r\n"u8.ToArray());
            await using var other = await ConnectWhenBusyAsync(server);
            Assert.Equal("+OK\r\n", await other.CallAsync("SCRIPT", "KILL"));
            Assert.Equal("+PONG\r\n", await UntilNotBusyReplyAsync(other, "PING"));
        }
    }

    [Fact]
    public async Task Stopping_the_server_ends_a_script_that_never_would()
    {
        var server = await StartBusyServerAsync();
        await using var runner = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        await runner.SendAsync("EVAL", "redis.call('set', 'k', 'v') while true do end", "0");
        await (await ConnectWhenBusyAsync(server)).DisposeAsync();
        var stop = server.StopAsync();
        Assert.Same(stop, await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(20))));
        // Not left spinning on a thread of the host process either.
        var watch = Stopwatch.StartNew();
        while (server.Scripts.Running.IsRunning && watch.ElapsedMilliseconds < 20_000) await Task.Delay(20);
        Assert.False(server.Scripts.Running.IsRunning);
    }

    [Fact]
    public async Task Library_code_that_never_ends_times_out_after_500_ms()
    {
        await using var c = await fixture.ConnectAsync();
        var watch = Stopwatch.StartNew();
        Assert.Equal("-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n",
            await c.CallAsync("FUNCTION", "LOAD", "#!lua name=forever\nlocal i = 0 while true do i = i + 1 end"));
        Assert.InRange(watch.ElapsedMilliseconds, 400, 5000);
        Assert.Equal("*0\r\n", await c.CallAsync("FUNCTION", "LIST", "LIBRARYNAME", "forever"));
    }

    [Fact]
    public async Task Deep_recursion_is_a_script_error_not_a_crash()
    {
        await using var c = await fixture.ConnectAsync();
        var reply = await c.CallAsync("EVAL", "local function f(n) return f(n + 1) + 1 end return f(1)", "0");
        Assert.StartsWith("-ERR ", reply);
        Assert.Contains("stack overflow", reply);
        Assert.Equal("+PONG\r\n", await c.CallAsync("PING"));
    }

    [Fact]
    public async Task Sliding_window_rate_limiter_admits_up_to_its_limit()
    {
        const string Limiter = """
            local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
            redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
            if redis.call('ZCARD', key) < limit then
              redis.call('ZADD', key, now, ARGV[4])
              redis.call('PEXPIRE', key, window)
              return 1
            end
            return 0
            """;
        await using var c = await fixture.ConnectAsync();
        var results = new List<string>();
        for (int i = 0; i < 8; i++) results.Add(await c.CallAsync("EVAL", Limiter, "1", "rl:user", (1_000_000 + i).ToString(), "100000", "5", "req" + i));
        Assert.Equal(5, results.Count(r => r == ":1\r\n"));
        Assert.Equal(3, results.Count(r => r == ":0\r\n"));
        // Past the window, the old requests drop out.
        Assert.Equal(":1\r\n", await c.CallAsync("EVAL", Limiter, "1", "rl:user", "1200000", "100000", "5", "late"));
    }

    [Fact]
    public async Task Lock_release_deletes_only_the_owners_lock()
    {
        const string Release = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CallAsync("SET", "lock:res", "owner-1", "NX", "PX", "30000"));
        Assert.Equal(":0\r\n", await c.CallAsync("EVAL", Release, "1", "lock:res", "owner-2"));
        Assert.Equal(":1\r\n", await c.CallAsync("EVAL", Release, "1", "lock:res", "owner-1"));
        Assert.Equal(":0\r\n", await c.CallAsync("EXISTS", "lock:res"));
    }

    [Fact]
    public async Task Job_queue_moves_a_job_from_waiting_to_active_atomically()
    {
        const string Take = """
            local job = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])
            if not job then return nil end
            redis.call('HSET', KEYS[3] .. job, 'state', 'active', 'started', ARGV[1])
            return job
            """;
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":3\r\n", await c.CallAsync("LPUSH", "q:wait", "j1", "j2", "j3"));
        Assert.Equal("$2\r\nj1\r\n", await c.CallAsync("EVAL", Take, "3", "q:wait", "q:active", "q:job:", "100"));
        Assert.Equal("$2\r\nj2\r\n", await c.CallAsync("EVAL", Take, "3", "q:wait", "q:active", "q:job:", "101"));
        Assert.Equal("$6\r\nactive\r\n", await c.CallAsync("HGET", "q:job:j1", "state"));
        Assert.Equal("*2\r\n$2\r\nj2\r\n$2\r\nj1\r\n", await c.CallAsync("LRANGE", "q:active", "0", "-1"));
        Assert.Equal("$2\r\nj3\r\n", await c.CallAsync("EVAL", Take, "3", "q:wait", "q:active", "q:job:", "102"));
        Assert.Equal("$-1\r\n", await c.CallAsync("EVAL", Take, "3", "q:wait", "q:active", "q:job:", "103"));
    }

    [Fact]
    public async Task Coroutines_an_eval_script_leaves_suspended_do_not_keep_their_threads()
    {
        // Each suspended coroutine parks a thread of its own; without cleanup 200 scripts would leave 200 threads.
        const string Leave = "local co = coroutine.create(function() coroutine.yield(1) end) " +
            "local ok, v = coroutine.resume(co) return {tostring(ok), v, coroutine.status(co)}";
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("*3\r\n$4\r\ntrue\r\n:1\r\n$9\r\nsuspended\r\n", await c.CallAsync("EVAL", Leave, "0"));
        int before = Process.GetCurrentProcess().Threads.Count;
        for (int i = 0; i < 200; i++) await c.CallAsync("EVAL", Leave, "0");
        int after = Process.GetCurrentProcess().Threads.Count;
        Assert.True(after - before < 100, $"threads went from {before} to {after}");
    }
}
