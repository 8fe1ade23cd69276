using Spinel.Storage;
using Spinel.Tests.Infrastructure;
using StackExchange.Redis;

namespace Spinel.Tests.Integration;

/// <summary>List commands through StackExchange.Redis, and a list of a million elements worked from both ends.</summary>
public sealed class ListCommandsTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>, IDisposable
{
    private readonly ConnectionMultiplexer _mux = ConnectionMultiplexer.Connect($"127.0.0.1:{fixture.Port},allowAdmin=true,version=7.0.15");

    private IDatabase Db => _mux.GetDatabase();

    public void Dispose() => _mux.Dispose();

    private static RedisKey Key(string name) => $"{nameof(ListCommandsTests)}:{name}:{Guid.NewGuid():N}";

    private static string[] Strings(RedisValue[] values) => values.Select(v => (string)v!).ToArray();

    [Fact]
    public void Pushes_pops_ranges_and_indexes_round_trip()
    {
        var key = Key("basic");
        Assert.Equal(2, Db.ListRightPush(key, ["b", "c"]));
        Assert.Equal(3, Db.ListLeftPush(key, "a"));
        Assert.Equal(4, Db.ListRightPush(key, "d", When.Exists));
        Assert.Equal(0, Db.ListRightPush(Key("none"), "x", When.Exists));
        Assert.Equal(["a", "b", "c", "d"], Strings(Db.ListRange(key)));
        Assert.Equal(["b", "c"], Strings(Db.ListRange(key, 1, -2)));
        Assert.Equal(4, Db.ListLength(key));
        Assert.Equal("c", (string?)Db.ListGetByIndex(key, -2));
        Assert.True(Db.ListGetByIndex(key, 10).IsNull);
        Db.ListSetByIndex(key, 1, "B");
        Assert.Throws<RedisServerException>(() => Db.ListSetByIndex(key, 10, "x"));
        Assert.Equal("a", (string?)Db.ListLeftPop(key));
        Assert.Equal("d", (string?)Db.ListRightPop(key));
        Assert.Equal(["B", "c"], Strings(Db.ListRange(key)));
        Assert.Equal("B", (string?)Db.ListLeftPop(key));
        Assert.Equal("c", (string?)Db.ListLeftPop(key));
        Assert.False(Db.KeyExists(key));
        Assert.True(Db.ListLeftPop(key).IsNull);
    }

    [Fact]
    public void Pops_with_a_count_reply_in_pop_order()
    {
        var key = Key("count");
        Db.ListRightPush(key, ["1", "2", "3", "4", "5", "6"]);
        Assert.Equal(["1", "2"], Strings(Db.ListLeftPop(key, 2)!));
        Assert.Equal(["6", "5", "4"], Strings(Db.ListRightPop(key, 3)!));
        Assert.Equal(["3"], Strings(Db.ListLeftPop(key, 10)!));
        Assert.False(Db.KeyExists(key));
        Assert.Empty(Db.ListLeftPop(key, 2) ?? []);
    }

    [Fact]
    public void Insert_remove_and_trim_edit_in_place()
    {
        var key = Key("edit");
        Db.ListRightPush(key, ["a", "b", "c", "b", "a"]);
        Assert.Equal(6, Db.ListInsertAfter(key, "b", "after-b"));
        Assert.Equal(7, Db.ListInsertBefore(key, "a", "before-a"));
        Assert.Equal(-1, Db.ListInsertBefore(key, "missing", "x"));
        Assert.Equal(0, Db.ListInsertBefore(Key("none"), "a", "x"));
        Assert.Equal(["before-a", "a", "b", "after-b", "c", "b", "a"], Strings(Db.ListRange(key)));
        Assert.Equal(1, Db.ListRemove(key, "a", -1));
        Assert.Equal(2, Db.ListRemove(key, "b"));
        Assert.Equal(["before-a", "a", "after-b", "c"], Strings(Db.ListRange(key)));
        Db.ListTrim(key, 1, 2);
        Assert.Equal(["a", "after-b"], Strings(Db.ListRange(key)));
        Db.ListTrim(key, 5, 10);
        Assert.False(Db.KeyExists(key));
    }

    [Fact]
    public void Move_and_RightPopLeftPush_carry_elements_between_lists()
    {
        var source = Key("src");
        var destination = Key("dst");
        Db.ListRightPush(source, ["a", "b", "c"]);
        Assert.Equal("a", (string?)Db.ListMove(source, destination, ListSide.Left, ListSide.Right));
        Assert.Equal("c", (string?)Db.ListRightPopLeftPush(source, destination));
        Assert.Equal("b", (string?)Db.ListMove(source, source, ListSide.Left, ListSide.Right));
        Assert.Equal("b", (string?)Db.ListMove(source, destination, ListSide.Right, ListSide.Left));
        Assert.False(Db.KeyExists(source));
        Assert.True(Db.ListMove(source, destination, ListSide.Left, ListSide.Left).IsNull);
        Assert.Equal(["b", "c", "a"], Strings(Db.ListRange(destination)));
        var text = Key("string");
        Db.StringSet(text, "v");
        Assert.Throws<RedisServerException>(() => Db.ListMove(destination, text, ListSide.Left, ListSide.Left));
        Assert.Equal(3, Db.ListLength(destination));
    }

