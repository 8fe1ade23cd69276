using System.Net.Sockets;
using Spinel.Tests.Infrastructure;

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
}
