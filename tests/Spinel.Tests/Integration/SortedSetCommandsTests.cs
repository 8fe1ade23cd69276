using Spinel.Tests.Infrastructure;
using StackExchange.Redis;

namespace Spinel.Tests.Integration;

/// <summary>Sorted set commands through StackExchange.Redis (RESP2 and RESP3), and ZRANDMEMBER/ZSCAN checked by their properties.</summary>
public sealed class SortedSetCommandsTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>, IDisposable
{
    private readonly ConnectionMultiplexer _mux = ConnectionMultiplexer.Connect($"127.0.0.1:{fixture.Port},allowAdmin=true,version=7.0.15");

    private IDatabase Db => _mux.GetDatabase();

    public void Dispose() => _mux.Dispose();

    private static RedisKey Key(string name) => $"{nameof(SortedSetCommandsTests)}:{name}:{Guid.NewGuid():N}";

    private RedisKey Fill(string name, int members)
    {
        var key = Key(name);
        var entries = new SortedSetEntry[members];
        for (int i = 0; i < members; i++) entries[i] = new SortedSetEntry("m" + i.ToString("D6"), i);
        Db.SortedSetAdd(key, entries);
        return key;
    }

    [Fact]
    public void Add_score_increment_rank_and_remove_work_together()
    {
        var key = Key("basic");
        Assert.True(Db.SortedSetAdd(key, "a", 1));
        Assert.False(Db.SortedSetAdd(key, "a", 2));
        Assert.False(Db.SortedSetAdd(key, "a", 5, SortedSetWhen.NotExists));
        Assert.Equal(2, Db.SortedSetScore(key, "a"));
        Assert.Null(Db.SortedSetScore(key, "missing"));
        Assert.Equal(3.5, Db.SortedSetIncrement(key, "a", 1.5));
        Assert.Equal(2, Db.SortedSetAdd(key, [new SortedSetEntry("b", 0.5), new SortedSetEntry("c", 10)]));
        Assert.Equal(0, Db.SortedSetRank(key, "b"));
        Assert.Equal(0, Db.SortedSetRank(key, "c", Order.Descending));
        Assert.Null(Db.SortedSetRank(key, "missing"));
        Assert.Equal(3, Db.SortedSetLength(key));
        Assert.Equal(2, Db.SortedSetLength(key, 1, 10));
        Assert.Equal(1, Db.SortedSetLength(key, 1, 10, Exclude.Stop));
        Assert.Equal([3.5, null, 0.5], Db.SortedSetScores(key, ["a", "missing", "b"]));
        Assert.True(Db.SortedSetRemove(key, "a"));
        Assert.Equal(1, Db.SortedSetRemove(key, ["b", "nope"]));
        Assert.True(Db.SortedSetRemove(key, "c"));
        Assert.False(Db.KeyExists(key));
    }

    [Fact]
    public void Greater_than_and_less_than_updates_follow_redis()
    {
        var key = Key("gtlt");
        Db.SortedSetAdd(key, "a", 5);
        Assert.False(Db.SortedSetUpdate(key, "a", 3, SortedSetWhen.GreaterThan));
        Assert.Equal(5, Db.SortedSetScore(key, "a"));
        Assert.True(Db.SortedSetUpdate(key, "a", 7, SortedSetWhen.GreaterThan));
        Assert.True(Db.SortedSetUpdate(key, "a", 1, SortedSetWhen.LessThan));
        Assert.Equal(1, Db.SortedSetScore(key, "a"));
        Assert.False(Db.SortedSetUpdate(key, "new", 1, SortedSetWhen.Exists));
        Assert.Null(Db.SortedSetScore(key, "new"));
    }

    [Fact]
    public void Ranges_by_rank_score_and_lex_in_both_encodings()
    {
        foreach (int size in new[] { 50, 1000 })
        {
            var key = Fill("range" + size, size);
            Assert.Equal(size > 128 ? "skiplist" : "listpack", (string?)Db.Execute("OBJECT", "ENCODING", key));
            Assert.Equal(["m000000", "m000001", "m000002"], Db.SortedSetRangeByRank(key, 0, 2).Select(v => (string)v!));
            Assert.Equal($"m{size - 1:D6}", (string?)Db.SortedSetRangeByRank(key, 0, 0, Order.Descending)[0]);
            var withScores = Db.SortedSetRangeByRankWithScores(key, 10, 12);
            Assert.Equal([10.0, 11, 12], withScores.Select(e => e.Score));
            Assert.Equal(["m000021", "m000022"], Db.SortedSetRangeByScore(key, 20, 30, Exclude.Start, skip: 0, take: 2).Select(v => (string)v!));
            Assert.Equal(["m000030", "m000029"], Db.SortedSetRangeByScore(key, 20, 30, order: Order.Descending, take: 2).Select(v => (string)v!));
            Assert.Equal(11, Db.SortedSetRangeByScoreWithScores(key, 20, 30).Length);
            Assert.Equal(["m000005", "m000006"], Db.SortedSetRangeByValue(key, "m000005", "m000007", Exclude.Stop).Select(v => (string)v!));
            Assert.Equal(3, Db.SortedSetLengthByValue(key, "m000005", "m000007"));
            Assert.Equal(5, Db.SortedSetRemoveRangeByRank(key, 0, 4));
            Assert.Equal(5, Db.SortedSetRemoveRangeByScore(key, 5, 9));
            Assert.Equal(2, Db.SortedSetRemoveRangeByValue(key, "m000010", "m000011"));
            Assert.Equal(size - 12, Db.SortedSetLength(key));
            RedisKey destination = (string)key! + ":dst";
            Assert.Equal(3, Db.SortedSetRangeAndStore(key, destination, 0, 2));
            Assert.Equal(["m000012", "m000013", "m000014"], Db.SortedSetRangeByRank(destination).Select(v => (string)v!));
        }
    }

