using System.Text;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

[Collection(MemoryCollection.Name)]
public sealed class ConnectionTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    [Fact]
    public async Task Deep_pipeline_gets_every_reply_in_order()
    {
        await using var c = await fixture.ConnectAsync();
        var batch = new MemoryStream();
        const int n = 20000;
        for (int i = 0; i < n; i++) batch.Write(RawClient.Encode(RawClient.Args("SET", "pipe:" + i, "v" + i)));
        for (int i = 0; i < n; i++) batch.Write(RawClient.Encode(RawClient.Args("GET", "pipe:" + i)));
        await c.SendRawAsync(batch.ToArray());
        for (int i = 0; i < n; i++) Assert.Equal("+OK\r\n", Encoding.ASCII.GetString(await c.ReadReplyAsync()));
        for (int i = 0; i < n; i++)
        {
            string v = "v" + i;
            Assert.Equal($"${v.Length}\r\n{v}\r\n", Encoding.ASCII.GetString(await c.ReadReplyAsync()));
        }
    }

    [Fact]
    public async Task Keys_and_values_are_binary_safe()
    {
        await using var c = await fixture.ConnectAsync();
        byte[] key = [0, 13, 10, 255, (byte)'k'];
        byte[] value = [13, 10, 0, 0, (byte)'$', (byte)'*', 200];
        Assert.Equal("+OK\r\n", await c.CallAsync([Encoding.ASCII.GetBytes("SET"), key, value]));
        var reply = await c.CallAsync([Encoding.ASCII.GetBytes("GET"), key]);
        Assert.Equal("$7\r\n" + Encoding.Latin1.GetString(value) + "\r\n", reply);
    }

    [Fact]
    public async Task Inline_commands_work_like_telnet()
    {
        await using var c = await fixture.ConnectAsync();
        await c.SendRawAsync("SET inline \"hello world\"\r\nGET inline\r\n");
        Assert.Equal("+OK\r\n", Encoding.ASCII.GetString(await c.ReadReplyAsync()));
        Assert.Equal("$11\r\nhello world\r\n", Encoding.ASCII.GetString(await c.ReadReplyAsync()));
    }

    [Fact]
    public async Task Protocol_error_replies_then_closes_after_running_earlier_commands()
    {
        await using var c = await fixture.ConnectAsync();
        await c.SendRawAsync("*3\r\n$3\r\nSET\r\n$5\r\nperr1\r\n$1\r\nx\r\n*1\r\n+bad\r\n");
        Assert.Equal("+OK\r\n", Encoding.ASCII.GetString(await c.ReadReplyAsync()));
        Assert.Equal("-ERR Protocol error: expected '$', got '+'\r\n", Encoding.ASCII.GetString(await c.ReadReplyAsync()));
        Assert.True(await c.IsClosedAsync());
        await using var other = await fixture.ConnectAsync();
        Assert.Equal("$1\r\nx\r\n", await other.CallAsync("GET", "perr1"));
    }

    [Fact]
    public async Task Huge_declared_count_without_data_does_not_allocate_or_block_others()
    {
        await using var c = await fixture.ConnectAsync();
        string id = (await c.CallAsync("CLIENT", "ID"))[1..^2];
        await c.SendRawAsync("*2000000000\r\n$500000000\r\n"); // within proto-max-bulk-len: the server waits for the data
        await Task.Delay(200);
        await using var other = await fixture.ConnectAsync();
        Assert.Equal("+PONG\r\n", await other.CallAsync("PING"));
        // The connection's own memory, as CLIENT LIST reports it: what was declared is not reserved.
        string line = (await other.CallAsync("CLIENT", "LIST", "ID", id)).Split('\n')[1];
        long queryBuffer = Field(line, "qbuf") + Field(line, "qbuf-free");
        Assert.True(queryBuffer <= 64 * 1024, line);
        Assert.True(Field(line, "tot-mem") <= 64 * 1024, line);
    }

    private static long Field(string clientLine, string name) =>
        long.Parse(clientLine.Split(' ').First(f => f.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..]);

    [Fact]
    public async Task Bulk_length_above_proto_max_bulk_len_is_a_protocol_error()
    {
        await using var c = await fixture.ConnectAsync();
        await c.SendRawAsync("*2\r\n$3\r\nGET\r\n$536870913\r\n");
        Assert.Equal("-ERR Protocol error: invalid bulk length\r\n", Encoding.ASCII.GetString(await c.ReadReplyAsync()));
        Assert.True(await c.IsClosedAsync());
    }

    [Fact]
    public async Task Client_disconnecting_mid_command_leaves_no_trace()
    {
        await using (var c = await fixture.ConnectAsync())
        {
            await c.SendRawAsync("*3\r\n$3\r\nSET\r\n$6\r\nhalfk1\r\n$10\r\nabc");
        }
        await using var other = await fixture.ConnectAsync();
        Assert.Equal("$-1\r\n", await other.CallAsync("GET", "halfk1"));
    }

    [Fact]
    public async Task Quit_replies_ok_and_closes()
    {
        await using var c = await fixture.ConnectAsync();
        await c.SendRawAsync("QUIT\r\nPING\r\n");
        Assert.Equal("+OK\r\n", Encoding.ASCII.GetString(await c.ReadReplyAsync()));
        Assert.True(await c.IsClosedAsync());
    }

    [Fact]
    public async Task Stalled_reader_does_not_stall_other_clients()
    {
        await using var setup = await fixture.ConnectAsync();
        var big = new string('x', 1 << 20);
        Assert.Equal("+OK\r\n", await setup.CallAsync("SET", "stall:big", big));

        // This client asks for ~2 GB of replies and never reads them.
        await using var stalled = await fixture.ConnectAsync();
        var requests = new MemoryStream();
        for (int i = 0; i < 2000; i++) requests.Write(RawClient.Encode(RawClient.Args("GET", "stall:big")));
        _ = stalled.SendRawAsync(requests.ToArray());
        await Task.Delay(300);

        await using var other = await fixture.ConnectAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 100; i++) Assert.Equal("+OK\r\n", await other.CallAsync("SET", "stall:k", "v"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"100 commands took {watch.Elapsed}");
    }

    [Fact]
    public async Task Argument_of_64_megabytes_round_trips()
    {
        var value = new byte[64 << 20];
        new Random(1).NextBytes(value);
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CallAsync([Encoding.ASCII.GetBytes("SET"), Encoding.ASCII.GetBytes("big64"), value]));
        await c.SendAsync("GET", "big64");
        var reply = await c.ReadReplyAsync(60000);
        var header = Encoding.ASCII.GetBytes($"${value.Length}\r\n");
        Assert.True(reply.AsSpan(0, header.Length).SequenceEqual(header));
        Assert.True(reply.AsSpan(header.Length, value.Length).SequenceEqual(value));
        Assert.Equal(1, await DelAsync(c, "big64"));
    }

    private static async Task<long> DelAsync(RawClient c, string key)
    {
        var reply = await c.CallAsync("DEL", key);
        return long.Parse(reply[1..^2]);
    }
}
