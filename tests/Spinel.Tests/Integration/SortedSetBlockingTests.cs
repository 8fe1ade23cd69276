using System.Diagnostics;
using System.Text;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>BZPOPMIN, BZPOPMAX and BZMPOP over real connections: wake order, replies, timeouts, types, several keys.</summary>
public sealed class SortedSetBlockingTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    private static string Bulk(string s) => $"${Encoding.UTF8.GetByteCount(s)}\r\n{s}\r\n";

    private static string Popped(string key, string member, string score) => "*3\r\n" + Bulk(key) + Bulk(member) + Bulk(score);

    private static async Task<string> ReadAsync(RawClient client) => Encoding.Latin1.GetString(await client.ReadReplyAsync());

    [Fact]
    public async Task Waiters_are_served_first_come_first_served_and_a_zadd_wakes_only_as_many_as_it_can_serve()
    {
        var clients = await fixture.BlockClientsAsync(3, "BZPOPMIN", "zfifo", "0");
        await using var producer = await fixture.ConnectAsync();
        Assert.Equal(":2\r\n", await producer.CallAsync("ZADD", "zfifo", "2", "b", "1.5", "a"));
        Assert.Equal(Popped("zfifo", "a", "1.5"), await ReadAsync(clients[0]));
        Assert.Equal(Popped("zfifo", "b", "2"), await ReadAsync(clients[1]));
        await fixture.WaitForBlockedAsync(1);
        Assert.Equal(":0\r\n", await producer.CallAsync("EXISTS", "zfifo"));
        Assert.Equal("$1\r\n7\r\n", await producer.CallAsync("ZINCRBY", "zfifo", "7", "c"));
        Assert.Equal(Popped("zfifo", "c", "7"), await ReadAsync(clients[2]));
        foreach (var c in clients) await c.DisposeAsync();
        await fixture.WaitForBlockedAsync(0);
    }

    [Fact]
    public async Task Bzpopmax_takes_the_highest_and_bzmpop_takes_up_to_count_from_the_chosen_end()
    {
        await using var max = await fixture.ConnectAsync();
        await max.SendAsync("BZPOPMAX", "zmax", "0");
        await fixture.WaitForBlockedAsync(1);
        await using var many = await fixture.ConnectAsync();
        await many.SendAsync("BZMPOP", "0", "1", "zmax", "MIN", "COUNT", "5");
        await fixture.WaitForBlockedAsync(2);
        await using var producer = await fixture.ConnectAsync();
        await producer.CallAsync("ZADD", "zmax", "1", "a", "2", "b", "3", "c");
        Assert.Equal(Popped("zmax", "c", "3"), await ReadAsync(max));
        Assert.Equal("*2\r\n" + Bulk("zmax") + "*2\r\n" + "*2\r\n" + Bulk("a") + Bulk("1") + "*2\r\n" + Bulk("b") + Bulk("2"), await ReadAsync(many));
        Assert.Equal(":0\r\n", await producer.CallAsync("EXISTS", "zmax"));
    }

    [Fact]
    public async Task A_timeout_replies_a_null_array_in_resp2_and_a_null_in_resp3()
    {
        await using var c = await fixture.ConnectAsync();
        var watch = Stopwatch.StartNew();
        Assert.Equal("*-1\r\n", await c.CallAsync("BZPOPMIN", "znever", "0.1"));
        Assert.InRange(watch.Elapsed.TotalSeconds, 0.09, 2.0);
        Assert.Equal("*-1\r\n", await c.CallAsync("BZMPOP", "0.05", "2", "znever", "znever2", "MAX"));
        await c.CallAsync("HELLO", "3");
        Assert.Equal("_\r\n", await c.CallAsync("BZPOPMAX", "znever", "0.05"));
        Assert.Equal("+PONG\r\n", await c.CallAsync("PING"));
    }

    [Fact]
    public async Task Resp3_waiters_get_a_double_score()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CallAsync("HELLO", "3");
        await c.SendAsync("BZPOPMIN", "z3", "0");
        await fixture.WaitForBlockedAsync(1);
        await using var producer = await fixture.ConnectAsync();
        await producer.CallAsync("ZADD", "z3", "2.5", "m");
        Assert.Equal("*3\r\n" + Bulk("z3") + Bulk("m") + ",2.5\r\n", await ReadAsync(c));
    }

    [Fact]
    public async Task A_key_of_another_type_keeps_waiters_blocked_until_a_sorted_set_arrives()
    {
        await using var waiter = await fixture.ConnectAsync();
        await waiter.SendAsync("BZPOPMIN", "ztyped", "0");
        await fixture.WaitForBlockedAsync(1);
        await using var producer = await fixture.ConnectAsync();
        await producer.CallAsync("LPUSH", "ztyped", "x");
        await producer.CallAsync("DEL", "ztyped");
        await producer.CallAsync("SET", "ztyped", "y");
        await fixture.WaitForBlockedAsync(1);
        await producer.CallAsync("DEL", "ztyped");
        await producer.CallAsync("ZADD", "ztyped", "1", "m");
        Assert.Equal(Popped("ztyped", "m", "1"), await ReadAsync(waiter));
    }

    [Fact]
    public async Task A_waiter_on_several_keys_is_served_from_the_key_that_became_ready()
    {
        await using var waiter = await fixture.ConnectAsync();
        await waiter.SendAsync("BZPOPMIN", "zk1", "zk2", "zk3", "0");
        await fixture.WaitForBlockedAsync(1);
        await using var producer = await fixture.ConnectAsync();
        await producer.CallAsync("ZADD", "zk3", "5", "x");
        Assert.Equal(Popped("zk3", "x", "5"), await ReadAsync(waiter));
        // A stored result is a write like any other.
        await waiter.SendAsync("BZMPOP", "0", "2", "zk1", "zk2", "MAX");
        await fixture.WaitForBlockedAsync(1);
        await producer.CallAsync("ZADD", "zsrc", "1", "p", "2", "q");
        Assert.Equal(":2\r\n", await producer.CallAsync("ZRANGESTORE", "zk2", "zsrc", "0", "-1"));
        Assert.Equal("*2\r\n" + Bulk("zk2") + "*1\r\n" + "*2\r\n" + Bulk("q") + Bulk("2"), await ReadAsync(waiter));
        Assert.Equal("*2\r\n" + Bulk("p") + Bulk("1"), await producer.CallAsync("ZRANGE", "zk2", "0", "-1", "WITHSCORES"));
    }

    [Fact]
    public async Task Commands_pipelined_after_a_blocking_pop_run_after_it_is_served()
    {
        await using var c = await fixture.ConnectAsync();
        await c.SendRawAsync("*3\r\n$8\r\nBZPOPMAX\r\n$6\r\nzpipe1\r\n$1\r\n0\r\n*2\r\n$5\r\nZCARD\r\n$6\r\nzpipe1\r\n");
        await fixture.WaitForBlockedAsync(1);
        await using var producer = await fixture.ConnectAsync();
        await producer.CallAsync("ZADD", "zpipe1", "1", "a", "2", "b");
        Assert.Equal(Popped("zpipe1", "b", "2"), await ReadAsync(c));
        Assert.Equal(":1\r\n", await ReadAsync(c));
    }
}
