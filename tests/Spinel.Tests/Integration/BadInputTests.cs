using System.Text;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>Bad input over real sockets: the server answers or closes, never crashes, never balloons.</summary>
[Collection(MemoryCollection.Name)]
public sealed class BadInputTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    private static readonly string[] Pieces =
    [
        "*", "$", "\r\n", "\n", "3", "-1", "0", "99999999999", "GET", "SET", "PING", "\"", "'", "\\x0", "\0", "+", ":",
        "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n", "INCR k\r\n", " ", "\xff",
    ];

    [Fact]
    public async Task Random_garbage_from_many_clients_leaves_the_server_healthy()
    {
        await using (var setup = await fixture.ConnectAsync())
            Assert.Equal("+OK\r\n", await setup.CallAsync("SET", "fuzz:keep", "safe"));
        long memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var random = new Random(2024);
        for (int client = 0; client < 300; client++)
        {
            await using var c = await fixture.ConnectAsync();
            var sb = new StringBuilder();
            int n = random.Next(1, 40);
            for (int i = 0; i < n; i++) sb.Append(random.Next(5) == 0 ? ((char)random.Next(256)).ToString() : Pieces[random.Next(Pieces.Length)]);
            try
            {
                await c.SendRawAsync(Encoding.Latin1.GetBytes(sb.ToString()));
            }
            catch (IOException)
            {
                // The server may already have closed the connection after a protocol error.
            }
        }
        await using var probe = await fixture.ConnectAsync();
        Assert.Equal("+PONG\r\n", await probe.CallAsync("PING"));
        Assert.Equal("$4\r\nsafe\r\n", await probe.CallAsync("GET", "fuzz:keep"));
        long memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(memoryAfter - memoryBefore < 64L << 20, $"heap grew by {memoryAfter - memoryBefore} bytes");
    }

    [Fact]
    public async Task Wrong_arity_and_unknown_commands_get_errors_and_keep_the_connection()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("-ERR wrong number of arguments for 'get' command\r\n", await c.CallAsync("GET"));
        Assert.Equal("-ERR wrong number of arguments for 'get' command\r\n", await c.CallAsync("get", "a", "b"));
        Assert.StartsWith("-ERR unknown command 'NOPE'", await c.CallAsync("NOPE", "x"));
        Assert.Equal("+PONG\r\n", await c.CallAsync("PING"));
    }

    [Fact]
    public async Task Argument_of_512_megabytes_is_accepted_and_stored_whole()
    {
        var value = new byte[512 << 20];
        value[0] = (byte)'a';
        value[^1] = (byte)'z';
        await using var c = await fixture.ConnectAsync();
        await c.SendStreamingAsync([Encoding.ASCII.GetBytes("SET"), Encoding.ASCII.GetBytes("huge512"), value]);
        Assert.Equal("+OK\r\n", Encoding.ASCII.GetString(await c.ReadReplyAsync(120_000)));
        value = null!;
        lock (fixture.Server.Keyspace.Lock)
        {
            var stored = fixture.Server.Keyspace[0].Peek("huge512"u8);
            Assert.True(Spinel.Storage.Values.TryGetString(stored, out var bytes));
            Assert.Equal(512 << 20, bytes.Length);
            Assert.Equal((byte)'a', bytes[0]);
            Assert.Equal((byte)'z', bytes[^1]);
        }
        Assert.Equal(":1\r\n", await c.CallAsync("DEL", "huge512"));
    }

    [Theory]
    [InlineData("SRANDMEMBER", 1, "-100000000")]
    [InlineData("SRANDMEMBER", 1000, "-600000")]
    [InlineData("HRANDFIELD", 1, "-100000000")]
    [InlineData("HRANDFIELD", 1, "-4611686018427387903")]
    [InlineData("HRANDFIELD", 1000, "-600000")]
    public async Task A_random_reply_past_512_MB_stops_with_an_error_and_keeps_the_connection(string command, int elementSize, string count)
    {
        // Redis 7.0 builds such replies until memory runs out. Spinel refuses a count that cannot fit
        // (1e8 picks of 6+ bytes) at once, and stops one whose elements turn out too big (600,000 x 1 KB).
        await using var c = await fixture.ConnectAsync();
        string key = "badinput:" + command;
        await c.CallAsync("DEL", key);
        string element = new('m', elementSize);
        if (command == "SRANDMEMBER") Assert.Equal(":1\r\n", await c.CallAsync("SADD", key, element));
        else Assert.Equal(":1\r\n", await c.CallAsync("HSET", key, element, "v"));
        await c.SendAsync(command, key, count);
        // Building 512 MB in fresh memory takes seconds on a small VM: a longer wait than usual.
        Assert.Equal("-ERR reply would exceed 512 MB; ask for fewer elements\r\n", Encoding.Latin1.GetString(await c.ReadReplyAsync(60_000)));
        Assert.Equal("+PONG\r\n", await c.CallAsync("PING"));
        // Counts whose reply fits are served in full.
        Assert.StartsWith("*1000\r\n", await c.CallAsync(command, key, "-1000"));
    }
}
