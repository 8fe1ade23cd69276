using System.Text;
using Spinel.Storage;

namespace Spinel.Tests.Storage;

public sealed class SortedSetValueTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private static string S(ReadOnlySpan<byte> b) => Encoding.ASCII.GetString(b);

    private static List<(string Member, double Score)> Items(SortedSetValue set, bool reverse = false)
    {
        var items = new List<(string, double)>();
        for (var walk = set.Walk(reverse ? set.Count - 1 : 0, reverse); walk.MoveNext();) items.Add((S(walk.Member), walk.Score));
        return items;
    }

    private static void Add(SortedSetValue set, string member, double score, long maxEntries = 128, long maxValue = 64) =>
        set.Add(B(member), score, ZAddFlags.None, maxEntries, maxValue, out _);

    [Fact]
    public void Members_are_ordered_by_score_then_by_unsigned_bytes_shorter_first()
    {
        foreach (bool big in new[] { false, true })
        {
            var set = big ? SortedSetValue.CreateSkiplist() : new SortedSetValue();
            byte[][] members = [B("b"), B("ab"), B("a"), [0xff], B("z"), [0x80]];
            double[] scores = [1, 1, 1, 0, -1, 1];
            for (int i = 0; i < members.Length; i++) set.Add(members[i], scores[i], ZAddFlags.None, 128, 64, out _);
            Assert.Equal(big ? "skiplist" : "listpack", set.Encoding);
            var order = new List<byte[]>();
            for (var walk = set.Walk(); walk.MoveNext();) order.Add(walk.Member.ToArray());
            Assert.Equal([B("z"), [0xff], B("a"), B("ab"), B("b"), [0x80]], order);
            Assert.Equal(4, set.RankOf(B("b")));
            Assert.Equal(1, set.RankOf(B("b"), reverse: true));
            Assert.Equal(-1, set.RankOf(B("nope")));
        }
    }

    [Fact]
    public void Add_follows_zadd_flags()
    {
        var set = new SortedSetValue();
        Assert.Equal(ZAddResult.Added, set.Add(B("a"), 5, ZAddFlags.None, 128, 64, out double s));
        Assert.Equal(5, s);
        Assert.Equal(ZAddResult.Skipped, set.Add(B("a"), 1, ZAddFlags.NX, 128, 64, out _));
        Assert.Equal(ZAddResult.Skipped, set.Add(B("b"), 1, ZAddFlags.XX, 128, 64, out _));
        Assert.Equal(ZAddResult.Skipped, set.Add(B("a"), 4, ZAddFlags.GT, 128, 64, out _));
        Assert.Equal(ZAddResult.Updated, set.Add(B("a"), 6, ZAddFlags.GT, 128, 64, out s));
        Assert.Equal(6, s);
        Assert.Equal(ZAddResult.Skipped, set.Add(B("a"), 7, ZAddFlags.LT, 128, 64, out _));
        Assert.Equal(ZAddResult.Unchanged, set.Add(B("a"), 6, ZAddFlags.None, 128, 64, out _));
        Assert.Equal(ZAddResult.Updated, set.Add(B("a"), 1.5, ZAddFlags.Incr, 128, 64, out s));
        Assert.Equal(7.5, s);
        Assert.Equal(ZAddResult.Updated, set.Add(B("a"), double.PositiveInfinity, ZAddFlags.None, 128, 64, out _));
        Assert.Equal(ZAddResult.NaN, set.Add(B("a"), double.NegativeInfinity, ZAddFlags.Incr, 128, 64, out _));
        Assert.True(set.TryGetScore(B("a"), out s));
        Assert.Equal(double.PositiveInfinity, s);
    }

    [Fact]
    public void A_listpack_drops_the_sign_of_zero_and_the_big_encoding_keeps_it()
    {
        var small = new SortedSetValue();
        Add(small, "a", -0.0);
        Assert.True(small.TryGetScore(B("a"), out double s));
        Assert.False(double.IsNegative(s));
        var big = SortedSetValue.CreateSkiplist();
        Add(big, "a", -0.0);
        Assert.True(big.TryGetScore(B("a"), out s));
        Assert.True(double.IsNegative(s));
    }

    [Fact]
    public void Converts_past_the_entry_or_value_limit_and_never_back()
    {
        var set = new SortedSetValue();
        for (int i = 0; i < 4; i++) Add(set, "m" + i, i, maxEntries: 4);
        Assert.Equal("listpack", set.Encoding);
        Add(set, "m4", 4, maxEntries: 4);
        Assert.Equal("skiplist", set.Encoding);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => ("m" + i, (double)i)), Items(set));
        for (int i = 0; i < 4; i++) Assert.True(set.Remove(B("m" + i)));
        Assert.Equal("skiplist", set.Encoding);

        var wide = new SortedSetValue();
        Add(wide, "short", 1, maxValue: 5);
        Assert.Equal("listpack", wide.Encoding);
        // An update never converts; only a new member that is too long does.
        Add(wide, "short", 2, maxValue: 1);
        Assert.Equal("listpack", wide.Encoding);
        Add(wide, "longer", 1, maxValue: 5);
        Assert.Equal("skiplist", wide.Encoding);

        wide.ConvertToListpackIfFits(128, 64);
        Assert.Equal("listpack", wide.Encoding);
        Assert.Equal([("longer", 1.0), ("short", 2.0)], Items(wide));
    }

    [Fact]
    public void Score_and_lex_ranges_find_first_last_and_count()
    {
        foreach (bool big in new[] { false, true })
        {
            var set = big ? SortedSetValue.CreateSkiplist() : new SortedSetValue();
            for (int i = 0; i < 300; i++) Add(set, "m" + i.ToString("D3"), i / 3, maxEntries: 1000);
            Assert.True(ScoreRange.TryParse(B("(10"), B("20"), out var range));
            Assert.Equal(33, set.FirstInRange(range));
            Assert.Equal(62, set.LastInRange(range));
            Assert.Equal(30, set.CountInRange(range));
            Assert.True(ScoreRange.TryParse(B("-inf"), B("(0"), out range));
            Assert.Equal(-1, set.FirstInRange(range));
            Assert.Equal(0, set.CountInRange(range));
            Assert.True(ScoreRange.TryParse(B("99"), B("+inf"), out range));
            Assert.Equal(297, set.FirstInRange(range));
            Assert.Equal(299, set.LastInRange(range));
            Assert.True(ScoreRange.TryParse(B("100"), B("inf"), out range));
            Assert.Equal(-1, set.LastInRange(range));

            var same = big ? SortedSetValue.CreateSkiplist() : new SortedSetValue();
            foreach (var m in new[] { "a", "b", "c", "d", "e" }) Add(same, m, 0);
            Assert.True(LexRange.TryParse(B("(b"), B("[d"), out var lex));
            Assert.Equal(2, same.FirstInLexRange(lex));
            Assert.Equal(3, same.LastInLexRange(lex));
            Assert.True(LexRange.TryParse(B("-"), B("+"), out lex));
            Assert.Equal(0, same.FirstInLexRange(lex));
            Assert.Equal(4, same.LastInLexRange(lex));
            Assert.True(LexRange.TryParse(B("+"), B("-"), out lex));
            Assert.Equal(-1, same.FirstInLexRange(lex));
            Assert.True(LexRange.TryParse(B("(e"), B("+"), out lex));
            Assert.Equal(-1, same.FirstInLexRange(lex));
            Assert.True(LexRange.TryParse(B("-"), B("(a"), out lex));
            Assert.Equal(-1, same.LastInLexRange(lex));
        }
    }

    [Fact]
    public void Range_parsing_follows_redis()
    {
        Assert.True(ScoreRange.TryParse(B(""), B("("), out var r));
        Assert.Equal(0, r.Min);
        Assert.True(r.MaxExclusive);
        Assert.True(ScoreRange.TryParse(B(" 1"), B("1e400"), out r));
        Assert.Equal(double.PositiveInfinity, r.Max);
        Assert.False(ScoreRange.TryParse(B("nan"), B("1"), out _));
        Assert.False(ScoreRange.TryParse(B("1 "), B("1"), out _));
        Assert.False(ScoreRange.TryParse(B("1"), B("(x"), out _));
        Assert.False(LexRange.TryParse(B("a"), B("+"), out _));
        Assert.False(LexRange.TryParse(B(""), B("+"), out _));
        Assert.False(LexRange.TryParse(B("-"), B("+x"), out _));
    }

    [Fact]
    public void Clone_shares_nothing_mutable()
    {
        var set = new SortedSetValue();
        for (int i = 0; i < 200; i++) Add(set, "m" + i, i);
        var copy = (SortedSetValue)set.Clone();
        Add(set, "m1", 1000);
        Assert.True(copy.TryGetScore(B("m1"), out double s));
        Assert.Equal(1, s);
        Assert.Equal(200, copy.Count);
    }

    [Theory]
    [InlineData(1, 128)]
    [InlineData(2, 16)]
    [InlineData(3, 0)]
    [InlineData(4, 100000)]
    public void Random_operations_match_a_sorted_list_model(int seed, int maxEntries)
    {
        var random = new Random(seed);
        var set = new SortedSetValue();
        var model = new List<(double Score, string Member)>();
        int Compare((double Score, string Member) a, (double Score, string Member) b) =>
            SortedSetOrder.Compare(a.Score, B(a.Member), b.Score, B(b.Member));
        int Find(string m) => model.FindIndex(x => x.Member == m);
        void ModelSet(string m, double score)
        {
            int at = Find(m);
            if (at >= 0) model.RemoveAt(at);
            if (set.IsListpack && score == 0) score = 0;
            var item = (score, m);
            int pos = 0;
            while (pos < model.Count && Compare(model[pos], item) < 0) pos++;
            model.Insert(pos, item);
        }

        double[] scores = [0, -0.0, 1, 1.5, -3, 1e300, -1e-300, double.PositiveInfinity, double.NegativeInfinity];
        int universe = maxEntries == 16 ? 40 : 3000;
        for (int step = 0; step < 20000; step++)
        {
            string m = "m" + random.Next(universe);
            int op = random.Next(100);
            if (op < 55)
            {
                double score = random.Next(4) == 0 ? scores[random.Next(scores.Length)] : random.Next(200) / 4.0;
                set.Add(B(m), score, ZAddFlags.None, maxEntries, 64, out _);
                ModelSet(m, score);
            }
            else if (op < 75)
            {
                int at = Find(m);
                Assert.Equal(at >= 0, set.Remove(B(m)));
                if (at >= 0) model.RemoveAt(at);
            }
            else if (op < 80 && model.Count > 0)
            {
                int start = random.Next(model.Count);
                int count = random.Next(Math.Min(10, model.Count - start) + 1);
                set.RemoveRange(start, count);
                model.RemoveRange(start, count);
            }
            else if (op < 90)
            {
                int at = Find(m);
                Assert.Equal(at, set.RankOf(B(m)));
                Assert.Equal(at >= 0, set.TryGetScore(B(m), out double score));
                if (at >= 0) Assert.Equal(model[at].Score, score);
            }
            else if (model.Count > 0)
            {
                double a = random.Next(-10, 60), b = random.Next(-10, 60);
                bool aEx = random.Next(2) == 0, bEx = random.Next(2) == 0;
                var range = new ScoreRange(a, aEx, b, bEx);
                int first = model.FindIndex(x => range.GteMin(x.Score) && range.LteMax(x.Score));
                int last = model.FindLastIndex(x => range.GteMin(x.Score) && range.LteMax(x.Score));
                Assert.Equal(first, set.FirstInRange(range));
                Assert.Equal(last, set.LastInRange(range));
                int r = random.Next(model.Count);
                var walk = set.Walk(r, reverse: random.Next(2) == 0);
                Assert.True(walk.MoveNext());
                Assert.Equal(model[r].Member, S(walk.Member));
            }
            Assert.Equal(model.Count, set.Count);
            if (step % 500 == 0 || step == 19999)
            {
                set.Validate();
                var items = Items(set);
                Assert.Equal(model.Select(x => x.Member), items.Select(x => x.Member));
                Assert.Equal(model.Select(x => x.Score), items.Select(x => x.Score));
                var reversed = Items(set, reverse: true);
                reversed.Reverse();
                Assert.Equal(items, reversed);
            }
        }
    }

    [Fact]
    public void A_big_tree_survives_ascending_descending_and_random_loads_and_full_deletion()
    {
        var set = SortedSetValue.CreateSkiplist();
        for (int i = 0; i < 20000; i++) Add(set, "a" + i, i);
        for (int i = 0; i < 20000; i++) Add(set, "d" + i, -i);
        var random = new Random(7);
        for (int i = 0; i < 20000; i++) Add(set, "r" + i, random.NextDouble() * 1000);
        set.Validate();
        Assert.Equal(60000, set.Count);
        Assert.Equal(0, set.RankOf(B("d19999")));
        Assert.Equal(59999, set.RankOf(B("a19999")));
        var order = Enumerable.Range(0, 60000).OrderBy(_ => random.Next()).ToList();
        int n = 0;
        foreach (int i in order)
        {
            string m = i < 20000 ? "a" + i : i < 40000 ? "d" + (i - 20000) : "r" + (i - 40000);
            Assert.True(set.Remove(B(m)));
            if (++n % 5000 == 0) set.Validate();
        }
        Assert.Equal(0, set.Count);
        set.Validate();
        Add(set, "again", 1);
        Assert.Equal(0, set.RankOf(B("again")));
    }
}
