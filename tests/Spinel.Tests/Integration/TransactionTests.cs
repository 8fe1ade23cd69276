using System.Diagnostics;
using System.Text;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>MULTI/EXEC and WATCH over real connections: isolation from other clients, optimistic locking, cleanup.</summary>
public sealed class TransactionTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    private static string Bulk(string s) => $"${Encoding.UTF8.GetByteCount(s)}\r\n{s}\r\n";

    [Fact]
    public async Task Another_clients_write_to_a_watched_key_aborts_exec()
    {
        await using var a = await fixture.ConnectAsync();
        await using var b = await fixture.ConnectAsync();
        await a.CallAsync("SET", "tx:w", "1");
        Assert.Equal("+OK\r\n", await a.CallAsync("WATCH", "tx:w", "tx:other"));
        Assert.Equal("+OK\r\n", await b.CallAsync("SET", "tx:unrelated", "x"));
        Assert.Equal("+OK\r\n", await a.CallAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await a.CallAsync("SET", "tx:w", "from-a"));
        // Another client's write between MULTI and EXEC still counts.
        Assert.Equal(":2\r\n", await b.CallAsync("INCR", "tx:w"));
        Assert.Equal("*-1\r\n", await a.CallAsync("EXEC"));
        Assert.Equal(Bulk("2"), await a.CallAsync("GET", "tx:w"));

        // Writes to other keys, and to the same name in another database, do not abort.
        Assert.Equal("+OK\r\n", await a.CallAsync("WATCH", "tx:w"));
        await b.CallAsync("SET", "tx:unrelated", "y");
        await b.CallAsync("SELECT", "5");
        await b.CallAsync("SET", "tx:w", "elsewhere");
        await b.CallAsync("DEL", "tx:w");
        await a.CallAsync("MULTI");
        await a.CallAsync("SET", "tx:w", "from-a");
        Assert.Equal("*1\r\n+OK\r\n", await a.CallAsync("EXEC"));

        // Another client's transaction is a write like any other.
        Assert.Equal("+OK\r\n", await a.CallAsync("WATCH", "tx:w"));
        await b.CallAsync("SELECT", "0");
        await b.CallAsync("MULTI");
        await b.CallAsync("APPEND", "tx:w", "!");
        Assert.Equal("*1\r\n:7\r\n", await b.CallAsync("EXEC"));
        await a.CallAsync("MULTI");
        await a.CallAsync("GET", "tx:w");
        Assert.Equal("*-1\r\n", await a.CallAsync("EXEC"));
        await a.CallAsync("DEL", "tx:w", "tx:unrelated");
    }

    [Fact]
    public async Task Optimistic_increments_from_20_clients_lose_nothing()
    {
        const int Clients = 20, Increments = 25;
        await using (var setup = await fixture.ConnectAsync()) await setup.CallAsync("SET", "tx:counter", "0");
        int aborted = 0;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            await using var c = await fixture.ConnectAsync();
            for (int done = 0; done < Increments;)
            {
                Assert.Equal("+OK\r\n", await c.CallAsync("WATCH", "tx:counter"));
                var reply = (await c.CallAsync("GET", "tx:counter")).Split("\r\n");
                long value = long.Parse(reply[1]);
                await Task.Yield(); // widen the race window a little
                Assert.Equal("+OK\r\n", await c.CallAsync("MULTI"));
                Assert.Equal("+QUEUED\r\n", await c.CallAsync("SET", "tx:counter", (value + 1).ToString()));
                string exec = await c.CallAsync("EXEC");
                if (exec == "*1\r\n+OK\r\n") done++;
                else
                {
                    Assert.Equal("*-1\r\n", exec);
                    Interlocked.Increment(ref aborted);
                }
            }
        })));
        await using var check = await fixture.ConnectAsync();
        Assert.Equal(Bulk((Clients * Increments).ToString()), await check.CallAsync("GET", "tx:counter"));
        await check.CallAsync("DEL", "tx:counter");
    }

    [Fact]
    public async Task Transfers_keep_the_total_while_transactional_readers_check_it()
    {
        const int Accounts = 10, Start = 1000;
        var keys = Enumerable.Range(0, Accounts).Select(i => "tx:acct:" + i).ToArray();
        await using (var setup = await fixture.ConnectAsync())
        {
            foreach (var key in keys) await setup.CallAsync("SET", key, Start.ToString());
        }
        // Runs until enough of both have interleaved (not for a fixed time: a loaded machine may stall the server).
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        long transfers = 0, checks = 0;
        void StopWhenEnough()
        {
            if (Interlocked.Read(ref transfers) > 2000 && Interlocked.Read(ref checks) > 100) cts.Cancel();
        }
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            await using var c = await fixture.ConnectAsync();
            var random = new Random(w);
            while (!cts.IsCancellationRequested)
            {
                string from = keys[random.Next(Accounts)], to = keys[random.Next(Accounts)];
                string amount = random.Next(1, 50).ToString();
                await c.CallAsync("MULTI");
                await c.CallAsync("DECRBY", from, amount);
                await c.CallAsync("INCRBY", to, amount);
                Assert.StartsWith("*2\r\n:", await c.CallAsync("EXEC"));
                Interlocked.Increment(ref transfers);
                StopWhenEnough();
            }
        }));
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(async () =>
        {
            await using var c = await fixture.ConnectAsync();
            while (!cts.IsCancellationRequested)
            {
                await c.CallAsync("MULTI");
                // One MGET, and one GET per account: no writer may run between the GETs either.
                await c.CallAsync(["MGET", .. keys]);
                foreach (var key in keys) await c.CallAsync("GET", key);
                var lines = (await c.CallAsync("EXEC")).Split("\r\n");
                Assert.Equal($"*{1 + Accounts}", lines[0]);
                Assert.Equal($"*{Accounts}", lines[1]);
                long fromMget = 0, fromGets = 0;
                for (int i = 0; i < Accounts; i++) fromMget += long.Parse(lines[3 + 2 * i]);
                for (int i = 0; i < Accounts; i++) fromGets += long.Parse(lines[3 + 2 * Accounts + 2 * i]);
                Assert.Equal(Accounts * Start, fromMget);
                Assert.Equal(Accounts * Start, fromGets);
                Interlocked.Increment(ref checks);
                StopWhenEnough();
            }
        }));
        await Task.WhenAll(writers.Concat(readers));
        Assert.True(transfers > 2000 && checks > 100, $"only {transfers} transfers and {checks} checks ran");
        await using var end = await fixture.ConnectAsync();
        await end.CallAsync(["DEL", .. keys]);
    }

    [Fact]
    public async Task A_disconnecting_client_leaves_no_watches_or_queue_behind()
    {
        await using var server = await SpinelFixture.StartAsync();
        int port = server.EndPoints[0].Port;
        var watchers = new List<RawClient>();
        for (int i = 0; i < 5; i++)
        {
            var c = await RawClient.ConnectAsync(port);
            Assert.Equal("+OK\r\n", await c.CallAsync("WATCH", "dc:a", "dc:b", "dc:" + i));
            if (i % 2 == 0)
            {
                await c.CallAsync("MULTI");
                await c.CallAsync("SET", "dc:a", "queued");
            }
            watchers.Add(c);
        }
        Assert.Equal(15, WatchCount(server));
        foreach (var c in watchers) await c.DisposeAsync();
        await WaitUntilAsync(() => WatchCount(server) == 0 && server.ConnectedClients == 0);

        // Writes to the keys later find nobody to mark, and nothing queued ran.
        await using var other = await RawClient.ConnectAsync(port);
        Assert.Equal("+OK\r\n", await other.CallAsync("SET", "dc:a", "1"));
        Assert.Equal(Bulk("1"), await other.CallAsync("GET", "dc:a"));

        // CLIENT KILL of a watching client cleans up too.
        await using var victim = await RawClient.ConnectAsync(port);
        await victim.CallAsync("WATCH", "dc:a");
        string id = (await victim.CallAsync("CLIENT", "ID")).Trim(':', '\r', '\n');
        Assert.Equal(1, WatchCount(server));
        Assert.Equal(":1\r\n", await other.CallAsync("CLIENT", "KILL", "ID", id));
        await WaitUntilAsync(() => WatchCount(server) == 0);
        Assert.Equal("+OK\r\n", await other.CallAsync("SET", "dc:a", "2"));
    }

    [Fact]
    public async Task Client_list_shows_multi_and_dirty_watch_state()
    {
        await using var a = await fixture.ConnectAsync();
        await using var b = await fixture.ConnectAsync();
        string id = (await a.CallAsync("CLIENT", "ID")).Trim(':', '\r', '\n');
        await a.CallAsync("WATCH", "tx:cl");
        Assert.Contains(" flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 ", await b.CallAsync("CLIENT", "LIST", "ID", id));
        await a.CallAsync("MULTI");
        await a.CallAsync("GET", "tx:cl");
        await a.CallAsync("GET", "tx:cl");
        Assert.Contains(" flags=x db=0 sub=0 psub=0 ssub=0 multi=2 ", await b.CallAsync("CLIENT", "LIST", "ID", id));
        await b.CallAsync("SET", "tx:cl", "1");
        Assert.Contains(" flags=xd db=0 sub=0 psub=0 ssub=0 multi=2 ", await b.CallAsync("CLIENT", "LIST", "ID", id));
        Assert.Equal("*-1\r\n", await a.CallAsync("EXEC"));

        // Once doomed (dirty watch or a refused command), nothing more is queued, as in Redis.
        await a.CallAsync("WATCH", "tx:cl");
        await b.CallAsync("SET", "tx:cl", "2");
        Assert.Contains(" flags=d ", await b.CallAsync("CLIENT", "LIST", "ID", id));
        await a.CallAsync("MULTI");
        Assert.Equal("+QUEUED\r\n", await a.CallAsync("GET", "tx:cl"));
        Assert.Contains(" flags=xd db=0 sub=0 psub=0 ssub=0 multi=0 ", await b.CallAsync("CLIENT", "LIST", "ID", id));
        Assert.Equal("*-1\r\n", await a.CallAsync("EXEC"));
        await a.CallAsync("MULTI");
        await a.CallAsync("NOSUCH");
        Assert.Equal("+QUEUED\r\n", await a.CallAsync("GET", "tx:cl"));
        Assert.Contains(" flags=x db=0 sub=0 psub=0 ssub=0 multi=0 ", await b.CallAsync("CLIENT", "LIST", "ID", id));
        Assert.StartsWith("-EXECABORT", await a.CallAsync("EXEC"));
        Assert.Contains(" flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 ", await b.CallAsync("CLIENT", "LIST", "ID", id));
        await a.CallAsync("DEL", "tx:cl");
    }

    [Fact]
    public async Task Blocked_clients_are_served_after_exec_from_what_it_left()
    {
        await using var waiter = await fixture.ConnectAsync();
        await using var a = await fixture.ConnectAsync();
        await waiter.SendAsync("BLPOP", "tx:q", "0");
        await WaitUntilAsync(async () => (await a.CallAsync("INFO", "clients")).Contains("blocked_clients:1\r\n"));
        // Pushed and popped within one transaction: the waiter never sees it.
        await a.CallAsync("MULTI");
        await a.CallAsync("RPUSH", "tx:q", "gone");
        await a.CallAsync("LPOP", "tx:q");
        Assert.Equal("*2\r\n:1\r\n" + Bulk("gone"), await a.CallAsync("EXEC"));
        Assert.Contains("blocked_clients:1\r\n", await a.CallAsync("INFO", "clients"));
        // Pushed twice, popped once: the waiter gets what is left, after EXEC.
        await a.CallAsync("MULTI");
        await a.CallAsync("RPUSH", "tx:q", "first", "second");
        await a.CallAsync("LPOP", "tx:q");
        await a.CallAsync("LLEN", "tx:q");
        Assert.Equal("*3\r\n:2\r\n" + Bulk("first") + ":1\r\n", await a.CallAsync("EXEC"));
        Assert.Equal("*2\r\n" + Bulk("tx:q") + Bulk("second"), Encoding.Latin1.GetString(await waiter.ReadReplyAsync()));
    }

    [Fact]
    public async Task Queued_arguments_survive_the_input_buffer_being_reused()
    {
        await using var c = await fixture.ConnectAsync();
        // One pipelined write: MULTI, 300 SETs of 2 KB values (the buffer grows and is reused), EXEC, GETs.
        var payload = new MemoryStream();
        payload.Write(RawClient.Encode(RawClient.Args("MULTI")));
        for (int i = 0; i < 300; i++) payload.Write(RawClient.Encode(RawClient.Args("SET", "tx:big:" + i, new string((char)('a' + i % 26), 2048) + i)));
        payload.Write(RawClient.Encode(RawClient.Args("EXEC")));
        for (int i = 0; i < 300; i += 37) payload.Write(RawClient.Encode(RawClient.Args("GET", "tx:big:" + i)));
        await c.SendRawAsync(payload.ToArray());
        Assert.Equal("+OK\r\n", Encoding.Latin1.GetString(await c.ReadReplyAsync()));
        for (int i = 0; i < 300; i++) Assert.Equal("+QUEUED\r\n", Encoding.Latin1.GetString(await c.ReadReplyAsync()));
        var exec = Encoding.Latin1.GetString(await c.ReadReplyAsync());
        Assert.Equal("*300\r\n" + string.Concat(Enumerable.Repeat("+OK\r\n", 300)), exec);
        for (int i = 0; i < 300; i += 37)
        {
            Assert.Equal(Bulk(new string((char)('a' + i % 26), 2048) + i), Encoding.Latin1.GetString(await c.ReadReplyAsync()));
        }
        await c.CallAsync("FLUSHDB");
    }

    private static int WatchCount(Spinel.Server.SpinelServer server)
    {
        lock (server.Keyspace.Lock) return server.Keyspace.Watches.Count;
    }

    private static async Task WaitUntilAsync(Func<bool> condition) => await WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "condition not reached in 10 s");
            await Task.Delay(10);
        }
    }
}
