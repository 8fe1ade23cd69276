using System.Net;
using System.Net.Sockets;
using Spinel.Networking.Epoll;

namespace Spinel.Tests.Networking;

public sealed class EpollLoopTests
{
    [SkippableFact]
    public async Task A_closed_loop_refuses_new_sockets_instead_of_using_descriptor_numbers_it_gave_back()
    {
        Skip.IfNot(EpollLoop.IsSupported);
        var loop = new EpollLoop("spinel-io-test", () => false, () => 0);
        loop.Dispose();
        Assert.True(SpinWait.SpinUntil(() => loop.Closed, TimeSpan.FromSeconds(5)));
        loop.Dispose(); // a second stop writes no wake-up into whatever now has that number

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        using var accepted = await listener.AcceptSocketAsync();
        Assert.Throws<ObjectDisposedException>(() => new EpollTransport(accepted, loop));
    }
}
