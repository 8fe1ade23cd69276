using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>Several servers embedded in one process are fully independent.</summary>
public sealed class EmbeddingTests
{
    [Fact]
    public async Task Two_servers_in_one_process_share_neither_data_nor_command_counters()
    {
        await using var a = await SpinelFixture.StartAsync();
        await using var b = await SpinelFixture.StartAsync();
        await using var ca = await RawClient.ConnectAsync(a.EndPoints[0].Port);
        await using var cb = await RawClient.ConnectAsync(b.EndPoints[0].Port);

        Assert.Equal("+OK\r\n", await ca.CallAsync("SET", "only-in-a", "1"));
        for (int i = 0; i < 5; i++) await ca.CallAsync("GET", "only-in-a");

        Assert.Equal("$-1\r\n", await cb.CallAsync("GET", "only-in-a"));
        var statsA = await ca.CallAsync("INFO", "commandstats");
        var statsB = await cb.CallAsync("INFO", "commandstats");
        Assert.Contains("cmdstat_get:calls=5,", statsA);
        Assert.Contains("cmdstat_get:calls=1,", statsB);
        Assert.DoesNotContain("cmdstat_set:", statsB);
    }

    [Fact]
    public async Task A_second_server_on_a_port_in_use_fails_to_start_instead_of_sharing_it()
    {
        await using var first = await SpinelFixture.StartAsync();
        int port = first.EndPoints[0].Port;
        var config = Spinel.Config.ConfigLoader.FromCommandLine(["--port", port.ToString(), "--bind", "127.0.0.1"]);
        await using var second = new Spinel.Server.SpinelServer(config);
        var error = await Assert.ThrowsAsync<IOException>(second.StartAsync);
        Assert.Contains($"Could not create server TCP listening socket 127.0.0.1:{port}", error.Message);
    }

    [Fact]
    public async Task A_restarted_server_binds_its_port_while_old_connections_linger()
    {
        int port;
        await using (var first = await SpinelFixture.StartAsync())
        {
            port = first.EndPoints[0].Port;
            // A served connection closed by the server leaves a TIME_WAIT socket on the server's port.
            await using var client = await RawClient.ConnectAsync(port);
            Assert.Equal("+OK\r\n", await client.CallAsync("QUIT"));
            await Task.Delay(100);
        }
        var config = Spinel.Config.ConfigLoader.FromCommandLine(["--port", port.ToString(), "--bind", "127.0.0.1"]);
        await using var second = new Spinel.Server.SpinelServer(config);
        await second.StartAsync();
        await using var again = await RawClient.ConnectAsync(port);
        Assert.Equal("+PONG\r\n", await again.CallAsync("PING"));
    }
}
