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
}
