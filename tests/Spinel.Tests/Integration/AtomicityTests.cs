using System.Text;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>Multi-key commands are atomic: concurrent readers never see half of one.</summary>
public sealed class AtomicityTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    [Fact]
    public async Task Concurrent_readers_never_see_a_partial_mset()
    {
        // Runs until enough reads were checked (not for a fixed time: a loaded machine may stall the server).
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            await using var c = await fixture.ConnectAsync();
            for (long i = 0; !cts.IsCancellationRequested; i++)
            {
                string v = $"{w}:{i}";
                Assert.Equal("+OK\r\n", await c.CallAsync("MSET", "atomic:a", v, "atomic:b", v, "atomic:c", v));
            }
        })).ToArray();
        int checks = 0;
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await using var c = await fixture.ConnectAsync();
            while (!cts.IsCancellationRequested)
            {
                var reply = await c.CallAsync("MGET", "atomic:a", "atomic:b", "atomic:c");
                var parts = reply.Split("\r\n");
                // *3, then $len/value pairs: the three values must be identical.
                if (parts[1] == "$-1") continue;
                Assert.Equal(parts[2], parts[4]);
                Assert.Equal(parts[2], parts[6]);
                if (Interlocked.Increment(ref checks) > 5000) cts.Cancel();
            }
        })).ToArray();
        await Task.WhenAll(writers.Concat(readers));
        Assert.True(checks > 5000, $"only {checks} reads were checked");
    }

    [Fact]
    public async Task Msetnx_from_racing_clients_sets_all_keys_from_exactly_one()
    {
        for (int round = 0; round < 20; round++)
        {
            string a = $"nx:{round}:a", b = $"nx:{round}:b";
            var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                await using var c = await fixture.ConnectAsync();
                return await c.CallAsync("MSETNX", a, w.ToString(), b, w.ToString());
            })));
            Assert.Equal(1, results.Count(r => r == ":1\r\n"));
            Assert.Equal(7, results.Count(r => r == ":0\r\n"));
            await using var check = await fixture.ConnectAsync();
            var both = (await check.CallAsync("MGET", a, b)).Split("\r\n");
            Assert.Equal(both[2], both[4]);
        }
    }
}
