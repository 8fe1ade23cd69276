using System.Text;
using Spinel.Storage;

namespace Spinel.Tests.Storage;

public sealed class HashValueTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private static byte[]? Get(HashValue hash, byte[] field) => hash.TryGet(field, out var value) ? value.ToArray() : null;

    private static List<string> Pairs(HashValue hash)
    {
        var pairs = new List<string>();
        foreach (var (field, value) in hash) pairs.Add(Encoding.ASCII.GetString(field) + "=" + Encoding.ASCII.GetString(value));
        return pairs;
    }

    [Fact]
    public void A_small_hash_is_a_listpack_that_keeps_insertion_order()
    {
        var hash = new HashValue();
        Assert.True(hash.Set(B("b"), B("1"), 512, 64));
        Assert.True(hash.Set(B("a"), B("2"), 512, 64));
        Assert.False(hash.Set(B("b"), B("3"), 512, 64));
        Assert.Equal("listpack", hash.Encoding);
        Assert.Equal(["b=3", "a=2"], Pairs(hash));
    }

    [Fact]
    public void Passing_the_entry_limit_converts_to_a_hashtable_for_good()
    {
        var hash = new HashValue();
        for (int i = 0; i < 4; i++) hash.Set(B("f" + i), B("v" + i), 4, 64);
        Assert.Equal("listpack", hash.Encoding);
        hash.Set(B("f4"), B("v4"), 4, 64);
        Assert.Equal("hashtable", hash.Encoding);
        for (int i = 0; i < 5; i++) Assert.Equal(B("v" + i), Get(hash, B("f" + i)));
        for (int i = 0; i < 4; i++) Assert.True(hash.Remove(B("f" + i)));
        Assert.Equal("hashtable", hash.Encoding);
        Assert.Equal(1, hash.Count);
    }

    [Fact]
    public void A_long_field_or_value_converts_to_a_hashtable()
    {
        var longValue = new HashValue();
        longValue.Set(B("f"), new byte[65], 512, 64);
        Assert.Equal("hashtable", longValue.Encoding);
        var longField = new HashValue();
        longField.Set(new byte[65], B("v"), 512, 64);
        Assert.Equal("hashtable", longField.Encoding);
        var atLimit = new HashValue();
        atLimit.Set(new byte[64], new byte[64], 512, 64);
        Assert.Equal("listpack", atLimit.Encoding);
    }

    [Fact]
    public void Removing_from_a_listpack_keeps_the_order_of_the_rest()
    {
        var hash = new HashValue();
        foreach (var f in new[] { "a", "b", "c", "d" }) hash.Set(B(f), B(f), 512, 64);
        Assert.True(hash.Remove(B("b")));
        Assert.False(hash.Remove(B("b")));
        Assert.Equal(3, hash.Count);
        Assert.Equal(["a=a", "c=c", "d=d"], Pairs(hash));
        Assert.Null(Get(hash, B("b")));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(600)]
    public void Clone_is_deep_and_keeps_the_encoding(int entries)
    {
        var hash = new HashValue();
        for (int i = 0; i < entries; i++) hash.Set(B("f" + i), B("v" + i), 512, 64);
        var copy = (HashValue)hash.Clone();
        Assert.Equal(hash.Encoding, copy.Encoding);
        Assert.Equal(entries, copy.Count);
        hash.Set(B("f0"), B("X0"), 512, 64);
        hash.Set(B("f1"), B("changed"), 512, 64);
        hash.Remove(B("f2"));
        Assert.Equal(B("v0"), Get(copy, B("f0")));
        Assert.Equal(B("v1"), Get(copy, B("f1")));
        Assert.Equal(B("v2"), Get(copy, B("f2")));
    }

    [Theory]
    [InlineData(512)]
    [InlineData(0)]
    public void Values_that_change_length_keep_every_other_pair_intact(int maxEntries)
    {
        // maxEntries 0 makes a hashtable from the first field; 512 keeps a listpack.
        var hash = new HashValue();
        var expected = new Dictionary<string, string>();
        var random = new Random(7);
        for (int step = 0; step < 3000; step++)
        {
            string field = "f" + random.Next(40);
            // Lengths around 127/128 cross the one- to two-byte length prefix.
            string value = new string((char)('a' + random.Next(26)), random.Next(3) == 0 ? 126 + random.Next(4) : random.Next(12));
            if (random.Next(5) == 0)
            {
                Assert.Equal(expected.Remove(field), hash.Remove(B(field)));
                continue;
            }
            Assert.Equal(!expected.ContainsKey(field), hash.Set(B(field), B(value), maxEntries, 200));
            expected[field] = value;
        }
        Assert.Equal(maxEntries == 0 ? "hashtable" : "listpack", hash.Encoding);
        Assert.Equal(expected.Count, hash.Count);
        foreach (var (field, value) in expected) Assert.Equal(B(value), Get(hash, B(field)));
        Assert.Equal(expected.Select(p => p.Key + "=" + p.Value).Order(), Pairs(hash).Order());
    }

    [Fact]
    public void Positions_address_every_pair_in_both_encodings()
    {
        foreach (int maxEntries in new[] { 512, 0 })
        {
            var hash = new HashValue();
            for (int i = 0; i < 20; i++) hash.Set(B("f" + i), B("v" + i), maxEntries, 64);
            var seen = new HashSet<string>();
            foreach (int position in hash.Positions())
            {
                var pair = hash.PairAt(position);
                Assert.Equal("v" + Encoding.ASCII.GetString(pair.Field)[1..], Encoding.ASCII.GetString(pair.Value));
                seen.Add(Encoding.ASCII.GetString(pair.Field));
            }
            Assert.Equal(20, seen.Count);
            // Like Redis, the table picks a bucket, then a pair in its chain: pairs that share a bucket come up less
            // often, and the layout depends on the process's hash seed. 3,000 draws miss none in practice.
            var random = new Random(3);
            for (int i = 0; i < 3000; i++) seen.Remove(Encoding.ASCII.GetString(hash.PairAt(hash.RandomPosition(random)).Field));
            Assert.Empty(seen);
        }
    }
}
