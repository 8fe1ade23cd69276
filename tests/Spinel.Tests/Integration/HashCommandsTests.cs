using System.Text;
using Spinel.Tests.Infrastructure;
using StackExchange.Redis;

namespace Spinel.Tests.Integration;

/// <summary>Hash commands through StackExchange.Redis, and HRANDFIELD checked by its properties.</summary>
public sealed class HashCommandsTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>, IDisposable
{
    private readonly ConnectionMultiplexer _mux = ConnectionMultiplexer.Connect($"127.0.0.1:{fixture.Port},allowAdmin=true,version=7.0.15");

    private IDatabase Db => _mux.GetDatabase();

    public void Dispose() => _mux.Dispose();

    private static RedisKey Key(string name) => $"{nameof(HashCommandsTests)}:{name}:{Guid.NewGuid():N}";

    private RedisKey Fill(string name, int fields)
    {
        var key = Key(name);
        var entries = new HashEntry[fields];
        for (int i = 0; i < fields; i++) entries[i] = new HashEntry("f" + i, "v" + i);
        Db.HashSet(key, entries);
        return key;
    }

    [Fact]
    public void HashSet_HashGet_HashGetAll_HashIncrement_and_HashDelete_work_together()
    {
        var key = Key("basic");
        Assert.True(Db.HashSet(key, "a", "1"));
        Assert.False(Db.HashSet(key, "a", "2"));
        Assert.False(Db.HashSet(key, "a", "3", When.NotExists));
        Assert.Equal("2", (string?)Db.HashGet(key, "a"));
        Assert.True(Db.HashGet(key, "missing").IsNull);
        Assert.Equal(12, Db.HashIncrement(key, "a", 10));
        Assert.Equal(1.5, Db.HashIncrement(key, "f", 1.5));
        var all = Db.HashGetAll(key).ToDictionary(e => (string)e.Name!, e => (string?)e.Value);
        Assert.Equal(new Dictionary<string, string?> { ["a"] = "12", ["f"] = "1.5" }, all);
        Assert.True(Db.HashDelete(key, "a"));
        Assert.False(Db.HashDelete(key, "a"));
        Assert.True(Db.HashDelete(key, "f"));
        Assert.False(Db.KeyExists(key));
    }

    [Fact]
    public void HashScan_over_a_large_hash_returns_every_field_once()
    {
        var key = Fill("scan", 5000);
        var seen = new Dictionary<string, string>();
        foreach (var entry in Db.HashScan(key, pageSize: 100)) seen[(string)entry.Name!] = (string)entry.Value!;
        Assert.Equal(5000, seen.Count);
        for (int i = 0; i < 5000; i++) Assert.Equal("v" + i, seen["f" + i]);
    }

    [Fact]
    public void HashScan_with_a_pattern_returns_only_matching_fields()
    {
        var key = Fill("scanmatch", 1000);
        var names = Db.HashScan(key, "f1*", pageSize: 50).Select(e => (string)e.Name!).ToList();
        var expected = Enumerable.Range(0, 1000).Select(i => "f" + i).Where(f => f.StartsWith("f1", StringComparison.Ordinal));
        Assert.Equal(expected.Order(), names.Order());
    }

    [Theory]
    [InlineData(5)]
    [InlineData(1000)]
    public void HashRandomFields_with_a_positive_count_returns_distinct_existing_fields(int size)
    {
        var key = Fill("rand" + size, size);
        for (int count = 1; count <= size + 2; count += Math.Max(1, size / 7))
        {
            var fields = Db.HashRandomFields(key, count).Select(v => (string)v!).ToList();
            Assert.Equal(Math.Min(count, size), fields.Count);
            Assert.Equal(fields.Count, fields.Distinct().Count());
            Assert.All(fields, f => Assert.True(int.Parse(f[1..]) < size));
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(1000)]
    public void HashRandomFields_with_a_negative_count_returns_that_many_with_repeats_allowed(int size)
    {
        var key = Fill("neg" + size, size);
        var fields = Db.HashRandomFields(key, -3000).Select(v => (string)v!).ToList();
        Assert.Equal(3000, fields.Count);
        Assert.All(fields, f => Assert.True(int.Parse(f[1..]) < size));
        // Every field of a small hash turns up in 3000 draws; a large one shows many different fields.
        Assert.True(fields.Distinct().Count() >= Math.Min(size, 500));
    }

    [Fact]
    public void HashRandomFieldsWithValues_pairs_each_field_with_its_value()
    {
        var key = Fill("withvalues", 50);
        foreach (int count in new[] { 10, -100, 60 })
        {
            var entries = Db.HashRandomFieldsWithValues(key, count);
            Assert.Equal(count < 0 ? -count : Math.Min(count, 50), entries.Length);
            Assert.All(entries, e => Assert.Equal("v" + ((string)e.Name!)[1..], (string?)e.Value));
        }
        var single = (string?)Db.HashRandomField(key);
        Assert.NotNull(single);
        Assert.True(Db.HashExists(key, single));
    }

    [Fact]
    public void HashRandomField_eventually_returns_every_field()
    {
        var key = Fill("every", 20);
        var seen = new HashSet<string>();
        for (int i = 0; i < 2000 && seen.Count < 20; i++) seen.Add((string)Db.HashRandomField(key)!);
        Assert.Equal(20, seen.Count);
    }

    [Fact]
    public void Hash_commands_on_a_string_key_fail_with_WRONGTYPE()
    {
        var key = Key("str");
        Db.StringSet(key, "v");
        var error = Assert.Throws<RedisServerException>(() => Db.HashGet(key, "a"));
        Assert.StartsWith("WRONGTYPE", error.Message);
        Assert.Throws<RedisServerException>(() => Db.HashSet(key, "a", "b"));
        Assert.Equal("v", (string?)Db.StringGet(key));
    }

    [Fact]
    public void HashStringLength_HashLength_and_HashKeys_reflect_the_contents()
    {
        var key = Key("lens");
        Db.HashSet(key, [new HashEntry("a", "hello"), new HashEntry("b", Encoding.ASCII.GetBytes(""))]);
        Assert.Equal(5, Db.HashStringLength(key, "a"));
        Assert.Equal(0, Db.HashStringLength(key, "b"));
        Assert.Equal(2, Db.HashLength(key));
        Assert.Equal(["a", "b"], Db.HashKeys(key).Select(v => (string)v!));
        Assert.Equal(["hello", ""], Db.HashValues(key).Select(v => (string)v!));
    }
}
