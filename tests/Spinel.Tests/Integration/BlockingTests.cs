using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>Blocking list commands over real connections: wake order, atomic hand-over, timeouts, disconnects.</summary>
public sealed class BlockingTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    private static string Bulk(string s) => $"${Encoding.UTF8.GetByteCount(s)}\r\n{s}\r\n";

    private static string KeyAndValue(string key, string value) => "*2\r\n" + Bulk(key) + Bulk(value);

    [Fact]
    public async Task Clients_blocked_on_a_key_are_served_first_come_first_served()
    {
        var clients = await fixture.BlockClientsAsync(3, "BLPOP", "fifo", "0");
        await using var producer = await fixture.ConnectAsync();
        Assert.Equal(":3\r\n", await producer.CallAsync("RPUSH", "fifo", "a", "b", "c"));
        Assert.Equal(KeyAndValue("fifo", "a"), Encoding.Latin1.GetString(await clients[0].ReadReplyAsync()));
        Assert.Equal(KeyAndValue("fifo", "b"), Encoding.Latin1.GetString(await clients[1].ReadReplyAsync()));
        Assert.Equal(KeyAndValue("fifo", "c"), Encoding.Latin1.GetString(await clients[2].ReadReplyAsync()));
        Assert.Equal(":0\r\n", await producer.CallAsync("EXISTS", "fifo"));
        foreach (var c in clients) await c.DisposeAsync();
    }

    [Fact]
    public async Task A_push_wakes_only_as_many_waiters_as_it_can_serve()
    {
        var clients = await fixture.BlockClientsAsync(3, "BRPOP", "few", "0");
        await using var producer = await fixture.ConnectAsync();
        Assert.Equal(":1\r\n", await producer.CallAsync("LPUSH", "few", "only"));
        Assert.Equal(KeyAndValue("few", "only"), Encoding.Latin1.GetString(await clients[0].ReadReplyAsync()));
        await fixture.WaitForBlockedAsync(2);
        // The element went to exactly one client and is gone from the list.
        Assert.Equal(":0\r\n", await producer.CallAsync("LLEN", "few"));
        foreach (var c in clients) await c.DisposeAsync();
        await fixture.WaitForBlockedAsync(0);
    }

    [Fact]
    public async Task A_timeout_of_a_tenth_of_a_second_returns_a_null_array_after_about_that_long()
    {
        await using var c = await fixture.ConnectAsync();
        var watch = Stopwatch.StartNew();
        Assert.Equal("*-1\r\n", await c.CallAsync("BLPOP", "never-pushed", "0.1"));
        Assert.InRange(watch.Elapsed.TotalSeconds, 0.09, 2.0);
        Assert.Equal("+PONG\r\n", await c.CallAsync("PING"));
    }

    [Fact]
    public async Task Commands_pipelined_after_a_blocking_one_run_after_it_is_served()
    {
        await using var c = await fixture.ConnectAsync();
        await c.SendRawAsync("*3\r\n$5\r\nBLPOP\r\n$4\r\npipe\r\n$1\r\n0\r\n*2\r\n$4\r\nLLEN\r\n$4\r\npipe\r\n*1\r\n$4\r\nPING\r\n");
        await fixture.WaitForBlockedAsync(1);
        await using var producer = await fixture.ConnectAsync();
        Assert.Equal(":2\r\n", await producer.CallAsync("RPUSH", "pipe", "x", "y"));
        Assert.Equal(KeyAndValue("pipe", "x"), Encoding.Latin1.GetString(await c.ReadReplyAsync()));
        // LLEN ran after the pop, not before the block.
        Assert.Equal(":1\r\n", Encoding.Latin1.GetString(await c.ReadReplyAsync()));
        Assert.Equal("+PONG\r\n", Encoding.Latin1.GetString(await c.ReadReplyAsync()));
    }

    [Fact]
    public async Task A_push_that_lands_while_the_blocked_client_still_sends_earlier_replies_is_not_lost()
    {
        // GET of a 4 MB value, then BLPOP, in one pipeline: the client blocks while its connection is still
        // sending the big reply, and the push arrives in that window. The wake-up must not be missed.
        await using var setup = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await setup.CallAsync("SET", "big-reply", new string('v', 4 * 1024 * 1024)));
        await using var c = await fixture.ConnectAsync();
        await using var producer = await fixture.ConnectAsync();
        for (int i = 0; i < 20; i++)
        {
            await c.SendRawAsync("*2\r\n$3\r\nGET\r\n$9\r\nbig-reply\r\n*3\r\n$5\r\nBLPOP\r\n$6\r\nwindow\r\n$1\r\n0\r\n");
            Assert.Equal(":1\r\n", await producer.CallAsync("RPUSH", "window", "v" + i));
            Assert.Equal(4 * 1024 * 1024 + 12, (await c.ReadReplyAsync()).Length);
            Assert.Equal(KeyAndValue("window", "v" + i), Encoding.Latin1.GetString(await c.ReadReplyAsync()));
        }
    }

    [Fact]
    public async Task A_client_that_disconnects_while_blocked_leaves_nothing_behind()
    {
        var c = await fixture.ConnectAsync();
        await c.SendAsync("BLPOP", "gone", "0");
        await fixture.WaitForBlockedAsync(1);
        await c.DisposeAsync();
        await fixture.WaitForBlockedAsync(0);
        await using var producer = await fixture.ConnectAsync();
        Assert.Equal(":1\r\n", await producer.CallAsync("RPUSH", "gone", "kept"));
        Assert.Equal(":1\r\n", await producer.CallAsync("LLEN", "gone"));
        Assert.Equal(":1\r\n", await producer.CallAsync("DEL", "gone"));
    }

    [Fact]
    public async Task Client_unblock_ends_a_wait_as_a_timeout_or_with_an_error()
    {
        await using var c = await fixture.ConnectAsync();
        string id = (await c.CallAsync("CLIENT", "ID"))[1..^2];
        await using var admin = await fixture.ConnectAsync();

        await c.SendAsync("BLPOP", "unblock-me", "0");
        await fixture.WaitForBlockedAsync(1);
        Assert.Contains("flags=b ", await admin.CallAsync("CLIENT", "LIST"));
        Assert.Equal(":1\r\n", await admin.CallAsync("CLIENT", "UNBLOCK", id));
        Assert.Equal("*-1\r\n", Encoding.Latin1.GetString(await c.ReadReplyAsync()));

        await c.SendAsync("BLMOVE", "unblock-me", "dst", "LEFT", "RIGHT", "0");
        await fixture.WaitForBlockedAsync(1);
        Assert.Equal(":1\r\n", await admin.CallAsync("CLIENT", "UNBLOCK", id, "error"));
        Assert.Equal("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", Encoding.Latin1.GetString(await c.ReadReplyAsync()));

        Assert.Equal(":0\r\n", await admin.CallAsync("CLIENT", "UNBLOCK", id));
        Assert.Equal("-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n", await admin.CallAsync("CLIENT", "UNBLOCK", id, "later"));
    }

    [Fact]
    public async Task A_key_replaced_by_another_type_keeps_its_waiters_blocked_until_a_list_returns()
    {
        await using var c = await fixture.ConnectAsync();
        await c.SendAsync("BLPOP", "retyped", "0");
        await fixture.WaitForBlockedAsync(1);
        await using var other = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await other.CallAsync("SET", "retyped", "string"));
        await Task.Delay(50);
        await fixture.WaitForBlockedAsync(1);
        Assert.Equal(":1\r\n", await other.CallAsync("DEL", "retyped"));
        Assert.Equal(":1\r\n", await other.CallAsync("RPUSH", "source-list", "moved"));
        // A RENAME that brings a list under the key serves the waiter, as a push would.
        Assert.Equal("+OK\r\n", await other.CallAsync("RENAME", "source-list", "retyped"));
        Assert.Equal(KeyAndValue("retyped", "moved"), Encoding.Latin1.GetString(await c.ReadReplyAsync()));
    }

    [Fact]
    public async Task A_waiter_on_several_keys_is_served_from_the_key_that_became_ready()
    {
        await using var c = await fixture.ConnectAsync();
        await c.SendAsync("BLPOP", "multi-a", "multi-b", "0");
        await fixture.WaitForBlockedAsync(1);
        await using var other = await fixture.ConnectAsync();
        // An earlier key turning into a string does not stop the waiter from taking the later key's push (as Redis 7.0).
        Assert.Equal("+OK\r\n", await other.CallAsync("SET", "multi-a", "string"));
        Assert.Equal(":1\r\n", await other.CallAsync("RPUSH", "multi-b", "x"));
        Assert.Equal(KeyAndValue("multi-b", "x"), Encoding.Latin1.GetString(await c.ReadReplyAsync()));
    }

    [Fact]
    public async Task A_blmove_that_serves_one_waiter_can_serve_the_next_in_the_same_step()
    {
        await using var mover = await fixture.ConnectAsync();
        await mover.SendAsync("BLMOVE", "chain-src", "chain-dst", "RIGHT", "LEFT", "0");
        await fixture.WaitForBlockedAsync(1);
        await using var popper = await fixture.ConnectAsync();
        await popper.SendAsync("BLPOP", "chain-dst", "0");
        await fixture.WaitForBlockedAsync(2);
        await using var producer = await fixture.ConnectAsync();
        Assert.Equal(":1\r\n", await producer.CallAsync("RPUSH", "chain-src", "hop"));
        Assert.Equal(Bulk("hop"), Encoding.Latin1.GetString(await mover.ReadReplyAsync()));
        Assert.Equal(KeyAndValue("chain-dst", "hop"), Encoding.Latin1.GetString(await popper.ReadReplyAsync()));
        Assert.Equal(":0\r\n", await producer.CallAsync("EXISTS", "chain-src", "chain-dst"));
    }

    [Fact]
    public async Task Twenty_producers_and_twenty_blocked_consumers_exchange_every_element_exactly_once()
    {
        const int Producers = 20, Consumers = 20, PerProducer = 5000, Total = Producers * PerProducer;
        var received = new ConcurrentBag<string>();
        int remaining = Total;
        var consumers = Enumerable.Range(0, Consumers).Select(_ => Task.Run(async () =>
        {
            await using var c = await fixture.ConnectAsync();
            while (Volatile.Read(ref remaining) > 0)
            {
                string reply = await c.CallAsync("BLPOP", "exchange", "0.2");
                if (reply == "*-1\r\n") continue;
                received.Add(reply);
                Interlocked.Decrement(ref remaining);
            }
        })).ToArray();
        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            await using var c = await fixture.ConnectAsync();
            for (int i = 0; i < PerProducer; i++) Assert.StartsWith(":", await c.CallAsync("RPUSH", "exchange", $"{p}:{i}"));
        })).ToArray();
        await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(120));
        await Task.WhenAll(consumers).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(Total, received.Count);
        Assert.Equal(Total, received.Distinct().Count());
        var expected = Enumerable.Range(0, Producers).SelectMany(p => Enumerable.Range(0, PerProducer).Select(i => KeyAndValue("exchange", $"{p}:{i}")));
        Assert.Empty(expected.Except(received));
        await using var check = await fixture.ConnectAsync();
        Assert.Equal(":0\r\n", await check.CallAsync("EXISTS", "exchange"));
    }
}
