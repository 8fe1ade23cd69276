using System.Text;
using Spinel.Storage;
using Spinel.Tests.Infrastructure;
using StackExchange.Redis;

namespace Spinel.Tests.Integration;

/// <summary>The string commands through StackExchange.Redis, plus server-side effects (TTLs, value representation) checked directly.</summary>
public sealed class StringCommandTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>, IDisposable
{
    // version= spares the client an INFO round trip to learn which commands (GETEX, LCS, ...) it may send.
    private readonly ConnectionMultiplexer _mux = ConnectionMultiplexer.Connect($"127.0.0.1:{fixture.Port},allowAdmin=true,version=7.0.15");

    private IDatabase Db => _mux.GetDatabase();

    public void Dispose() => _mux.Dispose();

    private static RedisKey Key(string name) => $"{nameof(StringCommandTests)}:{name}:{Guid.NewGuid():N}";

    private T Inspect<T>(Func<Database, T> read)
    {
        lock (fixture.Server.Keyspace.Lock) return read(fixture.Server.Keyspace[0]);
    }

    private long ExpireOf(RedisKey key) => Inspect(db => db.GetExpire(Encoding.UTF8.GetBytes(key.ToString())));

    private object? ValueOf(RedisKey key) => Inspect(db => db.Peek(Encoding.UTF8.GetBytes(key.ToString())));

    [Fact]
    public void StringSet_and_StringGet_round_trip_binary_values()
    {
        var key = Key("bin");
        byte[] value = [0, 13, 10, 255, (byte)'a'];
        Assert.True(Db.StringSet(key, value));
        Assert.Equal(value, (byte[]?)Db.StringGet(key));
        Assert.True(Db.StringGet(Key("missing")).IsNull);
    }

    [Fact]
    public void StringSet_with_expiry_sets_a_deadline_and_the_key_disappears_after_it()
    {
        var key = Key("ttl");
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.True(Db.StringSet(key, "v", TimeSpan.FromSeconds(100)));
        long deadline = ExpireOf(key);
        Assert.InRange(deadline, before + 99_000, before + 101_000);

        Assert.True(Db.StringSet(key, "v", TimeSpan.FromMilliseconds(30)));
        Thread.Sleep(80);
        Assert.True(Db.StringGet(key).IsNull);
    }

    [Fact]
    public void StringSet_when_NotExists_and_Exists_follow_NX_and_XX()
    {
        var key = Key("when");
        Assert.False(Db.StringSet(key, "a", when: When.Exists));
        Assert.True(Db.StringGet(key).IsNull);
        Assert.True(Db.StringSet(key, "a", when: When.NotExists));
        Assert.False(Db.StringSet(key, "b", when: When.NotExists));
        Assert.Equal("a", Db.StringGet(key));
        Assert.True(Db.StringSet(key, "c", when: When.Exists));
        Assert.Equal("c", Db.StringGet(key));
    }

    [Fact]
    public void StringSetAndGet_returns_the_old_value_and_keepTtl_keeps_the_deadline()
    {
        var key = Key("setget");
        Assert.True(Db.StringSetAndGet(key, "one").IsNull);
        Db.StringSet(key, "two", TimeSpan.FromSeconds(100));
        long deadline = ExpireOf(key);
        Assert.Equal("two", Db.StringSetAndGet(key, "three", keepTtl: true));
        Assert.Equal(deadline, ExpireOf(key));
        Assert.Equal("three", Db.StringGetSet(key, "four"));
        Assert.Equal(-1, ExpireOf(key));
    }

    [Fact]
    public void StringIncrement_and_Decrement_count_and_report_overflow()
    {
        var key = Key("counter");
        Assert.Equal(1, Db.StringIncrement(key));
        Assert.Equal(11, Db.StringIncrement(key, 10));
        Assert.Equal(6, Db.StringDecrement(key, 5));
        Assert.Equal(5, Db.StringDecrement(key));
        Db.StringSet(key, long.MaxValue);
        var ex = Assert.Throws<RedisServerException>(() => Db.StringIncrement(key));
        Assert.Equal("ERR increment or decrement would overflow", ex.Message);
        Db.StringSet(key, "abc");
        ex = Assert.Throws<RedisServerException>(() => Db.StringIncrement(key));
        Assert.Equal("ERR value is not an integer or out of range", ex.Message);
    }

