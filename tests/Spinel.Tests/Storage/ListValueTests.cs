using System.Text;
using Spinel.Storage;

namespace Spinel.Tests.Storage;

public sealed class ListValueTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private static List<string> Items(ListValue list)
    {
        var items = new List<string>();
        foreach (var element in list) items.Add(Encoding.ASCII.GetString(element));
        return items;
    }

    private static List<string> ItemsReversed(ListValue list)
    {
        var items = new List<string>();
        foreach (var element in list.Walk(-1, reverse: true)) items.Add(Encoding.ASCII.GetString(element));
        return items;
    }

    [Fact]
    public void Pushes_at_both_ends_and_pops_come_back_in_deque_order()
    {
        var list = new ListValue();
        list.PushBack(B("b"));
        list.PushFront(B("a"));
        list.PushBack(B("c"));
        Assert.Equal(3, list.Count);
        Assert.Equal("quicklist", list.Encoding);
        Assert.Equal(RedisType.List, list.Type);
        Assert.Equal(["a", "b", "c"], Items(list));
        Assert.Equal(["c", "b", "a"], ItemsReversed(list));
        Assert.Equal(B("a"), list.PopFront().ToArray());
        Assert.Equal(B("c"), list.PopBack().ToArray());
        Assert.Equal(B("b"), list.Pop(front: true).ToArray());
        Assert.Equal(0, list.Count);
        Assert.Equal(0, list.NodeCount);
        list.Validate();
    }

    [Fact]
    public void A_popped_element_stays_readable_until_the_list_changes()
    {
        var list = new ListValue(1);
        list.PushBack(B("only-in-its-node"));
        list.PushBack(B("next"));
        var popped = list.PopFront();  // its node is removed
        Assert.Equal("only-in-its-node", Encoding.ASCII.GetString(popped));
        Assert.Equal(1, list.NodeCount);
    }

    [Theory]
    [InlineData(-1, 4096)]
    [InlineData(-2, 8192)]
    [InlineData(-5, 65536)]
    [InlineData(-100, 65536)]
    public void A_negative_size_setting_caps_node_bytes(int setting, int maxBytes)
    {
        var list = new ListValue(setting);
        var element = new byte[100];  // 102 bytes encoded
        int perNode = maxBytes / 102;
        for (int i = 0; i < perNode * 3; i++) list.PushBack(element);
        Assert.Equal(3, list.NodeCount);
        list.PushFront(element);
        Assert.Equal(4, list.NodeCount);
        list.Validate();
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(0, 1)]
    [InlineData(5, 5)]
    [InlineData(1000, 1000)]
    public void A_positive_size_setting_caps_node_elements(int setting, int perNode)
    {
        var list = new ListValue(setting);
        for (int i = 0; i < perNode * 4; i++) list.PushFront(B("x"));
        Assert.Equal(4, list.NodeCount);
        list.Validate();
    }

    [Fact]
    public void A_positive_size_setting_still_caps_node_bytes_at_8_KB()
    {
        var list = new ListValue(1000);
        for (int i = 0; i < 100; i++) list.PushBack(new byte[1000]);
        Assert.True(list.NodeCount >= 13);
        list.Validate();
    }

    [Fact]
    public void An_element_bigger_than_a_node_gets_a_node_of_its_own()
    {
        var list = new ListValue(-1);
        list.PushBack(B("a"));
        list.PushBack(new byte[10000]);
        list.PushBack(B("b"));
        list.PushFront(new byte[5000]);
        Assert.Equal(4, list.Count);
        Assert.Equal(4, list.NodeCount);
        Assert.True(list.TryGet(2, out var big));
        Assert.Equal(10000, big.Length);
        Assert.True(list.TrySet(2, B("small")));
        Assert.True(list.TrySet(0, new byte[20000]));
        Assert.True(list.TryGet(0, out var bigger));
        Assert.Equal(20000, bigger.Length);
        Assert.True(list.TryGet(-2, out var small));
        Assert.Equal(B("small"), small.ToArray());
        list.Validate();
    }

    [Fact]
    public void Index_access_counts_from_either_end()
    {
        var list = new ListValue(3);
        for (int i = 0; i < 20; i++) list.PushBack(B(i.ToString()));
        for (int i = 0; i < 20; i++)
        {
            Assert.True(list.TryGet(i, out var forward));
            Assert.Equal(i.ToString(), Encoding.ASCII.GetString(forward));
            Assert.True(list.TryGet(i - 20, out var backward));
            Assert.Equal(i.ToString(), Encoding.ASCII.GetString(backward));
        }
        Assert.False(list.TryGet(20, out _));
        Assert.False(list.TryGet(-21, out _));
        Assert.False(list.TryGet(long.MinValue, out _));
        Assert.False(list.TrySet(20, B("x")));
    }

    [Fact]
    public void Walks_start_anywhere_and_go_either_way()
    {
        var list = new ListValue(2);
        for (int i = 0; i < 7; i++) list.PushBack(B(i.ToString()));
        var forward = new List<string>();
        foreach (var e in list.Walk(3)) forward.Add(Encoding.ASCII.GetString(e));
        Assert.Equal(["3", "4", "5", "6"], forward);
        var backward = new List<string>();
        foreach (var e in list.Walk(3, reverse: true)) backward.Add(Encoding.ASCII.GetString(e));
        Assert.Equal(["3", "2", "1", "0"], backward);
        foreach (var e in list.Walk(7)) Assert.Fail("walked past the end");
    }

    [Fact]
    public void Insert_finds_the_first_pivot_and_splits_full_nodes()
    {
        var list = new ListValue(2);
        foreach (var s in new[] { "a", "b", "c", "b" }) list.PushBack(B(s));
        Assert.True(list.Insert(B("b"), B("X"), after: false));
        Assert.True(list.Insert(B("b"), B("Y"), after: true));
        Assert.True(list.Insert(B("b"), B("Z"), after: true));
        Assert.False(list.Insert(B("nope"), B("W"), after: true));
        Assert.Equal(["a", "X", "b", "Z", "Y", "c", "b"], Items(list));
        list.Validate();
    }

    [Fact]
    public void Remove_takes_matches_from_the_chosen_end_and_merges_what_is_left()
    {
        var list = new ListValue(4);
        for (int i = 0; i < 40; i++) list.PushBack(B(i % 3 == 0 ? "x" : "k" + i));
        Assert.Equal(2, list.Remove(B("x"), 2, fromTail: false));
        Assert.True(list.TryGet(0, out var first));
        Assert.Equal("k1", Encoding.ASCII.GetString(first));
        Assert.Equal(2, list.Remove(B("x"), 2, fromTail: true));
        Assert.True(list.TryGet(-1, out var last));
        Assert.Equal("k38", Encoding.ASCII.GetString(last));
        Assert.Equal(10, list.Remove(B("x"), 0, fromTail: false));
        Assert.Equal(0, list.Remove(B("x"), 0, fromTail: true));
        Assert.Equal(26, list.Count);
        Assert.InRange(list.NodeCount, 7, 10);
        list.Validate();
    }

    [Fact]
    public void RemoveFirst_and_RemoveLast_drop_whole_nodes_then_part_of_one()
    {
        var list = new ListValue(3);
        for (int i = 0; i < 10; i++) list.PushBack(B(i.ToString()));
        list.RemoveFirst(4);
        list.RemoveLast(2);
        Assert.Equal(["4", "5", "6", "7"], Items(list));
        list.RemoveLast(100);
        Assert.Equal(0, list.Count);
        Assert.Equal(0, list.NodeCount);
        list.Validate();
    }

    [Fact]
    public void Clone_is_deep()
    {
        var list = new ListValue(2);
        for (int i = 0; i < 9; i++) list.PushBack(B("v" + i));
        var copy = (ListValue)list.Clone();
        list.TrySet(0, B("changed"));
        list.PopBack();
        list.Remove(B("v4"), 0, false);
        Assert.Equal(9, copy.Count);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => "v" + i), Items(copy));
        copy.Validate();
        copy.PushFront(B("more"));
        Assert.Equal(10, copy.Count);
    }

    [Fact]
    public void A_long_queue_holds_about_one_object_per_node()
    {
        var list = new ListValue();
        var element = B("element");  // 9 bytes encoded: ~910 per 8 KB node
        for (int i = 0; i < 200_000; i++) list.PushBack(element);
        Assert.InRange(list.NodeCount, 200_000 / 911, 200_000 / 900 + 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200_000; i++)
        {
            list.PushBack(element);
            list.PopFront();
        }
        // Head nodes that empty are recycled as tail nodes: the queue allocates (almost) nothing in steady state.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024);
        list.Validate();
    }

    [Theory]
    [InlineData(-2, 1)]
    [InlineData(-1, 2)]
    [InlineData(-5, 3)]
    [InlineData(1, 4)]
    [InlineData(3, 5)]
    [InlineData(0, 6)]
    [InlineData(16, 7)]
    public void Random_operations_match_a_reference_list(int sizeSetting, int seed)
    {
        var random = new Random(seed);
        var list = new ListValue(sizeSetting);
        var reference = new List<byte[]>();
        byte[] Element()
        {
            int kind = random.Next(10);
            // Lengths around 127/128 cross the one- to two-byte length prefix; a few exceed a whole node.
            int length = kind < 5 ? random.Next(4) : kind < 9 ? 120 + random.Next(16) : random.Next(3) == 0 ? 70_000 : 3000 + random.Next(2000);
            var e = new byte[length];
            if (length > 0) e[0] = (byte)('a' + random.Next(3));
            if (length > 1) e[^1] = (byte)random.Next(8);
            return e;
        }
        int maxNodes = 0;
        for (int step = 0; step < 12000; step++)
        {
            // Phases of growth and of shrinking, so lists span many nodes and also empty out.
            int op = random.Next(100);
            if (step % 4000 >= 3000 && op < 45) op += 45;
            if (op < 20)
            {
                var e = Element();
                list.PushFront(e);
                reference.Insert(0, e);
            }
            else if (op < 45)
            {
                var e = Element();
                list.PushBack(e);
                reference.Add(e);
            }
            else if (op < 60 && reference.Count > 0)
            {
                bool front = random.Next(2) == 0;
                int at = front ? 0 : reference.Count - 1;
                Assert.Equal(reference[at], list.Pop(front).ToArray());
                reference.RemoveAt(at);
            }
            else if (op < 65)
            {
                var pivot = reference.Count > 0 && random.Next(4) > 0 ? reference[random.Next(reference.Count)] : Element();
                var e = Element();
                bool after = random.Next(2) == 0;
                int at = reference.FindIndex(x => x.AsSpan().SequenceEqual(pivot));
                Assert.Equal(at >= 0, list.Insert(pivot, e, after));
                if (at >= 0) reference.Insert(after ? at + 1 : at, e);
            }
            else if (op < 70)
            {
                var e = reference.Count > 0 ? reference[random.Next(reference.Count)] : Element();
                long limit = random.Next(8) == 0 ? 0 : 1 + random.Next(3);
                bool fromTail = random.Next(2) == 0;
                long removed = 0;
                for (int k = fromTail ? reference.Count - 1 : 0; k >= 0 && k < reference.Count && (limit == 0 || removed < limit);)
                {
                    if (reference[k].AsSpan().SequenceEqual(e))
                    {
                        reference.RemoveAt(k);
                        removed++;
                        if (fromTail) k--;
                    }
                    else
                    {
                        k += fromTail ? -1 : 1;
                    }
                }
                Assert.Equal(removed, list.Remove(e, limit, fromTail));
            }
            else if (op < 83)
            {
                long index = random.Next(-reference.Count - 2, reference.Count + 2);
                var e = Element();
                long at = index < 0 ? index + reference.Count : index;
                bool inRange = at >= 0 && at < reference.Count;
                Assert.Equal(inRange, list.TrySet(index, e));
                if (inRange) reference[(int)at] = e;
            }
            else if (op < 85)
            {
                int first = random.Next(Math.Min(reference.Count, 4) + 1);
                int last = random.Next(Math.Min(reference.Count - first, 4) + 1);
                list.RemoveFirst(first);
                list.RemoveLast(last);
                reference.RemoveRange(0, first);
                reference.RemoveRange(reference.Count - last, last);
            }
            else
            {
                long index = random.Next(-reference.Count - 2, reference.Count + 2);
                long at = index < 0 ? index + reference.Count : index;
                bool inRange = at >= 0 && at < reference.Count;
                Assert.Equal(inRange, list.TryGet(index, out var got));
                if (inRange) Assert.Equal(reference[(int)at], got.ToArray());
            }
            Assert.Equal(reference.Count, list.Count);
            maxNodes = Math.Max(maxNodes, list.NodeCount);
            if (step % 50 == 0)
            {
                list.Validate();
                AssertSame(reference, list);
            }
        }
        list.Validate();
        AssertSame(reference, list);
        Assert.True(maxNodes >= 40, $"{sizeSetting}: {maxNodes} nodes at most, {reference.Count} left");
        var copy = (ListValue)list.Clone();
        copy.Validate();
        AssertSame(reference, copy);
    }

    private static void AssertSame(List<byte[]> reference, ListValue list)
    {
        int i = 0;
        foreach (var e in list) Assert.True(reference[i++].AsSpan().SequenceEqual(e));
        Assert.Equal(reference.Count, i);
        foreach (var e in list.Walk(-1, reverse: true)) Assert.True(reference[--i].AsSpan().SequenceEqual(e));
        Assert.Equal(0, i);
    }
}
