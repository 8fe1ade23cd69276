using System.Text;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>Invalidations redirected to a RESP3 client that never subscribed, while its own replies are in flight.</summary>
public sealed class ClientTrackingRedirectTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    [Fact]
    public async Task A_resp3_redirect_target_gets_whole_pushes_between_whole_replies_while_its_socket_is_full()
    {
        await using var target = await fixture.ConnectAsync();
        await target.CallAsync("HELLO", "3");
        string id = (await target.CallAsync("CLIENT", "ID"))[1..^2];
        await using var tracker = await fixture.ConnectAsync();
        await tracker.CallAsync("CLIENT", "TRACKING", "ON", "REDIRECT", id);
        await using var writer = await fixture.ConnectAsync();
        var big = new string('v', 64 * 1024);
        await writer.CallAsync("SET", "big", big);

        // The target asks for far more than its socket holds and reads nothing yet: its sends wait for room while
        // the invalidations for it arrive.
        const int rounds = 300;
        var gets = new MemoryStream();
        for (int i = 0; i < rounds; i++) gets.Write(RawClient.Encode(RawClient.Args("GET", "big")));
        await target.SendRawAsync(gets.ToArray());
        for (int i = 0; i < rounds; i++)
        {
            await tracker.CallAsync("GET", $"k{i}");
            await writer.CallAsync("SET", $"k{i}", "x");
        }

        int replies = 0, pushes = 0;
        while (replies < rounds || pushes < rounds)
        {
            string frame = Encoding.Latin1.GetString(await target.ReadReplyAsync());
            if (frame.StartsWith('>'))
            {
                Assert.Equal($">2\r\n$10\r\ninvalidate\r\n*1\r\n${$"k{pushes}".Length}\r\nk{pushes}\r\n", frame);
                pushes++;
            }
            else
            {
                Assert.Equal($"${big.Length}\r\n{big}\r\n", frame);
                replies++;
            }
        }
        Assert.Equal("+PONG\r\n", await target.CallAsync("PING"));
    }
}
