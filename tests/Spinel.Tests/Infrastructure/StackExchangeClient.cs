using StackExchange.Redis;

namespace Spinel.Tests.Infrastructure;

/// <summary>How the StackExchange.Redis tests connect: fail fast when the server is not there, admin commands allowed.</summary>
public static class StackExchangeClient
{
    public static Task<ConnectionMultiplexer> ConnectAsync(int port, RedisProtocol protocol = RedisProtocol.Resp2)
    {
        var options = ConfigurationOptions.Parse($"127.0.0.1:{port}");
        options.Protocol = protocol;
        options.AbortOnConnectFail = true;
        options.AllowAdmin = true;
        options.ConnectTimeout = 5000;
        // Generous: these tests share a loaded machine, and a slow reply is not what they test.
        options.AsyncTimeout = options.SyncTimeout = 30000;
        return ConnectionMultiplexer.ConnectAsync(options);
    }
}
