using System.Text;
using Spinel.Storage;

namespace Spinel.Tests.Storage;

public sealed class SetValueTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private static List<string> Members(SetValue set)
    {
        var list = new List<string>();
        foreach (var m in set) list.Add(Encoding.ASCII.GetString(m));
        return list;
    }

    [Fact]
    public void Integers_stay_an_intset_in_ascending_order()
    {
        var set = new SetValue();
        foreach (var m in new[] { "5", "-3", "100", "0", "5" }) set.Add(B(m), 512);
        Assert.Equal("intset", set.Encoding);
        Assert.Equal(4, set.Count);
        Assert.Equal(["-3", "0", "5", "100"], Members(set));
        Assert.True(set.Contains(B("100")));
        Assert.False(set.Contains(B("0100")));
        Assert.False(set.Contains(B("x")));
    }

    [Fact]
    public void A_non_canonical_integer_converts_to_a_hashtable_keeping_every_member()
    {
        var set = new SetValue();
        set.Add(B("1"), 512);
        set.Add(B("2"), 512);
        Assert.True(set.Add(B("01"), 512));
        Assert.Equal("hashtable", set.Encoding);
        Assert.Equal(["01", "1", "2"], Members(set).Order().ToList());
        Assert.True(set.Contains(B("1")));
        Assert.True(set.Remove(B("01")));
        Assert.Equal("hashtable", set.Encoding);
    }

    [Fact]
    public void Passing_the_intset_limit_converts_to_a_hashtable()
    {
        var set = new SetValue();
        for (int i = 0; i < 4; i++) set.Add(B(i.ToString()), 4);
        Assert.Equal("intset", set.Encoding);
        set.Add(B("4"), 4);
        Assert.Equal("hashtable", set.Encoding);
        Assert.Equal(5, set.Count);
        for (int i = 0; i < 5; i++) Assert.True(set.Contains(B(i.ToString())));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Clone_is_independent_of_the_original(bool hashtable)
    {
        var set = new SetValue();
        set.Add(B("1"), 512);
        if (hashtable) set.Add(B("a"), 512);
        var copy = (SetValue)set.Clone();
        copy.Add(B("2"), 512);
        copy.Remove(B("1"));
        Assert.True(set.Contains(B("1")));
        Assert.False(set.Contains(B("2")));
        Assert.Equal(hashtable ? "hashtable" : "intset", set.Encoding);
        Assert.Equal(hashtable ? 2 : 1, set.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PopRandom_removes_each_member_exactly_once(bool hashtable)
    {
        var set = new SetValue();
        for (int i = 0; i < 200; i++) set.Add(B(i.ToString()), hashtable ? 10 : 512);
        var seen = new HashSet<string>();
        var random = new Random(1);
        while (set.Count > 0) Assert.True(seen.Add(Encoding.ASCII.GetString(set.PopRandom(random))));
        Assert.Equal(200, seen.Count);
    }
}
