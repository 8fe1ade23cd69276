using System.Text;
using System.Text.RegularExpressions;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>
/// CLIENT LIST/INFO field values that follow what a connection is doing: its descriptor, a command still arriving
/// (qbuf, argv-mem), a pipeline (qbuf, obl), reply buffer peaks (rbp), and a subscriber that does not read (oll, omem,
/// events). A class of its own: its subscriber must not show up in other tests' CLIENT LIST TYPE pubsub.
/// </summary>
public sealed class ClientListValuesTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    private static long Field(string line, string name) => long.Parse(Text(line, name));

    private static string Text(string line, string name) => Regex.Match(line, $@"(?<![\w-]){name}=(\S*)").Groups[1].Value;

    private static async Task<string> LineOfAsync(RawClient observer, string id) => await observer.CallAsync("CLIENT", "LIST", "ID", id);

    private static async Task<string> IdOfAsync(RawClient client) => (await client.CallAsync("CLIENT", "ID"))[1..^2];

    [SkippableFact]
    public async Task Descriptor_is_the_sockets_own()
    {
        // The server runs in this process, so its descriptors are ours to look at.
        Skip.IfNot(OperatingSystem.IsLinux());
        await using var client = await fixture.ConnectAsync();
        long fd = Field(await client.CallAsync("CLIENT", "INFO"), "fd");
        Assert.True(fd > 2);
        Assert.StartsWith("socket:", new FileInfo($"/proc/self/fd/{fd}").LinkTarget);
    }

    [Fact]
    public async Task Query_buffer_grows_while_a_large_command_arrives_and_counts_its_parsed_arguments()
    {
        await using var observer = await fixture.ConnectAsync();
        await using var writer = await fixture.ConnectAsync();
        string id = await IdOfAsync(writer);
        Assert.Equal(0, Field(await LineOfAsync(observer, id), "qbuf"));

        const string header = "*3\r\n$3\r\nSET\r\n$7\r\nqbuf:k1\r\n$200000\r\n";
        await writer.SendRawAsync(header + new string('x', 50_000));
        long first = await WaitForAsync(observer, id, "qbuf", q => q >= header.Length + 50_000);
        string line = await LineOfAsync(observer, id);
        Assert.Equal("SET".Length + "qbuf:k1".Length, Field(line, "argv-mem")); // the arguments parsed so far
        Assert.True(Field(line, "tot-mem") >= Field(line, "qbuf") + Field(line, "qbuf-free"), line); // the buffer is counted

        await writer.SendRawAsync(new string('x', 100_000));
        Assert.True(await WaitForAsync(observer, id, "qbuf", q => q >= first + 100_000) > first);

        await writer.SendRawAsync(new string('x', 50_000) + "\r\n");
        Assert.Equal("+OK\r\n", Encoding.Latin1.GetString(await writer.ReadReplyAsync()));
        line = await LineOfAsync(observer, id);
        Assert.Equal(0, Field(line, "qbuf"));
        Assert.Equal(0, Field(line, "argv-mem"));
        Assert.Equal("set", Text(line, "cmd"));
    }

    [Fact]
    public async Task A_pipelined_client_info_counts_the_whole_batch_and_the_replies_before_it()
    {
        await using var client = await fixture.ConnectAsync();
        await client.SendRawAsync("*1\r\n$4\r\nPING\r\n*2\r\n$6\r\nCLIENT\r\n$4\r\nINFO\r\n");
        Assert.Equal("+PONG\r\n", Encoding.Latin1.GetString(await client.ReadReplyAsync()));
        string line = Encoding.Latin1.GetString(await client.ReadReplyAsync());
        Assert.Equal(14 + 26, Field(line, "qbuf"));
        Assert.Equal("+PONG\r\n".Length, Field(line, "obl"));
        Assert.Equal("CLIENT".Length + "INFO".Length, Field(line, "argv-mem"));
        Assert.Equal("client|info", Text(line, "cmd"));
        Assert.Equal("r", Text(line, "events"));
    }

    [Fact]
    public async Task Reply_buffer_peak_remembers_a_large_reply()
    {
        await using var client = await fixture.ConnectAsync();
        await client.CallAsync("SET", "rbp:big", new string('v', 30_000));
        await client.CallAsync("GET", "rbp:big");
        string line = await client.CallAsync("CLIENT", "INFO");
        Assert.True(Field(line, "rbp") >= 30_000, line);
        Assert.True(Field(line, "rbs") >= Field(line, "obl"), line);
    }

    [Fact]
    public async Task A_subscriber_that_does_not_read_accumulates_output_in_oll_and_omem()
    {
        await using var observer = await fixture.ConnectAsync();
        await using var subscriber = await fixture.ConnectAsync();
        string id = await IdOfAsync(subscriber);
        await subscriber.CallAsync("SUBSCRIBE", "omem:ch");
        string idle = await LineOfAsync(observer, id);
        Assert.Equal(0, Field(idle, "omem"));
        Assert.Equal(0, Field(idle, "oll"));
        Assert.Equal("r", Text(idle, "events"));

        // The subscriber reads nothing: once the socket buffers are full, messages wait in its outbox.
        var payload = new string('m', 64 * 1024);
        string line = idle;
        for (int i = 0; i < 400 && Field(line, "omem") < 1024 * 1024; i++)
        {
            await observer.CallAsync("PUBLISH", "omem:ch", payload);
            if (i % 10 == 9) line = await LineOfAsync(observer, id);
        }
        Assert.True(Field(line, "omem") >= 1024 * 1024, line);
        Assert.InRange(Field(line, "oll"), 1, 2);
        Assert.Equal("rw", Text(line, "events"));
        Assert.True(Field(line, "tot-mem") >= Field(line, "omem"), line);
        Assert.Equal("P", Text(line, "flags"));
    }

    private static async Task<long> WaitForAsync(RawClient observer, string id, string field, Func<long, bool> done)
    {
        long value = 0;
        for (int i = 0; i < 200; i++)
        {
            value = Field(await LineOfAsync(observer, id), field);
            if (done(value)) return value;
            await Task.Delay(10);
        }
        Assert.Fail($"{field} stayed at {value}");
        return value;
    }
}
