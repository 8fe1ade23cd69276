using Spinel.Commands;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Commands;

/// <summary>
/// COMMAND INFO / DOCS for every command in Spinel's table, compared with redis-server 7.0.15. Iterates
/// the table, so commands added later are covered without new scripts.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class CommandInfoDifferentialTests(DifferentialFixture fixture)
{
    private static readonly string[] HiddenFlags = ["sentinel", "only_sentinel", "protected"];

    [SkippableTheory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task CommandInfoOfEveryTableCommandMatchesRedisByteForByte(int protocol)
    {
        fixture.Oracle.RequireAvailable();
        await using var spinel = await fixture.Spinel.ConnectAsync();
        await using var redis = await fixture.Oracle.ConnectAsync();
        foreach (var client in new[] { spinel, redis }) await client.CallAsync("HELLO", protocol.ToString());

        var differences = new List<string>();
        int compared = 0;
        foreach (var spec in CommandTableMetadataTests.AllSpecs(new CommandTable()))
        {
            var theirs = RespTree.Parse(await Call(redis, "COMMAND", "INFO", spec.FullName)).Items[0];
            if (theirs.Type is '_' or '$') continue; // not in Redis 7.0.15
            var ours = RespTree.Parse(await Call(spinel, "COMMAND", "INFO", spec.FullName)).Items[0];
            compared++;
            if (spec.Subcommands is null)
            {
                if (!ours.Raw.AsSpan().SequenceEqual(theirs.Raw)) differences.Add($"{spec.FullName}:\n   spinel: {ours}\n   redis:  {theirs}");
                continue;
            }
            // A container's subcommands are compared one by one (we may implement only some; Redis orders them by hash).
            for (int i = 0; i < 9; i++)
            {
                if (!ours.Items[i].Raw.AsSpan().SequenceEqual(theirs.Items[i].Raw))
                    differences.Add($"{spec.FullName} field {i + 1}:\n   spinel: {ours.Items[i]}\n   redis:  {theirs.Items[i]}");
            }
        }
        Assert.True(compared > 0);
        Assert.True(differences.Count == 0, $"{differences.Count} of {compared} COMMAND INFO replies differ:\n" + string.Join("\n", differences));
    }

    [SkippableFact]
    public async Task CommandDocsOfEveryTableCommandHasRedisStructure()
    {
        fixture.Oracle.RequireAvailable();
        await using var spinel = await fixture.Spinel.ConnectAsync();
        await using var redis = await fixture.Oracle.ConnectAsync();
        var differences = new List<string>();
        foreach (var spec in CommandTableMetadataTests.AllSpecs(new CommandTable()))
        {
            var theirs = RespTree.Parse(await Call(redis, "COMMAND", "DOCS", spec.FullName));
            if (theirs.Items.Count == 0) continue;
            var ours = RespTree.Parse(await Call(spinel, "COMMAND", "DOCS", spec.FullName));
            if (!ours.Keys().SequenceEqual(theirs.Keys()))
            {
                differences.Add($"{spec.FullName}: names {string.Join(',', ours.Keys())} vs {string.Join(',', theirs.Keys())}");
                continue;
            }
            var ourDoc = ours.Items[1];
            var theirDoc = theirs.Items[1];
            var theirFields = theirDoc.Keys().ToList();
            // Our fields are a subset of Redis's, in Redis's order; the facts (since, group, deprecation) agree.
            var ourFields = ourDoc.Keys().ToList();
            if (!ourFields.SequenceEqual(theirFields.Where(ourFields.Contains)) || ourFields.Except(theirFields).Any())
                differences.Add($"{spec.FullName}: fields {string.Join(',', ourFields)} vs {string.Join(',', theirFields)}");
            foreach (var field in new[] { "since", "group", "doc_flags", "deprecated_since", "replaced_by" })
            {
                if (ourDoc.Field(field)?.ToString() != theirDoc.Field(field)?.ToString())
                    differences.Add($"{spec.FullName}: {field} {ourDoc.Field(field)} vs {theirDoc.Field(field)}");
            }
        }
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    /// <summary>The 7.0-vs-7.2 exception list is true of the oracle: its COMMAND INFO shows the corrected values.</summary>
    [SkippableFact]
    public async Task MetadataExceptionsMatchTheOracle()
    {
        fixture.Oracle.RequireAvailable();
        var dir = CommandTableMetadataTests.MetadataDir();
        Skip.If(dir is null, "shared/redis-commands not found next to the repository");
        await using var redis = await fixture.Oracle.ConnectAsync();
        var wrong = new List<string>();
        foreach (var (name, exception) in CommandTableMetadataTests.Redis70)
        {
            var meta = CommandTableMetadataTests.Load(dir!, name)!.Value;
            var info = RespTree.Parse(await Call(redis, "COMMAND", "INFO", name)).Items[0];
            if (exception.Arity is { } arity && info.Items[1].Text != arity.ToString()) wrong.Add($"{name}: arity {info.Items[1].Text}");
            if (exception.Flags is { } deltas)
            {
                var expected = meta.GetProperty("command_flags").EnumerateArray().Select(f => f.GetString()!.ToLowerInvariant()).ToHashSet();
                foreach (var delta in deltas.Split(' '))
                {
                    if (delta[0] == '+') expected.Add(delta[1..]);
                    else expected.Remove(delta[1..]);
                }
                expected.ExceptWith(HiddenFlags);
                var actual = info.Items[2].Items.Select(i => i.Text).Where(f => f != "movablekeys").ToHashSet();
                if (!actual.SetEquals(expected)) wrong.Add($"{name}: flags {string.Join(' ', actual)}");
            }
            if (exception.Tips is { } tips && !info.Items[7].Items.Select(i => i.Text).SequenceEqual(tips))
                wrong.Add($"{name}: tips {info.Items[7]}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private static async Task<byte[]> Call(RawClient client, params string[] args)
    {
        await client.SendAsync(args);
        return await client.ReadReplyAsync();
    }
}
