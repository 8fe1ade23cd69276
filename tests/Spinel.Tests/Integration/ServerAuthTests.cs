using Spinel.Tests.Infrastructure;
using StackExchange.Redis;

namespace Spinel.Tests.Integration;

/// <summary>requirepass: NOAUTH before AUTH, AUTH and HELLO AUTH, changing the password at runtime.</summary>
public sealed class ServerAuthTests
{
    [Fact]
    public async Task Commands_need_auth_when_a_password_is_set()
    {
        await using var server = await SpinelFixture.StartAsync("--requirepass", "s3cret");
        await using var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        Assert.Equal("-NOAUTH Authentication required.\r\n", await client.CallAsync("GET", "k"));
        Assert.Equal("-WRONGPASS invalid username-password pair or user is disabled.\r\n", await client.CallAsync("AUTH", "wrong"));
        Assert.Equal("-NOAUTH Authentication required.\r\n", await client.CallAsync("PING"));
        Assert.Equal("+OK\r\n", await client.CallAsync("AUTH", "s3cret"));
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
        Assert.Equal("+OK\r\n", await client.CallAsync("AUTH", "default", "s3cret"));
    }

    [Fact]
    public async Task Hello_with_auth_authenticates_and_switches_protocol()
    {
        await using var server = await SpinelFixture.StartAsync("--requirepass", "s3cret");
        await using var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        Assert.StartsWith("-NOAUTH HELLO must be called with the client already authenticated", await client.CallAsync("HELLO", "3"));
        Assert.StartsWith("-WRONGPASS", await client.CallAsync("HELLO", "3", "AUTH", "default", "nope"));
        Assert.StartsWith("%7\r\n", await client.CallAsync("HELLO", "3", "AUTH", "default", "s3cret"));
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
    }

    [Fact]
    public async Task Config_set_requirepass_applies_to_new_connections_only()
    {
        await using var server = await SpinelFixture.StartAsync();
        int port = server.EndPoints[0].Port;
        await using var admin = await RawClient.ConnectAsync(port);
        Assert.Equal("+OK\r\n", await admin.CallAsync("CONFIG", "SET", "requirepass", "later"));
        Assert.Equal("+PONG\r\n", await admin.CallAsync("PING"));
        await using var fresh = await RawClient.ConnectAsync(port);
        Assert.Equal("-NOAUTH Authentication required.\r\n", await fresh.CallAsync("PING"));
        Assert.Equal("+OK\r\n", await fresh.CallAsync("AUTH", "later"));
        Assert.Equal("+OK\r\n", await admin.CallAsync("CONFIG", "SET", "requirepass", ""));
        await using var open = await RawClient.ConnectAsync(port);
        Assert.Equal("+PONG\r\n", await open.CallAsync("PING"));
    }

    [Fact]
    public async Task Client_library_connects_with_a_password()
    {
        await using var server = await SpinelFixture.StartAsync("--requirepass", "s3cret");
        using var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.EndPoints[0].Port},password=s3cret");
        var db = mux.GetDatabase();
        db.StringSet("k", "v");
        Assert.Equal("v", (string?)db.StringGet("k"));
    }
}
