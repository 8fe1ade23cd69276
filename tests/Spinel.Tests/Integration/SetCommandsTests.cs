using StackExchange.Redis;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>Set commands through StackExchange.Redis, and the random commands checked by their properties.</summary>
public sealed class SetCommandsTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    private async Task<IDatabase> ConnectAsync()
    {
        var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fixture.Port},allowAdmin=true");
        return mux.GetDatabase();
    }

    private static RedisValue[] Range(int from, int count, string prefix = "") =>
        Enumerable.Range(from, count).Select(i => (RedisValue)(prefix + i)).ToArray();

    [Fact]
    public async Task Add_members_contains_and_combine_work_through_stackexchange()
    {
        var db = await ConnectAsync();
        await db.KeyDeleteAsync(["se:a", "se:b", "se:d"]);
        Assert.Equal(3, await db.SetAddAsync("se:a", ["x", "y", "z"]));
        Assert.Equal(2, await db.SetAddAsync("se:b", ["y", "w"]));
        Assert.True(await db.SetContainsAsync("se:a", "x"));
        Assert.False(await db.SetContainsAsync("se:a", "w"));
        Assert.Equal(["x", "y", "z"], (await db.SetMembersAsync("se:a")).Select(v => (string)v!).Order());
        Assert.Equal(["y"], (await db.SetCombineAsync(SetOperation.Intersect, "se:a", "se:b")).Select(v => (string)v!));
        Assert.Equal(["w", "x", "y", "z"], (await db.SetCombineAsync(SetOperation.Union, "se:a", "se:b")).Select(v => (string)v!).Order());
        Assert.Equal(["x", "z"], (await db.SetCombineAsync(SetOperation.Difference, "se:a", "se:b")).Select(v => (string)v!).Order());
        Assert.Equal(2, await db.SetCombineAndStoreAsync(SetOperation.Difference, "se:d", "se:a", "se:b"));
        Assert.Equal(2, await db.SetLengthAsync("se:d"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    public async Task Sscan_over_5000_members_returns_every_member(string prefix)
    {
        var db = await ConnectAsync();
        string key = "se:scan" + prefix;
        await db.KeyDeleteAsync(key);
        await db.SetAddAsync(key, Range(0, 5000, prefix));
        var seen = new HashSet<string>();
        await foreach (var member in db.SetScanAsync(key, pageSize: 100)) seen.Add((string)member!);
        Assert.Equal(5000, seen.Count);
        Assert.Equal(Range(0, 5000, prefix).Select(v => (string)v!).ToHashSet(), seen);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    public async Task Spop_with_count_returns_distinct_members_and_removes_them(string prefix)
    {
        var db = await ConnectAsync();
        string key = "se:pop" + prefix;
        await db.KeyDeleteAsync(key);
        var all = Range(0, 100, prefix).Select(v => (string)v!).ToHashSet();
        await db.SetAddAsync(key, Range(0, 100, prefix));
        var popped = (await db.SetPopAsync(key, 30)).Select(v => (string)v!).ToList();
        Assert.Equal(30, popped.Count);
        Assert.Equal(30, popped.Distinct().Count());
        Assert.All(popped, m => Assert.Contains(m, all));
        Assert.Equal(70, await db.SetLengthAsync(key));
        foreach (var m in popped) Assert.False(await db.SetContainsAsync(key, m));
        var one = (string)(await db.SetPopAsync(key))!;
        Assert.Contains(one, all);
        Assert.DoesNotContain(one, popped);
        Assert.Equal(69, (await db.SetPopAsync(key, 1000)).Length);
        Assert.False(await db.KeyExistsAsync(key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    public async Task Srandmember_counts_follow_redis_rules(string prefix)
    {
        var db = await ConnectAsync();
        string key = "se:rand" + prefix;
        await db.KeyDeleteAsync(key);
        var all = Range(0, 50, prefix).Select(v => (string)v!).ToHashSet();
        await db.SetAddAsync(key, Range(0, 50, prefix));

        var distinct = (await db.SetRandomMembersAsync(key, 20)).Select(v => (string)v!).ToList();
        Assert.Equal(20, distinct.Count);
        Assert.Equal(20, distinct.Distinct().Count());
        Assert.All(distinct, m => Assert.Contains(m, all));

        var whole = (await db.SetRandomMembersAsync(key, 500)).Select(v => (string)v!).ToHashSet();
        Assert.Equal(all, whole);

        var repeats = (await db.SetRandomMembersAsync(key, -200)).Select(v => (string)v!).ToList();
        Assert.Equal(200, repeats.Count);
        Assert.All(repeats, m => Assert.Contains(m, all));
        Assert.True(repeats.Distinct().Count() < 200, "200 picks from 50 members must repeat");

        Assert.Contains((string)(await db.SetRandomMemberAsync(key))!, all);
        Assert.Equal(50, await db.SetLengthAsync(key));
    }

    [Fact]
    public async Task Smove_moves_a_member_and_deletes_the_emptied_source()
    {
        var db = await ConnectAsync();
        await db.KeyDeleteAsync(["se:src", "se:dst"]);
        await db.SetAddAsync("se:src", "only");
        Assert.True(await db.SetMoveAsync("se:src", "se:dst", "only"));
        Assert.False(await db.KeyExistsAsync("se:src"));
        Assert.True(await db.SetContainsAsync("se:dst", "only"));
        Assert.False(await db.SetMoveAsync("se:src", "se:dst", "only"));
    }
}

/// <summary>SSCAN's guarantee: members present for the whole scan come back even while the set grows and shrinks.</summary>
public sealed class SetScanGuaranteeTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    [Fact]
    public async Task Sscan_returns_every_member_that_stayed_while_the_set_grows_and_shrinks()
    {
        await using var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fixture.Port}");
        var db = mux.GetDatabase();
        const string key = "se:guarantee";
        await db.KeyDeleteAsync(key);
        await db.SetAddAsync(key, Enumerable.Range(0, 2000).Select(i => (RedisValue)("k" + i)).ToArray());
        var seen = new HashSet<string>();
        string cursor = "0";
        int page = 0;
        do
        {
            var reply = (RedisResult[])(await db.ExecuteAsync("SSCAN", key, cursor, "COUNT", "20"))!;
            cursor = (string)reply[0]!;
            foreach (var m in (RedisValue[])reply[1]!) seen.Add((string)m!);
            page++;
            // Grow the table early on, then shrink it by removing the churn members.
            if (page < 20) await db.SetAddAsync(key, Enumerable.Range(0, 500).Select(i => (RedisValue)$"new{page}:{i}").ToArray());
            else if (page < 40) await db.SetRemoveAsync(key, Enumerable.Range(0, 500).Select(i => (RedisValue)$"new{page - 20}:{i}").ToArray());
        }
        while (cursor != "0");
        for (int i = 0; i < 2000; i++) Assert.Contains("k" + i, seen);
    }
}
