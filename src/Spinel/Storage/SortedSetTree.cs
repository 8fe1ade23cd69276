using System.Runtime.CompilerServices;

namespace Spinel.Storage;

/// <summary>An entry of <see cref="SortedSetTree"/>: the score (kept beside the reference so searches stay in the node) and the member's <see cref="ScoredMember"/> array.</summary>
public struct TreeItem
{
    public double Score;
    public byte[] Stored;

    public TreeItem(double score, byte[] stored)
    {
        Score = score;
        Stored = stored;
    }

    public readonly ReadOnlySpan<byte> Member => ScoredMember.KeyOf(Stored);

    public readonly int CompareTo(double score, ReadOnlySpan<byte> member) => SortedSetOrder.Compare(Score, Member, score, member);
}

/// <summary>
/// How a descent through <see cref="SortedSetTree"/> picks its way: at an inner node it goes into the child
/// before the first separator for which <see cref="Above"/> holds; in a leaf it stops at the first item for
/// which <see cref="AtOrAfter"/> holds. Both must be monotone over the tree's order.
/// </summary>
public interface ITreeSearch
{
    bool Above(in TreeItem separator);

    bool AtOrAfter(in TreeItem item);
}

/// <summary>
/// The order of a big sorted set: an order-statistic B+tree. Leaves hold up to 64 member arrays in order
/// and are linked both ways for range walks; inner nodes hold each child's lower-bound key (for
/// descending by score or member) and its item count (for descending by rank). So insert, delete, rank and
/// the start of a range are O(log n), and memory is about 10 bytes an item (a reference in a leaf about 85%
/// full) plus little per node, far less than a skiplist's node per member. Not thread-safe: the keyspace lock guards it.
/// </summary>
public sealed class SortedSetTree
{
    internal const int LeafCapacity = 64;
    internal const int InnerCapacity = 64;

    // A child at or below a quarter full merges with a neighbour when both fit in one node.
    private const int LeafMergeBelow = LeafCapacity / 4;
    private const int InnerMergeBelow = InnerCapacity / 4;

    public abstract class Node
    {
        /// <summary>Items in a leaf, children in an inner node.</summary>
        public int Count;
    }

    public sealed class Leaf : Node
    {
        /// <summary>The members' arrays; each score is read from its array, so an item costs one reference.</summary>
        public readonly byte[][] Items = new byte[LeafCapacity][];
        public Leaf? Prev;
        public Leaf? Next;
    }

    private sealed class Inner : Node
    {
        public readonly Node[] Children = new Node[InnerCapacity];

        /// <summary>Items under each child.</summary>
        public readonly int[] Sizes = new int[InnerCapacity];

        /// <summary>A lower bound of each child's items (its first item when it was added; deletions may leave it lower). Keys[0] is never consulted.</summary>
        public readonly TreeItem[] Keys = new TreeItem[InnerCapacity];
    }

    private Node _root = new Leaf();
    private Leaf _first;
    private Leaf _last;
    private int _count;

    public SortedSetTree()
    {
        _first = _last = (Leaf)_root;
    }

    public int Count => _count;

    /// <summary>The first leaf (for walking forward), never null; empty when the tree is.</summary>
    public Leaf First => _first;

    /// <summary>The last leaf (for walking backward).</summary>
    public Leaf Last => _last;

    // ---- searches ----

    /// <summary>Searches by the tree's order for the first item at or after (score, member).</summary>
    private readonly struct KeySearch(double score, byte[] stored) : ITreeSearch
    {
        public bool Above(in TreeItem separator) => separator.CompareTo(score, ScoredMember.KeyOf(stored)) > 0;

        public bool AtOrAfter(in TreeItem item) => item.CompareTo(score, ScoredMember.KeyOf(stored)) >= 0;
    }

    /// <summary>
    /// Descends to the first item for which <paramref name="search"/>.AtOrAfter holds and returns its rank
    /// (<see cref="Count"/> when there is none), with <paramref name="cursor"/> on it (invalid past the end).
    /// </summary>
    public int Find<TSearch>(ref TSearch search, out TreeCursor cursor)
        where TSearch : struct, ITreeSearch
    {
        int rank = 0;
        var node = _root;
        while (node is Inner inner)
        {
            int ci = Route(inner, ref search);
            for (int i = 0; i < ci; i++) rank += inner.Sizes[i];
            node = inner.Children[ci];
        }
        var leaf = (Leaf)node;
        int index = LeafSearch(leaf, ref search);
        rank += index;
        cursor = new TreeCursor(leaf, index);
        if (index == leaf.Count) cursor = new TreeCursor(leaf.Next, 0);
        return rank;
    }