    [Fact]
    public void Pops_take_from_either_end_and_delete_the_emptied_key()
    {
        var key = Fill("pop", 5);
        Assert.Equal("m000000", (string?)Db.SortedSetPop(key)!.Value.Element);
        var top = Db.SortedSetPop(key, 2, Order.Descending);
        Assert.Equal(["m000004", "m000003"], top.Select(e => (string)e.Element!));
        Assert.Equal([4.0, 3], top.Select(e => e.Score));
        var rest = Db.SortedSetPop([Key("none"), key], 10, Order.Ascending);
        Assert.Equal(key, rest.Key);
        Assert.Equal(["m000001", "m000002"], rest.Entries.Select(e => (string)e.Element!));
        Assert.False(Db.KeyExists(key));
        Assert.True(Db.SortedSetPop([key], 1).IsNull);
    }

    [Fact]
    public void Random_members_are_distinct_for_positive_counts_and_repeat_for_negative_ones()
    {
        foreach (int size in new[] { 20, 500 })
        {
            var key = Fill("rand" + size, size);
            var some = Db.SortedSetRandomMembers(key, 10);
            Assert.Equal(10, some.Distinct().Count());
            var most = Db.SortedSetRandomMembersWithScores(key, size - 2);
            Assert.Equal(size - 2, most.Select(e => e.Element).Distinct().Count());
            Assert.All(most, e => Assert.Equal(double.Parse(((string)e.Element!)[1..]), e.Score));
            var all = Db.SortedSetRandomMembers(key, size * 2);
            Assert.Equal(size, all.Distinct().Count());
            var repeats = Db.SortedSetRandomMembers(key, -3 * size);
            Assert.Equal(3 * size, repeats.Length);
            Assert.True(repeats.Distinct().Count() < repeats.Length);
        }
    }

    [Fact]
    public void Scan_returns_every_member_once_with_its_score_in_both_encodings()
    {
        foreach (int size in new[] { 30, 3000 })
        {
            var key = Fill("scan" + size, size);
            var seen = Db.SortedSetScan(key, pageSize: 100).ToList();
            Assert.Equal(size, seen.Select(e => (string)e.Element!).Distinct().Count());
            Assert.All(seen, e => Assert.Equal(double.Parse(((string)e.Element!)[1..]), e.Score));
            var matched = Db.SortedSetScan(key, "m00001*", pageSize: 50).ToList();
            Assert.Equal(10, matched.Count);
        }
    }

    [Fact]
    public void Scores_round_trip_exactly_including_extremes()
    {
        var key = Key("scores");
        double[] scores = [1.1, 1e-300, 1e300, double.PositiveInfinity, double.NegativeInfinity, 0.30000000000000004, 9007199254740993, double.Epsilon];
        for (int i = 0; i < scores.Length; i++) Db.SortedSetAdd(key, "s" + i, scores[i]);
        for (int i = 0; i < scores.Length; i++) Assert.Equal(scores[i], Db.SortedSetScore(key, "s" + i));
        var ordered = Db.SortedSetRangeByRankWithScores(key).Select(e => e.Score).ToArray();
        Assert.Equal(scores.Order(), ordered);
    }

    [Fact]
    public async Task Resp3_replies_parse_in_stackexchange_redis()
    {
        await using var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fixture.Port},protocol=resp3,version=7.0.15");
        var db = mux.GetDatabase();
        var key = Key("resp3");
        await db.SortedSetAddAsync(key, [new SortedSetEntry("a", 1.5), new SortedSetEntry("b", 2)]);
        Assert.Equal(1.5, await db.SortedSetScoreAsync(key, "a"));
        Assert.Equal([1.5, 2.0], (await db.SortedSetRangeByRankWithScoresAsync(key)).Select(e => e.Score));
        Assert.Equal(2.5, await db.SortedSetIncrementAsync(key, "a", 1));
        var popped = await db.SortedSetPopAsync(key, 2);
        Assert.Equal(["b", "a"], popped.Select(e => (string)e.Element!));
    }

    [Fact]
    public void Wrong_type_is_reported()
    {
        var key = Key("wrong");
        Db.StringSet(key, "x");
        var error = Assert.Throws<RedisServerException>(() => Db.SortedSetAdd(key, "a", 1));
        Assert.StartsWith("WRONGTYPE", error.Message);
        Assert.Throws<RedisServerException>(() => Db.SortedSetRangeByRank(key));
    }
}
