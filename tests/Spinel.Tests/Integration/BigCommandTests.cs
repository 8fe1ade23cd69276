using System.Runtime.CompilerServices;
using System.Text;
using Spinel.Server;
using Spinel.Storage;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>
/// Commands with one huge argument or very many arguments: a big argument is received into an array of its own
/// (see RequestParser) that becomes the stored value, and nothing keeps it alive once its key is gone.
/// </summary>
public sealed class BigCommandTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    private SpinelServer Server => fixture.Server;

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Bulk(byte[] value) => [.. Encoding.ASCII.GetBytes($"${value.Length}\r\n"), .. value, .. "\r\n"u8];

    [Fact]
    public async Task A_big_value_is_stored_as_sent_and_not_kept_alive_by_the_connection_after_its_key_is_deleted()
    {
        await using var writer = await fixture.ConnectAsync();
        await using var other = await fixture.ConnectAsync();
        var value = RandomBytes(3 * 1024 * 1024, 1);
        await writer.SendStreamingAsync([.. RawClient.Args("SET", "big:stored"), value]);
        Assert.Equal("+OK\r\n", Encoding.ASCII.GetString(await writer.ReadReplyAsync()));
        Assert.Equal(Bulk(value), await other.ReadReplyAfter("GET", "big:stored"));

        var stored = WeakReferenceToValue("big:stored");
        // Deleted by another client: the writer stays idle, holding whatever its last request left behind.
        Assert.Equal(":1\r\n", await other.CallAsync("DEL", "big:stored"));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(stored.IsAlive);
        Assert.Equal("+PONG\r\n", await writer.CallAsync("PING"));
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // no local of the caller may keep the value alive
    private WeakReference WeakReferenceToValue(string key)
    {
        lock (Server.Keyspace.Lock) return new WeakReference(Server.Keyspace[0].Get(Encoding.ASCII.GetBytes(key)));
    }

    [Fact]
    public async Task Commands_pipelined_around_a_big_argument_keep_their_order_and_bytes()
    {
        await using var client = await fixture.ConnectAsync();
        var first = RandomBytes(200_000, 2);
        var second = RandomBytes(100_000, 3);
        // SET behind a PING (its big argument cannot leave the buffer), then MSET with two, then GETs, in one write.
        byte[] stream =
        [
            .. RawClient.Encode(RawClient.Args("PING")),
            .. RawClient.Encode([.. RawClient.Args("SET", "big:a"), first]),
            .. RawClient.Encode([.. RawClient.Args("MSET", "big:b"), second, .. RawClient.Args("big:c"), first]),
            .. RawClient.Encode(RawClient.Args("GET", "big:a")),
            .. RawClient.Encode(RawClient.Args("GET", "big:b")),
            .. RawClient.Encode(RawClient.Args("GET", "big:c")),
        ];
        await client.SendRawAsync(stream);
        Assert.Equal("+PONG\r\n", Encoding.ASCII.GetString(await client.ReadReplyAsync()));
        Assert.Equal("+OK\r\n", Encoding.ASCII.GetString(await client.ReadReplyAsync()));
        Assert.Equal("+OK\r\n", Encoding.ASCII.GetString(await client.ReadReplyAsync()));
        Assert.Equal(Bulk(first), await client.ReadReplyAsync());
        Assert.Equal(Bulk(second), await client.ReadReplyAsync());
        Assert.Equal(Bulk(first), await client.ReadReplyAsync());
        await client.CallAsync("DEL", "big:a", "big:b", "big:c");
    }

    [Fact]
    public async Task A_queued_command_with_a_big_argument_runs_with_its_bytes_at_exec()
    {
        await using var client = await fixture.ConnectAsync();
        var value = RandomBytes(150_000, 4);
        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        await client.SendStreamingAsync([.. RawClient.Args("SET", "big:queued"), value]);
        Assert.Equal("+QUEUED\r\n", Encoding.ASCII.GetString(await client.ReadReplyAsync()));
        Assert.Equal("*1\r\n+OK\r\n", await client.CallAsync("EXEC"));
        Assert.Equal(Bulk(value), await client.ReadReplyAfter("GET", "big:queued"));
        await client.CallAsync("DEL", "big:queued");
    }

    [Fact]
    public async Task A_function_called_with_a_big_argument_gets_its_bytes_when_it_moves_to_the_thread_pool()
    {
        await using var client = await fixture.ConnectAsync();
        // A function that keeps state starts on the thread pool: the command is parsed again there, from its input,
        // which must then hold the big argument again.
        await client.CallAsync("FUNCTION", "LOAD", "REPLACE", "#!lua name=bigecho\nlocal calls = 0\nredis.register_function('bigecho', function(keys, args) calls = calls + 1 return args[1] end)");
        var value = RandomBytes(120_000, 5);
        await client.SendRawAsync([.. RawClient.Encode([.. RawClient.Args("FCALL", "bigecho", "0"), value]), .. RawClient.Encode(RawClient.Args("PING"))]);
        Assert.Equal(Bulk(value), await client.ReadReplyAsync());
        Assert.Equal("+PONG\r\n", Encoding.ASCII.GetString(await client.ReadReplyAsync()));
        await client.CallAsync("FUNCTION", "DELETE", "bigecho");
    }

    [Fact]
    public async Task A_command_of_300k_arguments_is_executed_whole()
    {
        await using var client = await fixture.ConnectAsync();
        var args = new List<byte[]>(RawClient.Args("RPUSH", "big:list"));
        for (int i = 0; i < 300_000; i++) args.Add(Encoding.ASCII.GetBytes("e" + i));
        Assert.Equal(":300000\r\n", await client.CallAsync(args));
        Assert.Equal("$2\r\ne0\r\n", await client.CallAsync("LINDEX", "big:list", "0"));
        Assert.Equal("$7\r\ne299999\r\n", await client.CallAsync("LINDEX", "big:list", "-1"));
        await client.CallAsync("DEL", "big:list");
    }

    [Fact]
    public void Deleted_overwritten_and_flushed_values_count_towards_the_memory_worth_handing_back()
    {
        var keyspace = new Keyspace(1);
        var db = keyspace[0];
        db.Set("a"u8, new byte[1_000_000]);
        db.Set("b"u8, new byte[500]);
        long before = keyspace.RemovedValueBytes;
        db.Set("a"u8, new byte[10]);
        Assert.Equal(1_000_000, keyspace.RemovedValueBytes - before);
        db.Delete("b"u8); // small: left to the collections that allocation triggers anyway
        Assert.Equal(1_000_000, keyspace.RemovedValueBytes - before);
        db.Clear();
        Assert.Equal(1_000_000 + Keyspace.FlushedValueBytes, keyspace.RemovedValueBytes - before);
    }
}

internal static class RawClientBigCommandExtensions
{
    public static async Task<byte[]> ReadReplyAfter(this RawClient client, params string[] args)
    {
        await client.SendAsync(args);
        return await client.ReadReplyAsync();
    }
}
