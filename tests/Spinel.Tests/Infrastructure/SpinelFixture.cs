using Spinel.Config;
using Spinel.Server;

namespace Spinel.Tests.Infrastructure;

/// <summary>An in-process Spinel on a free loopback port, shared by the tests of one class.</summary>
public sealed class SpinelFixture : IAsyncLifetime
{
    public SpinelServer Server { get; private set; } = null!;

    public int Port => Server.EndPoints[0].Port;

    public static ServerConfig TestConfig(params string[] overrides)
    {
        var args = new List<string> { "--port", "0", "--bind", "127.0.0.1", "--enable-debug-command", "yes", "--loglevel", "warning" };
        args.AddRange(overrides);
        return ConfigLoader.FromCommandLine(args.ToArray());
    }

    public static async Task<SpinelServer> StartAsync(params string[] overrides)
    {
        var server = new SpinelServer(TestConfig(overrides), TextWriter.Null);
        await server.StartAsync();
        return server;
    }

    public async Task InitializeAsync() => Server = await StartAsync();

    public async Task DisposeAsync() => await Server.StopAsync();

    public Task<RawClient> ConnectAsync() => RawClient.ConnectAsync(Port);
}