    [Fact]
    public void StringIncrement_keeps_the_deadline()
    {
        var key = Key("counter-ttl");
        Db.StringSet(key, 5, TimeSpan.FromSeconds(100));
        long deadline = ExpireOf(key);
        Assert.Equal(6, Db.StringIncrement(key));
        Assert.Equal(deadline, ExpireOf(key));
    }

    [Fact]
    public void StringIncrement_by_double_uses_INCRBYFLOAT()
    {
        var key = Key("float");
        Assert.Equal(10.5, Db.StringIncrement(key, 10.5));
        Assert.Equal(10.75, Db.StringIncrement(key, 0.25));
        Assert.Equal("10.75", Db.StringGet(key));
        Assert.Equal(5.75, Db.StringDecrement(key, 5.0));
        // The client sends 0.1 as "0.10000000000000001"; long double arithmetic keeps the tail, as Redis does.
        Assert.Equal(5.85, Db.StringIncrement(key, 0.1), 10);
        Assert.Equal("5.85000000000000001", Db.StringGet(key));
        Db.StringSet(key, long.MaxValue);
        var ex = Assert.Throws<RedisServerException>(() => Db.StringIncrement(key, double.PositiveInfinity));
        Assert.Equal("ERR increment would produce NaN or Infinity", ex.Message);
    }

    [Fact]
    public void StringAppend_returns_the_new_length_and_grows_the_value()
    {
        var key = Key("append");
        Assert.Equal(5, Db.StringAppend(key, "hello"));
        Assert.Equal(11, Db.StringAppend(key, " world"));
        Assert.Equal("hello world", Db.StringGet(key));
        Assert.Equal(11, Db.StringLength(key));
    }

    [Fact]
    public void StringGetRange_and_StringSetRange_use_inclusive_and_negative_indexes_and_zero_padding()
    {
        var key = Key("range");
        Db.StringSet(key, "Hello World");
        Assert.Equal("World", Db.StringGetRange(key, -5, -1));
        Assert.Equal("Hello", Db.StringGetRange(key, 0, 4));
        Assert.Equal("", Db.StringGetRange(key, 5, 2));
        Assert.Equal(11, (long)Db.StringSetRange(key, 6, "Redis"));
        Assert.Equal("Hello Redis", Db.StringGet(key));

        var padded = Key("padded");
        Assert.Equal(5, (long)Db.StringSetRange(padded, 3, "ab"));
        Assert.Equal(new byte[] { 0, 0, 0, (byte)'a', (byte)'b' }, (byte[]?)Db.StringGet(padded));
    }

    [Fact]
    public void StringGetDelete_returns_the_value_and_removes_the_key()
    {
        var key = Key("getdel");
        Db.StringSet(key, "v");
        Assert.Equal("v", Db.StringGetDelete(key));
        Assert.False(Db.KeyExists(key));
        Assert.True(Db.StringGetDelete(key).IsNull);
    }

    [Fact]
    public void StringGetSetExpiry_sets_and_removes_the_deadline()
    {
        var key = Key("getex");
        Db.StringSet(key, "v");
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal("v", Db.StringGetSetExpiry(key, TimeSpan.FromSeconds(50)));
        Assert.InRange(ExpireOf(key), before + 49_000, before + 51_000);
        var at = DateTime.UtcNow.AddHours(1);
        Assert.Equal("v", Db.StringGetSetExpiry(key, at));
        Assert.InRange(ExpireOf(key), new DateTimeOffset(at).ToUnixTimeMilliseconds() - 1000, new DateTimeOffset(at).ToUnixTimeMilliseconds());
        Assert.Equal("v", Db.StringGetSetExpiry(key, null));
        Assert.Equal(-1, ExpireOf(key));
        Assert.True(Db.StringGetSetExpiry(Key("none"), TimeSpan.FromSeconds(5)).IsNull);
    }

