using System.Text.RegularExpressions;
using Spinel.Tests.Infrastructure;
using StackExchange.Redis;

namespace Spinel.Tests.Integration;

public sealed class ClientCommandsTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    private const string LineFormat =
        @"^id=\d+ addr=\S+ laddr=\S+ fd=\d+ name=\S* age=\d+ idle=\d+ flags=\S+ db=\d+ sub=\d+ psub=\d+ ssub=\d+ multi=-?\d+ qbuf=\d+ qbuf-free=\d+ argv-mem=\d+ multi-mem=\d+ rbs=\d+ rbp=\d+ obl=\d+ oll=\d+ omem=\d+ tot-mem=\d+ events=\S+ cmd=\S+ user=\S+ redir=-?\d+ resp=[23]$";

    private static string Body(string bulk) => bulk[(bulk.IndexOf('\n') + 1)..^2];

    [Fact]
    public async Task Client_list_shows_every_client_with_redis_field_order()
    {
        await using var a = await fixture.ConnectAsync();
        await using var b = await fixture.ConnectAsync();
        await b.CallAsync("CLIENT", "SETNAME", "bee");
        await b.CallAsync("SELECT", "3");
        var lines = Body(await a.CallAsync("CLIENT", "LIST")).TrimEnd('\n').Split('\n');
        Assert.All(lines, l => Assert.Matches(LineFormat, l));
        var bee = Assert.Single(lines, l => l.Contains(" name=bee "));
        Assert.Contains(" db=3 ", bee);
        Assert.Contains(" cmd=select ", bee);
        Assert.Contains(lines, l => l.Contains(" cmd=client|list "));
    }

    [Fact]
    public async Task Client_list_filters_by_id_and_type()
    {
        await using var a = await fixture.ConnectAsync();
        await using var b = await fixture.ConnectAsync();
        var idA = (await a.CallAsync("CLIENT", "ID"))[1..^2];
        var idB = (await b.CallAsync("CLIENT", "ID"))[1..^2];
        var lines = Body(await a.CallAsync("CLIENT", "LIST", "ID", idB, idA, "999999")).TrimEnd('\n').Split('\n');
        Assert.Equal([$"id={idA}", $"id={idB}"], lines.Select(l => l.Split(' ')[0]));
        Assert.Equal("$0\r\n\r\n", await a.CallAsync("CLIENT", "LIST", "TYPE", "pubsub"));
        Assert.Contains($"id={idA} ", await a.CallAsync("CLIENT", "LIST", "TYPE", "normal"));
    }

    [Fact]
    public async Task Client_info_describes_only_the_caller()
    {
        await using var a = await fixture.ConnectAsync();
        var id = (await a.CallAsync("CLIENT", "ID"))[1..^2];
        var line = Body(await a.CallAsync("CLIENT", "INFO"));
        Assert.EndsWith("\n", line);
        Assert.Matches(LineFormat, line.TrimEnd('\n'));
        Assert.StartsWith($"id={id} ", line);
    }

    [Fact]
    public async Task Client_kill_by_address_closes_that_connection()
    {
        await using var killer = await fixture.ConnectAsync();
        await using var victim = await fixture.ConnectAsync();
        var victimId = (await victim.CallAsync("CLIENT", "ID"))[1..^2];
        var line = Body(await killer.CallAsync("CLIENT", "LIST", "ID", victimId));
        var addr = Regex.Match(line, @"addr=(\S+)").Groups[1].Value;
        Assert.Equal("+OK\r\n", await killer.CallAsync("CLIENT", "KILL", addr));
        Assert.True(await victim.IsClosedAsync());
        // The closed connection leaves the registry as soon as its loop ends.
        string again = "";
        for (int i = 0; i < 100 && again != "-ERR No such client\r\n"; i++)
        {
            await Task.Delay(10);
            again = await killer.CallAsync("CLIENT", "KILL", addr);
        }
        Assert.Equal("-ERR No such client\r\n", again);
    }

    [Fact]
    public async Task Client_kill_filters_count_matches_and_skip_the_caller_by_default()
    {
        await using var killer = await fixture.ConnectAsync();
        await using var victim = await fixture.ConnectAsync();
        var victimId = (await victim.CallAsync("CLIENT", "ID"))[1..^2];
        var killerId = (await killer.CallAsync("CLIENT", "ID"))[1..^2];
        Assert.Equal(":0\r\n", await killer.CallAsync("CLIENT", "KILL", "ID", killerId));
        Assert.Equal(":1\r\n", await killer.CallAsync("CLIENT", "KILL", "ID", victimId, "USER", "default", "TYPE", "normal"));
        Assert.True(await victim.IsClosedAsync());
    }

    [Fact]
    public async Task Client_kill_of_itself_replies_then_closes()
    {
        await using var self = await fixture.ConnectAsync();
        var id = (await self.CallAsync("CLIENT", "ID"))[1..^2];
        Assert.Equal(":1\r\n", await self.CallAsync("CLIENT", "KILL", "ID", id, "SKIPME", "no"));
        Assert.True(await self.IsClosedAsync());
    }

    [Fact]
    public async Task Client_list_and_kill_through_the_client_library()
    {
        using var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fixture.Port},allowAdmin=true,name=se-test");
        var server = mux.GetServer("127.0.0.1", fixture.Port);
        var clients = server.ClientList();
        Assert.Contains(clients, c => c.Name == "se-test");
        await using var victim = await fixture.ConnectAsync();
        await victim.CallAsync("CLIENT", "SETNAME", "victim");
        var target = server.ClientList().Single(c => c.Name == "victim");
        Assert.Equal(1, server.ClientKill(id: target.Id));
        Assert.True(await victim.IsClosedAsync());
    }
}