    /// <summary>The cursor on the item at <paramref name="rank"/> (0-based, in order); invalid when out of range.</summary>
    public TreeCursor At(int rank)
    {
        if ((uint)rank >= (uint)_count) return default;
        // Near either end, the end leaves are closer than a descent.
        if (rank < _first.Count) return new TreeCursor(_first, rank);
        int fromEnd = _count - 1 - rank;
        if (fromEnd < _last.Count) return new TreeCursor(_last, _last.Count - 1 - fromEnd);
        var node = _root;
        while (node is Inner inner)
        {
            int ci = 0;
            while (rank >= inner.Sizes[ci])
            {
                rank -= inner.Sizes[ci];
                ci++;
            }
            node = inner.Children[ci];
        }
        return new TreeCursor((Leaf)node, rank);
    }

    /// <summary>The rank of the item (score, stored), which must be in the tree.</summary>
    public int RankOf(double score, byte[] stored)
    {
        var search = new KeySearch(score, stored);
        return Find(ref search, out _);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Route<TSearch>(Inner inner, ref TSearch search)
        where TSearch : struct, ITreeSearch
    {
        // First separator (from 1) that is above the target; the child before it.
        int lo = 1, hi = inner.Count;
        var keys = inner.Keys;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (search.Above(keys[mid])) hi = mid;
            else lo = mid + 1;
        }
        return lo - 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LeafSearch<TSearch>(Leaf leaf, ref TSearch search)
        where TSearch : struct, ITreeSearch
    {
        int lo = 0, hi = leaf.Count;
        var items = leaf.Items;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (search.AtOrAfter(ItemOf(items[mid]))) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    // ---- insert ----

    /// <summary>Adds an item; the member must not be in the tree already.</summary>
    public void Insert(double score, byte[] stored)
    {
        var item = new TreeItem(score, stored);
        var search = new KeySearch(score, stored);
        var split = InsertInto(_root, in item, ref search);
        _count++;
        if (split is null) return;
        var root = new Inner { Count = 2 };
        root.Children[0] = _root;
        root.Children[1] = split;
        root.Sizes[0] = SizeOf(_root);
        root.Sizes[1] = SizeOf(split);
        root.Keys[0] = FirstKey(_root);
        root.Keys[1] = FirstKey(split);
        _root = root;
    }

    /// <summary>Inserts under <paramref name="node"/>; returns the new right sibling when the node split.</summary>
    private Node? InsertInto(Node node, in TreeItem item, ref KeySearch search)
    {
        if (node is Leaf leaf) return InsertIntoLeaf(leaf, item.Stored, LeafSearch(leaf, ref search));
        var inner = (Inner)node;
        int ci = Route(inner, ref search);
        if (inner.Children[ci] is Leaf { Count: LeafCapacity } full && TryShiftToSibling(inner, ci, full, item.Stored, LeafSearch(full, ref search))) return null;
        inner.Sizes[ci]++;
        var split = InsertInto(inner.Children[ci], in item, ref search);
        if (split is null) return null;
        inner.Sizes[ci] = SizeOf(inner.Children[ci]);
        return InsertChild(inner, ci + 1, split, SizeOf(split), FirstKey(split));
    }

    /// <summary>
    /// Makes room in a full leaf by handing one item to a neighbouring leaf with space, instead of splitting:
    /// leaves then stay about 85% full rather than 70%, which is most of the tree's memory.
    /// </summary>
    private static bool TryShiftToSibling(Inner inner, int ci, Leaf leaf, byte[] item, int at)
    {
        if (ci > 0 && inner.Children[ci - 1] is Leaf { Count: < LeafCapacity } left)
        {
            if (at == 0)
            {
                // Below the leaf's first item but not below its bound: it ends the left leaf.
                left.Items[left.Count++] = item;
                inner.Keys[ci] = ItemOf(leaf.Items[0]);
            }
            else
            {
                left.Items[left.Count++] = leaf.Items[0];
                Array.Copy(leaf.Items, 1, leaf.Items, 0, at - 1);
                leaf.Items[at - 1] = item;
                inner.Keys[ci] = ItemOf(leaf.Items[0]);
            }
            inner.Sizes[ci - 1]++;
            return true;
        }
        if (ci + 1 < inner.Count && inner.Children[ci + 1] is Leaf { Count: < LeafCapacity } right)
        {
            if (at == LeafCapacity) InsertAt(right, 0, item);
            else
            {
                InsertAt(right, 0, leaf.Items[LeafCapacity - 1]);
                Array.Copy(leaf.Items, at, leaf.Items, at + 1, LeafCapacity - 1 - at);
                leaf.Items[at] = item;
            }
            inner.Keys[ci + 1] = ItemOf(right.Items[0]);
            inner.Sizes[ci + 1]++;
            return true;
        }
        return false;
    }

    private Leaf? InsertIntoLeaf(Leaf leaf, byte[] item, int at)
    {
        if (leaf.Count < LeafCapacity)
        {
            InsertAt(leaf, at, item);
            return null;
        }
        var right = new Leaf();
        if (at == LeafCapacity && leaf.Next is null)
        {
            // Appending past the last item: start a fresh leaf and keep this one full (ascending loads pack tight).
            right.Items[0] = item;
            right.Count = 1;
        }
        else
        {
            int half = LeafCapacity / 2;
            Array.Copy(leaf.Items, half, right.Items, 0, LeafCapacity - half);
            Array.Clear(leaf.Items, half, LeafCapacity - half);
            leaf.Count = half;
            right.Count = LeafCapacity - half;
            if (at <= half) InsertAt(leaf, at, item);
            else InsertAt(right, at - half, item);
        }
        right.Prev = leaf;
        right.Next = leaf.Next;
        if (leaf.Next is null) _last = right;
        else leaf.Next.Prev = right;
        leaf.Next = right;
        return right;
    }

    private static void InsertAt(Leaf leaf, int at, byte[] item)
    {
        var items = leaf.Items;
        if (at < leaf.Count) Array.Copy(items, at, items, at + 1, leaf.Count - at);
        items[at] = item;
        leaf.Count++;
    }

    /// <summary>Puts a child at slot <paramref name="at"/>; splits a full node and returns the new right half.</summary>
    private static Inner? InsertChild(Inner inner, int at, Node child, int size, in TreeItem key)
    {
        if (inner.Count < InnerCapacity)
        {
            PutChild(inner, at, child, size, key);
            return null;
        }
        var right = new Inner();
        int half = InnerCapacity / 2;
        MoveChildren(inner, half, right, 0, InnerCapacity - half);
        inner.Count = half;
        right.Count = InnerCapacity - half;
        if (at <= half) PutChild(inner, at, child, size, key);
        else PutChild(right, at - half, child, size, key);
        return right;
    }

    private static void PutChild(Inner inner, int at, Node child, int size, in TreeItem key)
    {
        int tail = inner.Count - at;
        if (tail > 0)
        {
            Array.Copy(inner.Children, at, inner.Children, at + 1, tail);
            Array.Copy(inner.Sizes, at, inner.Sizes, at + 1, tail);
            Array.Copy(inner.Keys, at, inner.Keys, at + 1, tail);
        }
        inner.Children[at] = child;
        inner.Sizes[at] = size;
        inner.Keys[at] = key;
        inner.Count++;
    }

    /// <summary>Moves <paramref name="n"/> child slots (child, size, key) and clears the source slots.</summary>
    private static void MoveChildren(Inner from, int fromAt, Inner to, int toAt, int n)
    {
        Array.Copy(from.Children, fromAt, to.Children, toAt, n);
        Array.Copy(from.Sizes, fromAt, to.Sizes, toAt, n);
        Array.Copy(from.Keys, fromAt, to.Keys, toAt, n);
        Array.Clear(from.Children, fromAt, n);
        Array.Clear(from.Keys, fromAt, n);
    }

    private static int SizeOf(Node node)
    {
        if (node is Leaf leaf) return leaf.Count;
        var inner = (Inner)node;
        int total = 0;
        for (int i = 0; i < inner.Count; i++) total += inner.Sizes[i];
        return total;
    }

    private static TreeItem FirstKey(Node node) => node is Leaf leaf ? ItemOf(leaf.Items[0]) : ((Inner)node).Keys[0];

    private static TreeItem ItemOf(byte[] stored) => new(ScoredMember.ScoreOf(stored), stored);

    // ---- delete ----

    /// <summary>Removes the item (score, stored); false when it is not there.</summary>
    public bool Remove(double score, byte[] stored)
    {
        var search = new KeySearch(score, stored);
        if (!RemoveFrom(_root, ref search, stored)) return false;
        AfterRemove();
        return true;
    }

    /// <summary>Removes the item at <paramref name="rank"/>, which must be in range.</summary>
    public void RemoveAt(int rank)
    {
        RemoveAtRank(_root, rank);
        AfterRemove();
    }

    private void AfterRemove()
    {
        _count--;
        // A root with one child hands the root to it; an empty tree is one empty leaf.
        while (_root is Inner { Count: <= 1 } inner)
        {
            if (inner.Count == 0)
            {
                _root = _first = _last = new Leaf();
                return;
            }
            _root = inner.Children[0];
        }
    }

    private bool RemoveFrom(Node node, ref KeySearch search, byte[] stored)
    {
        if (node is Leaf leaf)
        {
            int at = LeafSearch(leaf, ref search);
            if (at >= leaf.Count || !ReferenceEquals(leaf.Items[at], stored)) return false;
            RemoveItem(leaf, at);
            return true;
        }
        var inner = (Inner)node;
        int ci = Route(inner, ref search);
        if (!RemoveFrom(inner.Children[ci], ref search, stored)) return false;
        inner.Sizes[ci]--;
        Rebalance(inner, ci);
        return true;
    }

    private void RemoveAtRank(Node node, int rank)
    {
        if (node is Leaf leaf)
        {
            RemoveItem(leaf, rank);
            return;
        }
        var inner = (Inner)node;
        int ci = 0;
        while (rank >= inner.Sizes[ci])
        {
            rank -= inner.Sizes[ci];
            ci++;
        }
        RemoveAtRank(inner.Children[ci], rank);
        inner.Sizes[ci]--;
        Rebalance(inner, ci);
    }

    private static void RemoveItem(Leaf leaf, int at)
    {
        var items = leaf.Items;
        int tail = leaf.Count - at - 1;
        if (tail > 0) Array.Copy(items, at + 1, items, at, tail);
        leaf.Count--;
        items[leaf.Count] = null!;
    }

    /// <summary>After a removal under child <paramref name="ci"/>: drops it when empty, merges it with a neighbour when both fit in one node.</summary>
    private void Rebalance(Inner inner, int ci)
    {
        var child = inner.Children[ci];
        if (child.Count == 0)
        {
            if (child is Leaf empty) Unlink(empty);
            RemoveChild(inner, ci);
            return;
        }
        int below = child is Leaf ? LeafMergeBelow : InnerMergeBelow;
        if (child.Count > below) return;
        int capacity = child is Leaf ? LeafCapacity : InnerCapacity;
        if (ci > 0 && inner.Children[ci - 1].Count + child.Count <= capacity) Merge(inner, ci - 1);
        else if (ci + 1 < inner.Count && inner.Children[ci + 1].Count + child.Count <= capacity) Merge(inner, ci);
    }

    /// <summary>Moves child <paramref name="left"/>+1's contents into child <paramref name="left"/> and drops the emptied slot.</summary>
    private void Merge(Inner inner, int left)
    {
        var a = inner.Children[left];
        var b = inner.Children[left + 1];
        if (a is Leaf la)
        {
            var lb = (Leaf)b;
            Array.Copy(lb.Items, 0, la.Items, la.Count, lb.Count);
            la.Count += lb.Count;
            Unlink(lb);
        }
        else
        {
            var ia = (Inner)a;
            var ib = (Inner)b;
            MoveChildren(ib, 0, ia, ia.Count, ib.Count);
            ia.Count += ib.Count;
        }
        inner.Sizes[left] += inner.Sizes[left + 1];
        RemoveChild(inner, left + 1);
    }

    private static void RemoveChild(Inner inner, int at)
    {
        int tail = inner.Count - at - 1;
        if (tail > 0)
        {
            Array.Copy(inner.Children, at + 1, inner.Children, at, tail);
            Array.Copy(inner.Sizes, at + 1, inner.Sizes, at, tail);
            Array.Copy(inner.Keys, at + 1, inner.Keys, at, tail);
        }
        inner.Count--;
        inner.Children[inner.Count] = null!;
        inner.Keys[inner.Count] = default;
    }

    private void Unlink(Leaf leaf)
    {
        if (leaf.Prev is null) _first = leaf.Next!;
        else leaf.Prev.Next = leaf.Next;
        if (leaf.Next is null) _last = leaf.Prev!;
        else leaf.Next.Prev = leaf.Prev;
        // The root leaf is never unlinked (an emptied root is replaced), so first and last stay non-null.
    }

    /// <summary>Checks the invariants (tests only): sizes, order, links, lower-bound keys. Returns the item count.</summary>
    internal int Validate()
    {
        int total = ValidateNode(_root, null, null);
        if (total != _count) throw new InvalidOperationException($"count {_count} but {total} items");
        int walked = 0;
        TreeItem? previous = null;
        for (var leaf = _first; leaf is not null; leaf = leaf.Next)
        {
            if (leaf.Count == 0 && _count > 0) throw new InvalidOperationException("empty leaf in a non-empty tree");
            for (int i = 0; i < leaf.Count; i++)
            {
                var item = ItemOf(leaf.Items[i]);
                if (previous is { } p && p.CompareTo(item.Score, item.Member) >= 0) throw new InvalidOperationException("out of order");
                previous = item;
                walked++;
            }
            if (leaf.Next is null && leaf != _last) throw new InvalidOperationException("last leaf link");
        }
        if (walked != _count) throw new InvalidOperationException("leaf walk count");
        return total;
    }

    private static int ValidateNode(Node node, TreeItem? lower, TreeItem? upper)
    {
        if (node is Leaf leaf)
        {
            for (int i = 0; i < leaf.Count; i++)
            {
                var item = ItemOf(leaf.Items[i]);
                if (lower is { } lo && lo.CompareTo(item.Score, item.Member) > 0) throw new InvalidOperationException("item below its lower bound");
                if (upper is { } hi && hi.CompareTo(item.Score, item.Member) <= 0) throw new InvalidOperationException("item at or above the next bound");
            }
            return leaf.Count;
        }
        var inner = (Inner)node;
        int total = 0;
        for (int i = 0; i < inner.Count; i++)
        {
            TreeItem? lo = i == 0 ? lower : inner.Keys[i];
            TreeItem? hi = i + 1 < inner.Count ? inner.Keys[i + 1] : upper;
            int size = ValidateNode(inner.Children[i], lo, hi);
            if (size != inner.Sizes[i]) throw new InvalidOperationException("size mismatch");
            total += size;
        }
        return total;
    }
}

/// <summary>A position in a <see cref="SortedSetTree"/>'s leaves; invalid (no leaf) past either end.</summary>
public struct TreeCursor
{
    public SortedSetTree.Leaf? Leaf;
    public int Index;

    public TreeCursor(SortedSetTree.Leaf? leaf, int index)
    {
        Leaf = leaf;
        Index = index;
    }

    public readonly bool IsValid => Leaf is not null && Index < Leaf.Count;

    /// <summary>The member's array (<see cref="ScoredMember"/>): score, then bytes.</summary>
    public readonly byte[] Stored => Leaf!.Items[Index];

    public readonly double Score => ScoredMember.ScoreOf(Leaf!.Items[Index]);

    public readonly ReadOnlySpan<byte> Member => ScoredMember.KeyOf(Leaf!.Items[Index]);

    public void MoveNext()
    {
        if (++Index < Leaf!.Count) return;
        Leaf = Leaf.Next;
        Index = 0;
    }

    public void MovePrevious()
    {
        if (--Index >= 0) return;
        Leaf = Leaf!.Prev;
        Index = Leaf is null ? 0 : Leaf.Count - 1;
    }
}