    [Fact]
    public void Position_finds_matches_by_rank_count_and_maxlen()
    {
        var key = Key("pos");
        Db.ListRightPush(key, ["a", "b", "c", "1", "2", "3", "c", "c"]);
        Assert.Equal(2, Db.ListPosition(key, "c"));
        Assert.Equal(6, Db.ListPosition(key, "c", rank: 2));
        Assert.Equal(7, Db.ListPosition(key, "c", rank: -1));
        Assert.Equal(-1, Db.ListPosition(key, "c", maxLength: 2));
        Assert.Equal(-1, Db.ListPosition(key, "zz"));
        Assert.Equal([2L, 6L, 7L], Db.ListPositions(key, "c", 0));
        Assert.Equal([7L, 6L], Db.ListPositions(key, "c", 2, rank: -1));
        Assert.Throws<RedisServerException>(() => Db.ListPosition(key, "c", rank: 0));
    }

    [Fact]
    public void Multi_key_pop_takes_from_the_first_non_empty_list()
    {
        var empty = Key("empty");
        var first = Key("first");
        var second = Key("second");
        Db.ListRightPush(first, ["1", "2", "3"]);
        Db.ListRightPush(second, ["x"]);
        var popped = Db.ListLeftPop([empty, first, second], 2);
        Assert.Equal(first, popped.Key);
        Assert.Equal(["1", "2"], Strings(popped.Values));
        popped = Db.ListRightPop([empty, first, second], 5);
        Assert.Equal(first, popped.Key);
        Assert.Equal(["3"], Strings(popped.Values));
        popped = Db.ListRightPop([empty, first, second], 5);
        Assert.Equal(second, popped.Key);
        Assert.True(Db.ListLeftPop([empty, first, second], 1).IsNull);
    }

    [Fact]
    public void Lists_report_quicklist_and_copy_deeply()
    {
        var key = Key("enc");
        var copy = Key("copy");
        Db.ListRightPush(key, ["a", "b"]);
        Assert.Equal("quicklist", Db.KeyEncoding(key));
        Assert.Equal(StackExchange.Redis.RedisType.List, Db.KeyType(key));
        Assert.True(Db.KeyCopy(key, copy));
        Db.ListSetByIndex(copy, 0, "A");
        Assert.Equal(["a", "b"], Strings(Db.ListRange(key)));
        Assert.Equal(["A", "b"], Strings(Db.ListRange(copy)));
    }

    [Fact]
    public void The_node_size_setting_applies_to_lists_created_after_it()
    {
        var server = _mux.GetServer(_mux.GetEndPoints()[0]);
        var before = Key("before");
        var after = Key("after");
        Db.ListRightPush(before, "seed");
        server.ConfigSet("list-max-listpack-size", "4");
        try
        {
            var values = Enumerable.Range(0, 40).Select(i => (RedisValue)i).ToArray();
            Db.ListRightPush(after, values);
            Db.ListRightPush(before, values);
            Assert.Equal(10, NodeCount(after));
            Assert.Equal(1, NodeCount(before));
        }
        finally
        {
            server.ConfigSet("list-max-listpack-size", "-2");
        }
    }

    private int NodeCount(RedisKey key)
    {
        var name = System.Text.Encoding.UTF8.GetBytes((string)key!);
        lock (fixture.Server.Keyspace.Lock) return ((ListValue)fixture.Server.Keyspace[0].Peek(name)!).NodeCount;
    }

    [Fact]
    public async Task A_million_elements_pushed_and_popped_at_both_ends_keep_their_order()
    {
        const int Half = 500_000;
        const int Batch = 10_000;
        var key = Key("million");
        var db = Db;
        var pushes = new List<Task<long>>();
        for (int start = 0; start < Half; start += Batch)
        {
            pushes.Add(db.ListRightPushAsync(key, Enumerable.Range(start, Batch).Select(i => (RedisValue)i).ToArray()));
            pushes.Add(db.ListLeftPushAsync(key, Enumerable.Range(start + 1, Batch).Select(i => (RedisValue)(-i)).ToArray()));
        }
        await Task.WhenAll(pushes);
        // Now -500000 ... -1, 0 ... 499999.
        Assert.Equal(2 * Half, await db.ListLengthAsync(key));
        Assert.Equal(-Half, (long)await db.ListGetByIndexAsync(key, 0));
        Assert.Equal(0, (long)await db.ListGetByIndexAsync(key, Half));
        Assert.Equal(Half - 1, (long)await db.ListGetByIndexAsync(key, -1));
        Assert.Equal(["-2", "-1", "0", "1"], Strings(await db.ListRangeAsync(key, Half - 2, Half + 1)));

        long expectedLeft = -Half, expectedRight = Half - 1;
        while (expectedLeft <= expectedRight)
        {
            foreach (var v in await db.ListLeftPopAsync(key, 7919) ?? [])
            {
                Assert.Equal(expectedLeft++, (long)v);
            }
            if (expectedLeft > expectedRight) break;
            var single = await db.ListRightPopAsync(key);
            Assert.Equal(expectedRight--, (long)single);
            foreach (var v in await db.ListRightPopAsync(key, 4999) ?? [])
            {
                Assert.Equal(expectedRight--, (long)v);
            }
        }
        Assert.Equal(expectedRight + 1, expectedLeft);
        Assert.False(await db.KeyExistsAsync(key));
    }
}
