using System.Diagnostics;
using System.Text;
using Spinel.Tests.Infrastructure;
using static Spinel.Tests.Infrastructure.BusyScripts;

namespace Spinel.Tests.Integration;

/// <summary>
/// No script may hold the spinel-server executable forever: a kill ends it however it catches errors, a shutdown
/// ends it and the process, and clients are answered meanwhile as Redis answers them.
/// </summary>
public sealed class ScriptKillProcessTests : IClassFixture<RedisOracle>
{
    private readonly RedisOracle _redis;

    public ScriptKillProcessTests(RedisOracle redis) => _redis = redis;

    /// <summary>How long a killed script may take to end: the kill is looked at every 1,000 steps.</summary>
    private const int KillMs = 5_000;

    // Each catches the kill's error somewhere and would go on if the kill were raised only once.
    [Theory]
    [InlineData("local f = function() while 1 do redis.call('ping') end end while 1 do pcall(f) end")]
    [InlineData("while 1 do pcall(function() local i = 0 while true do i = i + 1 end end) end")]
    [InlineData("while 1 do xpcall(function() while 1 do end end, function(e) return e end) end")]
    [InlineData("while 1 do xpcall(function() while 1 do end end, function(e) while 1 do end end) end")]
    [InlineData("local co = coroutine.wrap(function() while 1 do pcall(function() while 1 do end end) end end) while 1 do pcall(co) end")]
    [InlineData("while 1 do local ok, e = pcall(error, 'x') pcall(function() while 1 do end end) end")]
    [InlineData("local s = string.rep('a', 30000) while 1 do pcall(string.find, s, '.-b') end")]
    [InlineData("local t = setmetatable({}, {__index = function() while 1 do end end}) while 1 do pcall(function() return t.x end) end")]
    public async Task Script_kill_ends_a_script_that_catches_errors(string body)
    {
        await using var server = await ExternalServer.StartAsync("--busy-reply-threshold", "100");
        await using var runner = await ConnectIdleAsync(server.Port);
        await using var other = await ConnectIdleAsync(server.Port);
        await runner.SendAsync("EVAL", body, "0");
        await UntilBusyAsync(other);
        var watch = Stopwatch.StartNew();
        Assert.Equal("+OK\r\n", await other.CallAsync("SCRIPT", "KILL"));
        Assert.Equal(KilledReply(body), Encoding.UTF8.GetString(await runner.ReadReplyAsync(KillMs)));
        Assert.True(watch.ElapsedMilliseconds < KillMs, $"the kill took {watch.ElapsedMilliseconds} ms");
        Assert.Equal("+PONG\r\n", await other.CallAsync("PING"));
        Assert.Equal("+PONG\r\n", await runner.CallAsync("PING"));
    }

    [Fact]
    public async Task Function_kill_ends_a_function_that_catches_errors_and_the_pipeline_behind_it_runs()
    {
        await using var server = await ExternalServer.StartAsync("--busy-reply-threshold", "100");
        await using var runner = await ConnectIdleAsync(server.Port);
        Assert.Equal("$4\r\nspin\r\n", await runner.CallAsync("FUNCTION", "LOAD",
            "#!lua name=spin\nredis.register_function('spin', function() while 1 do pcall(function() while 1 do redis.call('ping') end end) end end)"));
        await using var other = await ConnectIdleAsync(server.Port);
        await runner.SendRawAsync(RawClient.Encode(RawClient.Args("FCALL", "spin", "0"))
            .Concat(RawClient.Encode(RawClient.Args("SET", "k", "v"))).Concat(RawClient.Encode(RawClient.Args("GET", "k"))).ToArray());
        await UntilBusyAsync(other, "FUNCTION");
        Assert.Equal("+OK\r\n", await other.CallAsync("FUNCTION", "KILL"));
        Assert.Equal("-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.\r\n",
            Encoding.UTF8.GetString(await runner.ReadReplyAsync(KillMs)));
        Assert.Equal("+OK\r\n", Encoding.UTF8.GetString(await runner.ReadReplyAsync()));
        Assert.Equal("$1\r\nv\r\n", Encoding.UTF8.GetString(await runner.ReadReplyAsync()));
        Assert.Equal("$1\r\nv\r\n", await other.CallAsync("GET", "k"));
    }

    [Theory]
    [InlineData("while 1 do pcall(function() while 1 do end end) end", "0")] // read-only: SCRIPT KILL could end it too
    [InlineData("redis.call('set', KEYS[1], 'v') while 1 do pcall(function() while 1 do end end) end", "1")] // wrote: unkillable
    public async Task Shutdown_nosave_ends_a_script_that_catches_errors_and_the_process(string body, string keys)
    {
        await using var server = await ExternalServer.StartAsync("--busy-reply-threshold", "100");
        await using var runner = await ConnectIdleAsync(server.Port);
        await using var other = await ConnectIdleAsync(server.Port);
        await runner.SendAsync(keys == "0" ? ["EVAL", body, "0"] : ["EVAL", body, "1", "k"]);
        await UntilBusyAsync(other);
        await ShutdownNosaveStopsAsync(server, other);
    }

