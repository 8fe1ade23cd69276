using System.Net;
using System.Net.Sockets;
using System.Text;
using Spinel.Server;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>
/// Every connection that goes away is forgotten, however it left and whatever it was doing: a server that misses a
/// peer's close keeps the connection and its memory until maxclients is reached.
/// </summary>
public sealed class ConnectionChurnTests
{
    private const int Connections = 3000;

    [Fact]
    public async Task Thousands_of_connections_closed_in_every_state_under_load_leave_no_client_behind()
    {
        var server = await SpinelFixture.StartAsync("--maxclients", "20000");
        try
        {
            await ChurnAsync(server.EndPoints[0].Port, 0, () => Task.FromResult(server.ConnectedClients));
        }
        finally
        {
            await server.StopAsync();
        }
    }

    [Fact]
    public async Task The_executable_forgets_thousands_of_closed_connections_under_load()
    {
        await using var server = await ExternalServer.StartAsync("--maxclients", "20000");
        await using var info = await RawClient.ConnectAsync(server.Port);
        await ChurnAsync(server.Port, 1, () => ConnectedClients(info)); // the one asking
    }

    [Fact]
    public async Task The_dotnet_socket_engine_forgets_thousands_of_closed_connections_under_load()
    {
        await using var server = await ExternalServer.StartWithEnvironmentAsync(null,
            new Dictionary<string, string> { ["SPINEL_SOCKET_ENGINE"] = "dotnet" }, "--maxclients", "20000");
        await using var info = await RawClient.ConnectAsync(server.Port);
        await ChurnAsync(server.Port, 1, () => ConnectedClients(info));
    }

    private static async Task<int> ConnectedClients(RawClient client)
    {
        var text = await client.CallAsync("INFO", "clients");
        return int.Parse(ChangeCounter.InfoField(text, "connected_clients"), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Opens and closes <see cref="Connections"/> clients in many states while others publish, write and flush, then waits
    /// for the server to count only <paramref name="baseline"/> clients again.
    /// </summary>
    private static async Task ChurnAsync(int port, int baseline, Func<Task<int>> connectedClients)
    {
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 2).Select(i => Task.Run(() => LoadAsync(port, i, stop.Token))).ToArray();
        try
        {
            var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (int i = w; i < Connections; i += 8) await OneClientAsync(port, i);
            })).ToArray();
            await Task.WhenAll(workers);
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(load);
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        int now;
        while ((now = await connectedClients()) != baseline && watch.ElapsedMilliseconds < 20_000) await Task.Delay(100);
        Assert.True(now == baseline, $"{now - baseline} of {Connections} closed connections are still counted after 20 s");
    }

    /// <summary>Writes, publishes and flushes, so closes race with deliveries, invalidations and wake-ups.</summary>
    private static async Task LoadAsync(int port, int id, CancellationToken stop)
    {
        await using var c = await RawClient.ConnectAsync(port);
        for (long i = 0; !stop.IsCancellationRequested; i++)
        {
            await c.CallAsync("SET", "churn:k" + (i % 16), "v");
            await c.CallAsync("PUBLISH", "churn:ch", "m");
            await c.CallAsync("LPUSH", "churn:list", "x");
            if (id == 0 && i % 200 == 0) await c.CallAsync("FLUSHALL");
        }
    }

    private static byte[] Command(params string[] args) => RawClient.Encode(RawClient.Args(args));

    private static byte[] Commands(params byte[][] commands) => commands.SelectMany(c => c).ToArray();

    /// <summary>One client: connects, gets into one of several states, and goes, politely or not.</summary>
    private static async Task OneClientAsync(int port, int i)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync(IPAddress.Loopback, port);
        var buffer = new byte[4096];
        switch (i % 10)
        {
            case 0: // a request and its reply
                await s.SendAsync(Command("PING"));
                await s.ReceiveAsync(buffer);
                break;
            case 1: // a subscriber that keeps receiving messages it never reads
                await s.SendAsync(Command("SUBSCRIBE", "churn:ch"));
                await s.ReceiveAsync(buffer);
                await Task.Delay(i % 7);
                break;
            case 2: // a RESP3 tracking client, with invalidations on their way
                await s.SendAsync(Command("HELLO", "3"));
                await s.ReceiveAsync(buffer);
                await s.SendAsync(Commands(Command("CLIENT", "TRACKING", "ON"), Command("GET", "churn:k" + (i % 16))));
                await Task.Delay(i % 5);
                break;
            case 3: // blocked in BLPOP
                await s.SendAsync(Command("BLPOP", "churn:nothing" + i, "0"));
                await Task.Delay(i % 3);
                break;
            case 4: // half a command
                await s.SendAsync(Encoding.ASCII.GetBytes("*3\r\n$3\r\nSET\r\n$5\r\nchur"));
                break;
            case 5: // a pipeline whose replies are never read: the close resets the connection
                await s.SendAsync(Enumerable.Repeat(Command("GET", "churn:k1"), 200).SelectMany(b => b).ToArray());
                break;
            case 6: // inside a transaction, watching a key the load writes
                await s.SendAsync(Commands(Command("WATCH", "churn:k2"), Command("MULTI"), Command("SET", "churn:mine", "1")));
                await Task.Delay(i % 3);
                break;
            case 7: // an abortive close (RST) right after a request
                s.LingerState = new LingerOption(true, 0);
                await s.SendAsync(Command("LRANGE", "churn:list", "0", "-1"));
                break;
            case 8: // half-closed: sends, shuts its side, reads the reply, then goes
                await s.SendAsync(Command("ECHO", "bye"));
                s.Shutdown(SocketShutdown.Send);
                await s.ReceiveAsync(buffer);
                break;
            case 9: // a pattern subscriber in RESP3 that publishes to itself
                await s.SendAsync(Commands(Command("HELLO", "3"), Command("PSUBSCRIBE", "churn:*"), Command("PUBLISH", "churn:ch", "self")));
                await Task.Delay(i % 4);
                break;
        }
        s.Close();
    }
}