    [Fact]
    public void StringLongestCommonSubsequence_returns_the_string_the_length_and_the_matches()
    {
        var a = Key("lcs-a");
        var b = Key("lcs-b");
        Db.StringSet(a, "ohmytext");
        Db.StringSet(b, "mynewtext");
        Assert.Equal("mytext", Db.StringLongestCommonSubsequence(a, b));
        Assert.Equal(6, Db.StringLongestCommonSubsequenceLength(a, b));
        var result = Db.StringLongestCommonSubsequenceWithMatches(a, b);
        Assert.Equal(6, result.LongestMatchLength);
        Assert.Equal(2, result.Matches.Length);
        Assert.Equal(4, result.Matches[0].FirstStringIndex);
        Assert.Equal(5, result.Matches[0].SecondStringIndex);
        Assert.Equal(4, result.Matches[0].Length);
        Assert.Equal(2, result.Matches[1].FirstStringIndex);
        Assert.Equal(0, result.Matches[1].SecondStringIndex);
        Assert.Equal(2, result.Matches[1].Length);
        Assert.Single(Db.StringLongestCommonSubsequenceWithMatches(a, b, minLength: 3).Matches);
    }

    [Fact]
    public void LCS_of_strings_whose_table_cannot_be_allocated_is_refused()
    {
        var a = Key("lcs-big-a");
        var b = Key("lcs-big-b");
        Db.StringSet(a, new string('a', 50_000));
        Db.StringSet(b, new string('b', 50_000));
        var ex = Assert.Throws<RedisServerException>(() => Db.StringLongestCommonSubsequenceLength(a, b));
        Assert.Equal("ERR Insufficient memory, failed allocating transient memory for LCS", ex.Message);
    }

    [Fact]
    public void Batch_MSET_MGET_and_MSETNX()
    {
        var k1 = Key("m1");
        var k2 = Key("m2");
        var k3 = Key("m3");
        Assert.True(Db.StringSet([new(k1, "1"), new(k2, "2")]));
        var values = Db.StringGet([k1, k2, k3]);
        Assert.Equal(["1", "2", RedisValue.Null], values);
        Assert.False(Db.StringSet([new(k2, "x"), new(k3, "3")], When.NotExists));
        Assert.True(Db.StringGet(k3).IsNull);
        Assert.Equal("2", Db.StringGet(k2));
    }

    [Fact]
    public void Repeated_APPEND_grows_one_buffer_in_place_with_amortized_reallocations()
    {
        var key = Key("amortized");
        var keyBytes = Encoding.UTF8.GetBytes(key.ToString());
        Db.StringSet(key, "x");
        var arrays = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        StringBuffer? first = null;
        const int Appends = 3000;
        for (int i = 0; i < Appends; i++)
        {
            Db.StringAppend(key, "0123456789");
            var buffer = Assert.IsType<StringBuffer>(ValueOf(key));
            first ??= buffer;
            Assert.Same(first, buffer);
            arrays.Add(buffer.Data);
        }
        Assert.Equal(1 + Appends * 10, Db.StringLength(key));
        // Doubling: about log2(30000) distinct arrays, nowhere near one per APPEND.
        Assert.InRange(arrays.Count, 1, 20);
    }

    // A string SETRANGE creates gets room to spare as Redis's sdsgrowzero leaves: the APPEND after it reuses the
    // buffer instead of copying the whole string (for a 512 MB string that copy took seconds on a loaded machine).
    [Fact]
    public void SETRANGE_on_a_missing_key_leaves_room_for_the_next_APPEND()
    {
        var key = Key("setrange-room");
        Assert.Equal(2_000_001, (long)Db.Execute("SETRANGE", key, 2_000_000, "x"));
        var buffer = Assert.IsType<StringBuffer>(ValueOf(key));
        var data = buffer.Data;
        Assert.Equal(2_000_003, Db.StringAppend(key, "yz"));
        Assert.Same(data, Assert.IsType<StringBuffer>(ValueOf(key)).Data);
        Assert.Equal("xyz", Db.StringGetRange(key, -3, -1));
    }

    [Fact]
    public void Counters_store_canonical_digits_and_share_small_values()
    {
        var a = Key("small-a");
        var b = Key("small-b");
        Db.StringIncrement(a, 42);
        Db.StringIncrement(b, 42);
        var va = Assert.IsType<byte[]>(ValueOf(a));
        Assert.Same(va, ValueOf(b));
        Assert.Equal("42"u8.ToArray(), va);
        var big = Key("big");
        Db.StringIncrement(big, -1234567890123);
        Assert.Equal("-1234567890123"u8.ToArray(), Assert.IsType<byte[]>(ValueOf(big)));
    }
}
