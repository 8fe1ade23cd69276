using System.Text;
using Spinel.Storage;

namespace Spinel.Tests.Storage;

public sealed class HashValueTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    [Fact]
    public void A_small_hash_is_a_listpack_that_keeps_insertion_order()
    {
        var hash = new HashValue();
        Assert.True(hash.Set(B("b"), B("1"), 512, 64));
        Assert.True(hash.Set(B("a"), B("2"), 512, 64));
        Assert.False(hash.Set(B("b"), B("3"), 512, 64));
        Assert.Equal("listpack", hash.Encoding);
        var fields = new List<string>();
        foreach (var (field, value) in hash) fields.Add(Encoding.ASCII.GetString(field) + "=" + Encoding.ASCII.GetString(value));
        Assert.Equal(["b=3", "a=2"], fields);
    }

    [Fact]
    public void Passing_the_entry_limit_converts_to_a_hashtable_for_good()
    {
        var hash = new HashValue();
        for (int i = 0; i < 4; i++) hash.Set(B("f" + i), B("v" + i), 4, 64);
        Assert.Equal("listpack", hash.Encoding);
        hash.Set(B("f4"), B("v4"), 4, 64);
        Assert.Equal("hashtable", hash.Encoding);
        for (int i = 0; i < 5; i++) Assert.Equal(B("v" + i), hash.Get(B("f" + i)));
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
        Assert.Equal(B("a"), hash.FieldAt(0));
        Assert.Equal(B("c"), hash.FieldAt(1));
        Assert.Equal(B("d"), hash.FieldAt(2));
        Assert.Null(hash.Get(B("b")));
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
        hash.Get(B("f0"))![0] = (byte)'X';
        hash.Set(B("f1"), B("changed"), 512, 64);
        hash.Remove(B("f2"));
        Assert.Equal(B("v0"), copy.Get(B("f0")));
        Assert.Equal(B("v1"), copy.Get(B("f1")));
        Assert.Equal(B("v2"), copy.Get(B("f2")));
    }
}