    [Fact]
    public async Task Sigterm_ends_a_script_that_wrote_and_catches_errors_and_the_process_exits()
    {
        await using var server = await ExternalServer.StartAsync("--busy-reply-threshold", "100");
        await using var runner = await ConnectIdleAsync(server.Port);
        await using var other = await ConnectIdleAsync(server.Port);
        await runner.SendAsync("EVAL", "redis.call('set', KEYS[1], 'v') while 1 do pcall(function() while 1 do end end) end", "1", "k");
        await UntilBusyAsync(other);
        Assert.Equal(0, await server.TerminateAsync());
        Assert.Contains("ready to exit", server.Output);
    }

    [Fact]
    public async Task A_request_fetched_in_the_same_turn_as_a_script_that_holds_the_io_thread_still_gets_busy()
    {
        await using var server = await ExternalServer.StartAsync("--busy-reply-threshold", "100", "--enable-debug-command", "yes");
        await using var sleeper = await ConnectIdleAsync(server.Port);
        await using var runner = await ConnectIdleAsync(server.Port);
        await using var other = await ConnectIdleAsync(server.Port);
        // While the I/O thread sleeps, the script and the PING both arrive: its next turn fetches them together.
        await sleeper.SendAsync("DEBUG", "SLEEP", "0.5");
        await Task.Delay(100);
        await runner.SendAsync("EVAL", "redis.call('set', KEYS[1], 'v') while true do end", "1", "k");
        await Task.Delay(50);
        await other.SendAsync("PING");
        Assert.Equal("+OK\r\n", Encoding.UTF8.GetString(await sleeper.ReadReplyAsync()));
        Assert.Equal("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n",
            Encoding.UTF8.GetString(await other.ReadReplyAsync(KillMs)));
        await ShutdownNosaveStopsAsync(server, other);
    }

    /// <summary>
    /// While a script is busy, MULTI is answered at once (Redis flags it allow-busy), a command queued meanwhile gets
    /// BUSY and dooms the transaction, and an EXEC sent while still busy is refused with the transaction discarded:
    /// the same transcript as redis-server's.
    /// </summary>
    [SkippableFact]
    public async Task A_transaction_started_while_a_script_is_busy_is_answered_as_redis_answers_it()
    {
        _redis.RequireAvailable();
        await using var server = await ExternalServer.StartAsync("--busy-reply-threshold", "100");
        var spinel = await TransactionWhileBusyAsync(server.Port);
        await using (var c = await _redis.ConnectAsync()) Assert.Equal("+OK\r\n", await c.CallAsync("CONFIG", "SET", "busy-reply-threshold", "100"));
        var redis = await TransactionWhileBusyAsync(_redis.Port);
        Assert.Equal(redis, spinel);
        // What it pins down, whatever both servers do.
        Assert.Equal("+OK\r\n", spinel[0]);
        Assert.StartsWith("-BUSY", spinel[1]);
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.\r\n", spinel[6]);
        Assert.Equal("$-1\r\n", spinel[7]);
    }

    private static async Task<List<string>> TransactionWhileBusyAsync(int port)
    {
        var replies = new List<string>();
        await using var runner = await ConnectIdleAsync(port);
        await using var tx = await ConnectIdleAsync(port);
        await using var killer = await ConnectIdleAsync(port);
        Assert.Equal(":0\r\n", await runner.CallAsync("DEL", "xx"));
        await runner.SendAsync("EVAL", "while true do end", "0");
        await UntilBusyAsync(killer);
        replies.Add(await tx.CallAsync("MULTI"));
        replies.Add(await tx.CallAsync("INCR", "xx"));
        replies.Add(await tx.CallAsync("WATCH", "xx"));
        replies.Add(await tx.CallAsync("MULTI"));
        replies.Add(await tx.CallAsync("SCRIPT", "KILL"));
        replies.Add(await killer.CallAsync("SCRIPT", "KILL"));
        Assert.StartsWith("-ERR Script killed by user", Encoding.UTF8.GetString(await runner.ReadReplyAsync(KillMs)));
        replies.Add(await tx.CallAsync("EXEC"));
        replies.Add(await tx.CallAsync("GET", "xx"));

        // EXEC while still busy: refused, and the transaction is gone.
        await runner.SendAsync("EVAL", "while true do end", "0");
        await UntilBusyAsync(killer);
        replies.Add(await tx.CallAsync("MULTI"));
        replies.Add(await tx.CallAsync("EXEC"));
        replies.Add(await tx.CallAsync("DISCARD"));
        replies.Add(await tx.CallAsync("AUTH", "nopass"));
        // The client id differs between the servers.
        replies.Add(System.Text.RegularExpressions.Regex.Replace(await tx.CallAsync("HELLO", "2", "SETNAME", "tx"), "\\$2\r\nid\r\n:[0-9]+", "$$2\r\nid\r\n:N"));
        replies.Add(await tx.CallAsync("CLIENT", "GETNAME"));
        replies.Add(await tx.CallAsync("RESET"));
        replies.Add(await killer.CallAsync("SCRIPT", "KILL"));
        Assert.StartsWith("-ERR Script killed by user", Encoding.UTF8.GetString(await runner.ReadReplyAsync(KillMs)));
        replies.Add(await tx.CallAsync("CLIENT", "GETNAME"));
        return replies;
    }
}
