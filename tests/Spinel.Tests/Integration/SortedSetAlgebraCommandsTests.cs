using StackExchange.Redis;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>ZUNION / ZINTER / ZDIFF, their STORE forms and ZINTERCARD through StackExchange.Redis.</summary>
public sealed class SortedSetAlgebraCommandsTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    private async Task<IDatabase> ConnectAsync()
    {
        var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fixture.Port},allowAdmin=true");
        return mux.GetDatabase();
    }

    private async Task<IDatabase> SeedAsync()
    {
        var db = await ConnectAsync();
        await db.KeyDeleteAsync(["zal:a", "zal:b", "zal:d"]);
        await db.SortedSetAddAsync("zal:a", [new("x", 1), new("y", 2), new("z", 3)]);
        await db.SortedSetAddAsync("zal:b", [new("y", 10), new("z", 20), new("w", 30)]);
        return db;
    }

    private static string[] Show(SortedSetEntry[] entries) => entries.Select(e => $"{e.Element}={e.Score}").ToArray();

    [Fact]
    public async Task Union_sums_weighted_scores_in_score_order()
    {
        var db = await SeedAsync();
        var union = await db.SortedSetCombineWithScoresAsync(SetOperation.Union, ["zal:a", "zal:b"], [2, 1]);
        Assert.Equal(["x=2", "y=14", "z=26", "w=30"], Show(union));
        Assert.Equal(["x", "y", "z", "w"], (await db.SortedSetCombineAsync(SetOperation.Union, ["zal:a", "zal:b"], [2, 1])).Select(v => (string)v!));
    }

    [Fact]
    public async Task Intersection_aggregates_with_min_and_max()
    {
        var db = await SeedAsync();
        Assert.Equal(["y=2", "z=3"], Show(await db.SortedSetCombineWithScoresAsync(SetOperation.Intersect, ["zal:a", "zal:b"], aggregate: Aggregate.Min)));
        Assert.Equal(["y=10", "z=20"], Show(await db.SortedSetCombineWithScoresAsync(SetOperation.Intersect, ["zal:a", "zal:b"], aggregate: Aggregate.Max)));
        Assert.Equal(2, await db.SortedSetIntersectionLengthAsync(["zal:a", "zal:b"]));
        Assert.Equal(1, await db.SortedSetIntersectionLengthAsync(["zal:a", "zal:b"], limit: 1));
    }

    [Fact]
    public async Task Difference_keeps_the_first_sets_scores()
    {
        var db = await SeedAsync();
        Assert.Equal(["w=30"], Show(await db.SortedSetCombineWithScoresAsync(SetOperation.Difference, ["zal:b", "zal:a"])));
    }

    [Fact]
    public async Task Stored_results_replace_the_destination_and_an_empty_one_deletes_it()
    {
        var db = await SeedAsync();
        Assert.Equal(4, await db.SortedSetCombineAndStoreAsync(SetOperation.Union, "zal:d", "zal:a", "zal:b", Aggregate.Max));
        Assert.Equal(["x=1", "y=10", "z=20", "w=30"], Show(await db.SortedSetRangeByRankWithScoresAsync("zal:d")));
        Assert.Equal(0, await db.SortedSetCombineAndStoreAsync(SetOperation.Intersect, "zal:d", "zal:a", "zal:missing"));
        Assert.False(await db.KeyExistsAsync("zal:d"));
    }
}
