using System.Net.Sockets;
using Spinel.Tests.Infrastructure;
using static Spinel.Tests.Infrastructure.BusyScripts;

namespace Spinel.Tests.Integration;

/// <summary>The spinel-server executable: options, shutdown, and many connections in its own process.</summary>
public sealed class ServerProcessTests
{
    [Fact]
    public async Task Unknown_option_fails_startup_with_a_clear_message()
    {
        var (code, output) = await ExternalServer.RunToExitAsync("--port", "0", "--no-such-option", "1");
        Assert.NotEqual(0, code);
        Assert.Contains("Bad directive or wrong number of arguments", output);
        Assert.Contains("no-such-option", output);
    }

    [Fact]
    public async Task Config_file_then_overrides_are_applied()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "# test config\ndatabases 4\nrequirepass \"from file\"\n");
            await using var server = await ExternalServer.StartWithConfigAsync(file, "--requirepass", "override");
            await using var c = await RawClient.ConnectAsync(server.Port);
            Assert.StartsWith("-NOAUTH", await c.CallAsync("GET", "k"));
            Assert.StartsWith("-WRONGPASS", await c.CallAsync("AUTH", "from file"));
            Assert.Equal("+OK\r\n", await c.CallAsync("AUTH", "override"));
            Assert.Equal("+OK\r\n", await c.CallAsync("SELECT", "3"));
            Assert.Equal("-ERR DB index is out of range\r\n", await c.CallAsync("SELECT", "4"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Sigterm_shuts_down_cleanly()
    {
        await using var server = await ExternalServer.StartAsync();
        await using var c = await RawClient.ConnectAsync(server.Port);
        Assert.Equal("+PONG\r\n", await c.CallAsync("PING"));
        Assert.Equal(0, await server.TerminateAsync());
        Assert.Contains("ready to exit", server.Output);
    }

    [Fact]
    public async Task Settings_not_acted_on_and_a_dump_file_are_warned_about_and_sigterm_says_nothing_is_saved()
    {
        var dir = Directory.CreateTempSubdirectory("spinel-dir-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "dump.rdb"), "REDIS0009");
            await using var server = await ExternalServer.StartAsync("--dir", dir, "--appendonly", "yes", "--save", "60 1", "--maxmemory", "10mb",
                "--tls-port", "0", "--tls-port", "16390", "--tls-cert-file", Path.Combine(dir, "missing.crt"));
            await using var c = await RawClient.ConnectAsync(server.Port);
            Assert.Contains("\r\naof_enabled:0\r\n", await c.CallAsync("INFO", "persistence"));
            Assert.Equal(0, await server.TerminateAsync());
            var lines = server.Output.Split('\n');
            foreach (var expected in new[]
            {
                "# WARNING: appendonly is set to 'yes'", "# WARNING: save is set to '60 1'", "# WARNING: maxmemory is set to '10485760'",
                "# WARNING: tls-port is set to '16390'", $"# WARNING: tls-cert-file is set to '{Path.Combine(dir, "missing.crt")}'",
                $"# WARNING: {Path.Combine(dir, "dump.rdb")} exists", "# WARNING: save points are configured ('60 1'), but Spinel has no persistence: the dataset is NOT saved",
            })
                Assert.Contains(lines, l => l.Contains(expected));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Ten_thousand_idle_connections_stay_within_bounded_memory()
    {
        await using var server = await ExternalServer.StartAsync("--maxclients", "20000");
        long before = server.ResidentBytes();
        var sockets = new List<Socket>();
        try
        {
            for (int i = 0; i < 10000; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync("127.0.0.1", server.Port);
                sockets.Add(s);
            }
            // Every connection is live: each answers a PING.
            var ping = "*1\r\n$4\r\nPING\r\n"u8.ToArray();
            var buffer = new byte[16];
            foreach (var s in sockets) await s.SendAsync(ping);
            foreach (var s in sockets)
            {
                int n = await s.ReceiveAsync(buffer);
                Assert.Equal("+PONG\r\n", System.Text.Encoding.ASCII.GetString(buffer, 0, n));
            }
            long perConnection = (server.ResidentBytes() - before) / sockets.Count;
            Assert.True(perConnection < 32 * 1024, $"{perConnection} bytes per idle connection");
        }
        finally
        {
            foreach (var s in sockets) s.Dispose();
        }
    }

    // The executable runs connections inline on one I/O thread: a script running there would stall every other
    // connection, so none could even be told BUSY or send SCRIPT KILL.
    [Fact]
    public async Task A_busy_script_leaves_the_io_thread_so_others_get_busy_and_script_kill_works()
    {
        await using var server = await ExternalServer.StartAsync("--busy-reply-threshold", "200");
        await using var runner = await ConnectIdleAsync(server.Port);
        await using var other = await ConnectIdleAsync(server.Port); // waits on the I/O thread: only a move frees it
        await runner.SendAsync("EVAL", Spin, "0");
        await UntilBusyAsync(other);
        Assert.Equal("+OK\r\n", await other.CallAsync("SCRIPT", "KILL"));
        Assert.Equal(KilledReply(Spin), System.Text.Encoding.UTF8.GetString(await runner.ReadReplyAsync()));
        Assert.Equal("+PONG\r\n", await other.CallAsync("PING"));
    }

    [Theory]
    [InlineData("redis.register_function('spin', function() while true do end end)")] // moves once past its budget
    [InlineData("local calls = { n = 0 } redis.register_function('spin', function() calls.n = calls.n + 1 while true do end end)")] // starts off it
    public async Task A_busy_function_leaves_the_io_thread_so_function_kill_works(string library)
    {
        await using var server = await ExternalServer.StartAsync("--busy-reply-threshold", "200");
        await using var runner = await ConnectIdleAsync(server.Port);
        Assert.Equal("$4\r\nspin\r\n", await runner.CallAsync("FUNCTION", "LOAD", "#!lua name=spin\n" + library));
        await using var other = await ConnectIdleAsync(server.Port); // waits on the I/O thread
        await runner.SendAsync("FCALL", "spin", "0");
        await UntilBusyAsync(other, "FUNCTION");
        Assert.Equal("+OK\r\n", await other.CallAsync("FUNCTION", "KILL"));
        Assert.Equal("-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.\r\n", System.Text.Encoding.UTF8.GetString(await runner.ReadReplyAsync()));
    }

    [Fact]
    public async Task A_script_that_moves_off_the_io_thread_replies_once_with_its_result()
    {
        // Reads, then runs past the I/O thread's budget: it is stopped and run again from the start on the pool.
        await using var server = await ExternalServer.StartAsync();
        await using var client = await ConnectIdleAsync(server.Port);
        const string Slow = "local v = redis.call('get', KEYS[1]) local t = redis.call('time') local start = t[1] * 1000000 + t[2] " +
            "while true do local n = redis.call('time') if n[1] * 1000000 + n[2] - start > 300000 then break end end return v";
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "k", "v1"));
        await Task.Delay(100); // so EVAL comes through the I/O thread
        var reply = await client.CallAsync("EVAL", Slow, "1", "k");
        Assert.Equal("$2\r\nv1\r\n", reply);
        // Nothing more follows the one reply.
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
        var stats = await client.CallAsync("INFO", "commandstats");
        Assert.Contains("cmdstat_eval:calls=1,", stats);
    }

    [Fact]
    public async Task A_script_moved_off_the_io_thread_counts_its_reads_once()
    {
        // The abandoned first run's reads (a hit, a miss, a WRONGTYPE) must not show in INFO beside the second run's.
        await using var server = await ExternalServer.StartAsync();
        await using var client = await ConnectIdleAsync(server.Port);
        const string Reads = "redis.call('get', 'k') redis.call('get', 'missing') redis.pcall('get', 'h') ";
        const string Slow = Reads + "local t = redis.call('time') local start = t[1] * 1000000 + t[2] " +
            "while true do local n = redis.call('time') if n[1] * 1000000 + n[2] - start > 300000 then break end end return 1";
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "k", "v"));
        Assert.Equal(":1\r\n", await client.CallAsync("HSET", "h", "f", "v"));
        var once = await ReadCountsAsync(client, "EVAL", Reads + "return 1", "0");
        await Task.Delay(100); // so EVAL comes through the I/O thread
        var moved = await ReadCountsAsync(client, "EVAL", Slow, "0");
        Assert.Equal(once, moved);

        static async Task<string> ReadCountsAsync(RawClient client, params string[] command)
        {
            Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "RESETSTAT"));
            Assert.Equal(":1\r\n", await client.CallAsync(command));
            var info = await client.CallAsync("INFO", "all");
            string get = info.Split("\r\n").Single(l => l.StartsWith("cmdstat_get:", StringComparison.Ordinal));
            get = System.Text.RegularExpressions.Regex.Replace(get, "usec=[0-9]+,usec_per_call=[0-9.]+,", "");
            return string.Join(' ', get, ChangeCounter.InfoField(info, "errorstat_WRONGTYPE"), ChangeCounter.InfoField(info, "total_error_replies"),
                ChangeCounter.InfoField(info, "keyspace_hits"), ChangeCounter.InfoField(info, "keyspace_misses"));
        }
    }

    [Fact]
    public async Task A_long_function_that_keeps_state_runs_once_per_call()
    {
        // Its library counts calls in a table: a call abandoned and made again would count twice.
        await using var server = await ExternalServer.StartAsync();
        await using var client = await ConnectIdleAsync(server.Port);
        Assert.Equal("$7\r\ncounter\r\n", await client.CallAsync("FUNCTION", "LOAD", "#!lua name=counter\nlocal calls = { n = 0 } " +
            "redis.register_function('count', function() calls.n = calls.n + 1 local t = redis.call('time') local start = t[1] * 1000000 + t[2] " +
            "while true do local n = redis.call('time') if n[1] * 1000000 + n[2] - start > 200000 then break end end return calls.n end)"));
        await Task.Delay(100); // so FCALL comes through the I/O thread
        Assert.Equal(":1\r\n", await client.CallAsync("FCALL", "count", "0"));
        Assert.Equal(":2\r\n", await client.CallAsync("FCALL", "count", "0"));
    }

    [Fact]
    public async Task A_script_that_wrote_and_holds_the_io_thread_still_lets_waiting_and_new_clients_shut_down_the_server()
    {
        // Having written, it cannot be moved off the I/O thread: a stand-in thread serves that thread's sockets
        // meanwhile, both for the clients it was waiting for and for those that connect once the script runs.
        await using var server = await ExternalServer.StartAsync("--busy-reply-threshold", "200");
        await using var runner = await ConnectIdleAsync(server.Port);
        await using var waiting = await ConnectIdleAsync(server.Port);
        await runner.SendAsync("EVAL", "redis.call('set', KEYS[1], 'v') while true do end", "1", "k");
        await Task.Delay(500);
        await UntilBusyAsync(waiting);
        await using var other = await RawClient.ConnectAsync(server.Port);
        await UntilBusyAsync(other);
        Assert.Equal("-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n",
            await other.CallAsync("SCRIPT", "KILL"));
        await ShutdownNosaveStopsAsync(server, other);
    }

    // io-busy-poll-us: a loop kept busy polls before it sleeps, but one whose requests come far apart must sleep
    // between them: a poll after each would burn its whole length.
    [Fact]
    public async Task An_io_loop_polls_only_while_requests_come_sooner_than_its_poll_would_last()
    {
        await using var server = await ExternalServer.StartAsync("--io-busy-poll-us", "10000");
        await using var client = await RawClient.ConnectAsync(server.Port);
        for (int i = 0; i < 2000; i++) Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));

        // The I/O thread's own CPU: the process's also counts the JIT compiling in the background after the warm-up.
        long before = IoThreadCpuMs(server.ProcessId);
        for (int i = 0; i < 40; i++)
        {
            await Task.Delay(50);
            Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
        }
        long cpuMs = IoThreadCpuMs(server.ProcessId) - before;
        // Polling 10 ms after each of the 40 requests would take 400 ms.
        Assert.True(cpuMs < 150, $"{cpuMs} ms of I/O thread CPU for 40 requests 50 ms apart");

        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'io-busy-poll-us') - argument must be between 0 and 1000000 inclusive\r\n",
            await client.CallAsync("CONFIG", "SET", "io-busy-poll-us", "-1"));
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "io-busy-poll-us", "0"));
        for (int i = 0; i < 100; i++) Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
    }

    /// <summary>User plus system CPU of the process's thread spinel-io-0, from /proc (in 10 ms clock ticks).</summary>
    private static long IoThreadCpuMs(int pid)
    {
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            if (File.ReadAllText(Path.Combine(task, "comm")).Trim() != "spinel-io-0") continue;
            var stat = File.ReadAllText(Path.Combine(task, "stat"));
            // After "pid (comm) ", the fields start with the state (field 3); utime and stime are fields 14 and 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11]) + long.Parse(fields[12])) * 10;
        }
        throw new InvalidOperationException("no spinel-io-0 thread");
    }

    // SPINEL_SOCKET_ENGINE=dotnet is the engine used where epoll is not (other systems): clients that connect while a
    // script holds its I/O thread are read with poll instead of a stand-in thread.
    [Fact]
    public async Task The_dotnet_socket_engine_serves_pipelines_pubsub_and_new_clients_of_a_held_io_thread()
    {
        await using var server = await ExternalServer.StartWithEnvironmentAsync(null,
            new Dictionary<string, string> { ["SPINEL_SOCKET_ENGINE"] = "dotnet" }, "--busy-reply-threshold", "200");
        await using var subscriber = await ConnectIdleAsync(server.Port);
        Assert.Equal("*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n", await subscriber.CallAsync("SUBSCRIBE", "c"));
        await using var runner = await ConnectIdleAsync(server.Port);
        await runner.SendRawAsync("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n1\r\n*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n*3\r\n$7\r\nPUBLISH\r\n$1\r\nc\r\n$1\r\nm\r\n"u8.ToArray());
        Assert.Equal("+OK\r\n", System.Text.Encoding.UTF8.GetString(await runner.ReadReplyAsync()));
        Assert.Equal(":2\r\n", System.Text.Encoding.UTF8.GetString(await runner.ReadReplyAsync()));
        Assert.Equal(":1\r\n", System.Text.Encoding.UTF8.GetString(await runner.ReadReplyAsync()));
        Assert.Equal("*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n", System.Text.Encoding.UTF8.GetString(await subscriber.ReadReplyAsync()));
        await runner.SendAsync("EVAL", "redis.call('set', KEYS[1], 'v') while true do end", "1", "k");
        await Task.Delay(500);
        await using var other = await RawClient.ConnectAsync(server.Port);
        await UntilBusyAsync(other);
        await ShutdownNosaveStopsAsync(server, other);
    }

    [Fact]
    public async Task A_transaction_with_a_busy_script_leaves_the_io_thread_too()
    {
        await using var server = await ExternalServer.StartAsync("--busy-reply-threshold", "200");
        await using var runner = await ConnectIdleAsync(server.Port);
        Assert.Equal("+OK\r\n", await runner.CallAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await runner.CallAsync("EVAL", Spin, "0"));
        await using var other = await ConnectIdleAsync(server.Port); // waits on the I/O thread
        await runner.SendAsync("EXEC");
        await UntilBusyAsync(other);
        Assert.Equal("+OK\r\n", await other.CallAsync("SCRIPT", "KILL"));
        Assert.Equal("*1\r\n" + KilledReply(Spin), System.Text.Encoding.UTF8.GetString(await runner.ReadReplyAsync()));
    }
}
