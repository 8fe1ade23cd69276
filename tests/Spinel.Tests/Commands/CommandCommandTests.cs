using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Commands;

/// <summary>COMMAND replies that cannot be compared with Redis directly, because they list the whole table.</summary>
public sealed class CommandCommandTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    private async Task<RespTree> Call(params string[] args)
    {
        await using var client = await fixture.ConnectAsync();
        await client.SendAsync(args);
        return RespTree.Parse(await client.ReadReplyAsync());
    }

    private IEnumerable<string> FullNames() =>
        CommandTableMetadataTests.AllSpecs(fixture.Server.Commands).Select(s => s.FullName);

    [Fact]
    public async Task CommandCountIsTheNumberOfTopLevelCommands() =>
        Assert.Equal(fixture.Server.Commands.Count.ToString(), (await Call("COMMAND", "COUNT")).Text);

    [Fact]
    public async Task CommandAndCommandInfoWithoutNamesDescribeEveryTopLevelCommand()
    {
        var all = await Call("COMMAND");
        var info = await Call("COMMAND", "INFO");
        Assert.Equal(fixture.Server.Commands.All.Select(s => s.Name).Order(), all.Items.Select(i => i.Items[0].Text).Order());
        Assert.Equal(all.Raw, info.Raw);
        var command = all.Items.Single(i => i.Items[0].Text == "command");
        Assert.Contains(command.Items[9].Items, sub => sub.Items[0].Text == "command|getkeys");
    }

    [Fact]
    public async Task CommandListNamesEveryCommandAndSubcommand() =>
        Assert.Equal(FullNames().Order(), (await Call("COMMAND", "LIST")).Items.Select(i => i.Text).Order());

    [Fact]
    public async Task CommandListFiltersByAclCategoryIncludingImpliedOnes()
    {
        var read = (await Call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "READ")).Items.Select(i => i.Text).ToList();
        Assert.Contains("get", read);
        Assert.DoesNotContain("set", read);
        var slow = (await Call("COMMAND", "LIST", "FILTERBY", "aclcat", "slow")).Items.Select(i => i.Text).ToList();
        Assert.Contains("command|info", slow);
        Assert.DoesNotContain("get", slow);
    }

    [Fact]
    public async Task CommandDocsWithoutNamesDocumentsEveryTopLevelCommandWithNestedSubcommands()
    {
        var docs = await Call("COMMAND", "DOCS");
        Assert.Equal(fixture.Server.Commands.All.Select(s => s.Name).Order(), docs.Keys().Order());
        var command = docs.Field("command")!;
        Assert.Equal("server", command.Field("group")!.Text);
        Assert.Equal("2.8.13", command.Field("since")!.Text);
        Assert.NotNull(command.Field("subcommands")!.Field("command|docs"));
    }

    [Fact]
    public async Task CommandDocsSkipsUnknownNamesAndAcceptsSubcommandNames()
    {
        var docs = await Call("COMMAND", "DOCS", "nosuch", "COMMAND|INFO");
        Assert.Equal(["command|info"], docs.Keys());
        Assert.Equal("7.0.0", (await Call("COMMAND", "DOCS", "command|list")).Field("command|list")!.Field("since")!.Text);
    }
}
