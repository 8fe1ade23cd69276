using System.Diagnostics;

namespace Spinel.Tests.Infrastructure;

/// <summary>Helpers for tests of blocking commands: park clients in a known order and wait for the server to see them.</summary>
public static class BlockedClients
{
    /// <summary>Waits until the server counts <paramref name="count"/> blocked clients.</summary>
    public static async Task WaitForBlockedAsync(this SpinelFixture fixture, int count)
    {
        await using var probe = await fixture.ConnectAsync();
        var watch = Stopwatch.StartNew();
        while (true)
        {
            string info = await probe.CallAsync("INFO", "clients");
            if (info.Contains($"blocked_clients:{count}\r\n")) return;
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"expected {count} blocked clients: {info}");
            await Task.Delay(5);
        }
    }

    /// <summary>Connects <paramref name="count"/> clients that each send <paramref name="command"/> and block, in order.</summary>
    public static async Task<List<RawClient>> BlockClientsAsync(this SpinelFixture fixture, int count, params string[] command)
    {
        var clients = new List<RawClient>();
        for (int i = 0; i < count; i++)
        {
            var c = await fixture.ConnectAsync();
            clients.Add(c);
            await c.SendAsync(command);
            await fixture.WaitForBlockedAsync(i + 1);
        }
        return clients;
    }
}
