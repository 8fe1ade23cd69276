using System.Runtime.CompilerServices;

namespace Spinel.Storage;

/// <summary>
/// A list, as a quicklist: a deque of nodes, each one byte array holding a run of elements. An element is
/// its length (a <see cref="PackedBytes"/> prefix), its bytes, then the prefix again with its bytes in
/// reverse order, so a node can be walked from either end. A node keeps free space on both sides of its run:
/// pushes at either end of the list write in place, and a pop only moves the run's boundary, so the popped
/// bytes stay readable until the list next changes. Nodes sit in a ring buffer of structs, so a list costs
/// about one object per node, never one per element.
/// Node size follows list-max-listpack-size, read when the list is created (as Redis does): -1..-5 cap a
/// node at 4..64 KB, a positive value caps its element count (and, as in Redis, its size at 8 KB).
/// Redis 7.0 reports every list as "quicklist".
/// </summary>
public sealed class ListValue : DataObject
{
    /// <summary>The byte cap of count-limited nodes (Redis's safety limit for positive list-max-listpack-size).</summary>
    private const int CountLimitedMaxBytes = 8192;

    /// <summary>Redis keeps positive fill settings below 2^15.</summary>
    private const int MaxFillCount = 32767;

    private struct Node
    {
        public byte[] Buffer;
        public int Start;  // first byte of the run
        public int End;    // one past its last byte
        public int Count;  // elements in the run; never 0 for a node in the ring

        public readonly int Bytes => End - Start;
    }

    private Node[] _nodes;  // ring buffer, power-of-two length
    private int _head;      // ring slot of the first node
    private int _nodeCount;
    private long _count;
    private readonly int _sizeSetting;
    private readonly int _maxBytes;
    private readonly int _maxCount;

    // An end node's buffer freed by pops, reused by the next end node: a queue (push at one end, pop at
    // the other) then allocates nothing in steady state.
    private byte[]? _spare;

    /// <param name="sizeSetting">The list-max-listpack-size value in force when the list is created.</param>
    public ListValue(int sizeSetting = -2)
    {
        _sizeSetting = sizeSetting;
        if (sizeSetting < 0)
        {
            _maxBytes = 4096 << (int)Math.Min(-(long)sizeSetting - 1, 4);
            _maxCount = int.MaxValue;
        }
        else
        {
            // 0 behaves as in Redis: every node holds a single element.
            _maxBytes = CountLimitedMaxBytes;
            _maxCount = Math.Clamp(sizeSetting, 1, MaxFillCount);
        }
        _nodes = new Node[1];
    }

    public override RedisType Type => RedisType.List;

    public override string Encoding => "quicklist";

    public long Count => _count;

    /// <summary>How many nodes hold the elements (for tests and introspection).</summary>
    public int NodeCount => _nodeCount;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Node NodeAt(int i) => ref _nodes[(_head + i) & (_nodes.Length - 1)];

    private bool Fits(in Node node, int need) => node.Count < _maxCount && node.Bytes + need <= _maxBytes;

    // ---- element encoding ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PrefixSize(int length) => length < 0x80 ? 1 : PackedBytes.PrefixSize(length);

    private static int EncodedSize(int length) => length + 2 * PrefixSize(length);

    /// <summary>Writes an element at <paramref name="offset"/>; returns the offset past it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteElement(byte[] buffer, int offset, ReadOnlySpan<byte> element)
    {
        int length = element.Length;
        if (length < 0x80)
        {
            buffer[offset] = (byte)length;
            element.CopyTo(buffer.AsSpan(offset + 1));
            buffer[offset + 1 + length] = (byte)length;
            return offset + 2 + length;
        }
        int prefix = PackedBytes.WritePrefix(buffer.AsSpan(offset), length);
        int at = offset + prefix;
        element.CopyTo(buffer.AsSpan(at));
        at += length;
        for (int k = prefix - 1; k >= 0; k--) buffer[at++] = buffer[offset + k];
        return at;
    }

    /// <summary>Reads the prefix at <paramref name="offset"/>: the element's length; advances to its first byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadPrefix(byte[] buffer, ref int offset)
    {
        int b = buffer[offset];
        if (b < 0x80)
        {
            offset++;
            return b;
        }
        return PackedBytes.ReadPrefix(buffer, ref offset);
    }

    /// <summary>Reads the suffix that ends at <paramref name="end"/>: the element's length; moves back to just past its last byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadSuffix(byte[] buffer, ref int end)
    {
        uint b = buffer[--end];
        if (b < 0x80) return (int)b;
        uint length = b & 0x7F;
        int shift = 7;
        do
        {
            b = buffer[--end];
            length |= (b & 0x7F) << shift;
            shift += 7;
        }
        while (b >= 0x80);
        return (int)length;
    }

    /// <summary>The offset past the element starting at <paramref name="offset"/>.</summary>
    private static int SkipForward(byte[] buffer, int offset)
    {
        int length = ReadPrefix(buffer, ref offset);
        return offset + length + PrefixSize(length);
    }

    /// <summary>The offset where the element ending at <paramref name="end"/> starts.</summary>
    private static int SkipBackward(byte[] buffer, int end)
    {
        int length = ReadSuffix(buffer, ref end);
        return end - length - PrefixSize(length);
    }

    private static ReadOnlySpan<byte> ElementAt(byte[] buffer, int offset)
    {
        int length = ReadPrefix(buffer, ref offset);
        return buffer.AsSpan(offset, length);
    }

    // ---- pushes and pops ----

    public void Push(ReadOnlySpan<byte> element, bool front)
    {
        if (front) PushFront(element);
        else PushBack(element);
    }

    public void PushFront(ReadOnlySpan<byte> element)
    {
        int need = EncodedSize(element.Length);
        if (_nodeCount > 0)
        {
            ref Node head = ref NodeAt(0);
            if (head.Start >= need && Fits(head, need))
            {
                int start = head.Start - need;
                WriteElement(head.Buffer, start, element);
                head.Start = start;
                head.Count++;
                _count++;
                return;
            }
        }
        InsertAt(0, _nodeCount > 0 ? NodeAt(0).Start : 0, element, need);
    }

    public void PushBack(ReadOnlySpan<byte> element)
    {
        int need = EncodedSize(element.Length);
        if (_nodeCount > 0)
        {
            ref Node tail = ref NodeAt(_nodeCount - 1);
            if (tail.Buffer.Length - tail.End >= need && Fits(tail, need))
            {
                tail.End = WriteElement(tail.Buffer, tail.End, element);
                tail.Count++;
                _count++;
                return;
            }
            InsertAt(_nodeCount - 1, tail.End, element, need);
            return;
        }
        InsertAt(0, 0, element, need);
    }

    public ReadOnlySpan<byte> Pop(bool front) => front ? PopFront() : PopBack();

    /// <summary>Removes the first element and returns its bytes, readable until the list next changes. The list must not be empty.</summary>
    public ReadOnlySpan<byte> PopFront()
    {
        ref Node head = ref NodeAt(0);
        byte[] buffer = head.Buffer;
        int offset = head.Start;
        int length = ReadPrefix(buffer, ref offset);
        head.Start = offset + length + PrefixSize(length);
        _count--;
        if (--head.Count == 0) RemoveNodeAt(0);
        return buffer.AsSpan(offset, length);
    }

    /// <summary>Removes the last element and returns its bytes, readable until the list next changes. The list must not be empty.</summary>
    public ReadOnlySpan<byte> PopBack()
    {
        ref Node tail = ref NodeAt(_nodeCount - 1);
        byte[] buffer = tail.Buffer;
        int end = tail.End;
        int length = ReadSuffix(buffer, ref end);
        int start = end - length;
        tail.End = start - PrefixSize(length);
        _count--;
        if (--tail.Count == 0) RemoveNodeAt(_nodeCount - 1);
        return buffer.AsSpan(start, length);
    }

    /// <summary>Removes the first <paramref name="n"/> elements (all when n ≥ Count): whole nodes at a time, then within one.</summary>
    public void RemoveFirst(long n)
    {
        while (n > 0 && _nodeCount > 0)
        {
            ref Node head = ref NodeAt(0);
            if (n >= head.Count)
            {
                n -= head.Count;
                _count -= head.Count;
                RemoveNodeAt(0);
                continue;
            }
            int offset = head.Start;
            for (long k = 0; k < n; k++) offset = SkipForward(head.Buffer, offset);
            head.Start = offset;
            head.Count -= (int)n;
            _count -= n;
            return;
        }
    }

    /// <summary>Removes the last <paramref name="n"/> elements (all when n ≥ Count).</summary>
    public void RemoveLast(long n)
    {
        while (n > 0 && _nodeCount > 0)
        {
            ref Node tail = ref NodeAt(_nodeCount - 1);
            if (n >= tail.Count)
            {
                n -= tail.Count;
                _count -= tail.Count;
                RemoveNodeAt(_nodeCount - 1);
                continue;
            }
            int end = tail.End;
            for (long k = 0; k < n; k++) end = SkipBackward(tail.Buffer, end);
            tail.End = end;
            tail.Count -= (int)n;
            _count -= n;
            return;
        }
    }

    // ---- access by index ----

    /// <summary>The element at <paramref name="index"/> (negative counts from the tail), or false when out of range.</summary>
    public bool TryGet(long index, out ReadOnlySpan<byte> element)
    {
        if (!TryLocate(index, out int node, out int offset))
        {
            element = default;
            return false;
        }
        element = ElementAt(NodeAt(node).Buffer, offset);
        return true;
    }

    /// <summary>Replaces the element at <paramref name="index"/> (negative counts from the tail); false when out of range.</summary>
    public bool TrySet(long index, ReadOnlySpan<byte> element)
    {
        if (!TryLocate(index, out int i, out int offset)) return false;
        ref Node node = ref NodeAt(i);
        int oldSize = SkipForward(node.Buffer, offset) - offset;
        int newSize = EncodedSize(element.Length);
        if (newSize == oldSize)
        {
            WriteElement(node.Buffer, offset, element);
            return true;
        }
        if (node.Count == 1)
        {
            // A lone element may exceed the node limits: rewrite the node.
            if (node.Buffer.Length < newSize || node.Buffer.Length > Math.Max(_maxBytes, 2 * newSize)) node.Buffer = NewBuffer(newSize);
            node.Start = 0;
            node.End = WriteElement(node.Buffer, 0, element);
            return true;
        }
        int at = DeleteInNode(ref node, offset, oldSize);
        _count--;
        InsertAt(i, at, element, newSize);
        return true;
    }

    /// <summary>
    /// Finds where the element at <paramref name="index"/> starts: skips whole nodes from the nearer end,
    /// then walks inside one node from its nearer end.
    /// </summary>
    private bool TryLocate(long index, out int node, out int offset)
    {
        if (index < 0) index += _count;
        if ((ulong)index >= (ulong)_count)
        {
            node = offset = 0;
            return false;
        }
        int i;
        int inNode;
        if (index < _count / 2)
        {
            i = 0;
            while (index >= NodeAt(i).Count) index -= NodeAt(i++).Count;
            inNode = (int)index;
        }
        else
        {
            long fromTail = _count - 1 - index;
            i = _nodeCount - 1;
            while (fromTail >= NodeAt(i).Count) fromTail -= NodeAt(i--).Count;
            inNode = NodeAt(i).Count - 1 - (int)fromTail;
        }
        ref Node n = ref NodeAt(i);
        byte[] buffer = n.Buffer;
        if (inNode <= n.Count / 2)
        {
            offset = n.Start;
            for (int k = 0; k < inNode; k++) offset = SkipForward(buffer, offset);
        }
        else
        {
            int end = n.End;
            for (int k = n.Count - 1; k > inNode; k--) end = SkipBackward(buffer, end);
            offset = SkipBackward(buffer, end);
        }
        node = i;
        return true;
    }

    // ---- search-based edits ----

    /// <summary>Inserts <paramref name="element"/> before or after the first <paramref name="pivot"/> from the head; false when there is none.</summary>
    public bool Insert(ReadOnlySpan<byte> pivot, ReadOnlySpan<byte> element, bool after)
    {
        for (int i = 0; i < _nodeCount; i++)
        {
            ref Node node = ref NodeAt(i);
            byte[] buffer = node.Buffer;
            for (int offset = node.Start; offset < node.End;)
            {
                int at = offset;
                int length = ReadPrefix(buffer, ref at);
                int next = at + length + PrefixSize(length);
                if (buffer.AsSpan(at, length).SequenceEqual(pivot))
                {
                    InsertAt(i, after ? next : offset, element, EncodedSize(element.Length));
                    return true;
                }
                offset = next;
            }
        }
        return false;
    }

    /// <summary>
    /// Removes elements equal to <paramref name="element"/>: at most <paramref name="limit"/> of them (0 or less: all),
    /// the first ones met walking from the head, or from the tail. Returns how many went.
    /// </summary>
    public long Remove(ReadOnlySpan<byte> element, long limit, bool fromTail)
    {
        if (limit <= 0) limit = long.MaxValue;
        long removed = 0;
        if (!fromTail)
        {
            for (int i = 0; i < _nodeCount && removed < limit;)
            {
                ref Node node = ref NodeAt(i);
                byte[] buffer = node.Buffer;
                int write = node.Start;
                for (int read = node.Start; read < node.End;)
                {
                    int at = read;
                    int length = ReadPrefix(buffer, ref at);
                    int next = at + length + PrefixSize(length);
                    if (removed < limit && buffer.AsSpan(at, length).SequenceEqual(element))
                    {
                        removed++;
                        node.Count--;
                    }
                    else
                    {
                        if (write != read) buffer.AsSpan(read, next - read).CopyTo(buffer.AsSpan(write));
                        write += next - read;
                    }
                    read = next;
                }
                node.End = write;
                if (node.Count == 0) RemoveNodeAt(i);
                else i++;
            }
        }
        else
        {
            for (int i = _nodeCount - 1; i >= 0 && removed < limit; i--)
            {
                ref Node node = ref NodeAt(i);
                byte[] buffer = node.Buffer;
                int write = node.End;
                for (int read = node.End; read > node.Start;)
                {
                    int end = read;
                    int length = ReadSuffix(buffer, ref end);
                    int start = end - length - PrefixSize(length);
                    if (removed < limit && buffer.AsSpan(end - length, length).SequenceEqual(element))
                    {
                        removed++;
                        node.Count--;
                    }
                    else
                    {
                        write -= read - start;
                        if (write != start) buffer.AsSpan(start, read - start).CopyTo(buffer.AsSpan(write));
                    }
                    read = start;
                }
                node.Start = write;
                if (node.Count == 0) RemoveNodeAt(i);
            }
        }
        if (removed > 0)
        {
            _count -= removed;
            MergeSmallNodes();
        }
        return removed;
    }

    /// <summary>Joins neighbouring nodes whose runs fit together in one node, after deletes left them small.</summary>
    private void MergeSmallNodes()
    {
        for (int i = 0; i + 1 < _nodeCount;)
        {
            ref Node left = ref NodeAt(i);
            ref Node right = ref NodeAt(i + 1);
            if (left.Count + right.Count > _maxCount || left.Bytes + right.Bytes > _maxBytes)
            {
                i++;
                continue;
            }
            int bytes = left.Bytes + right.Bytes;
            if (left.Buffer.Length - left.Start < bytes)
            {
                var buffer = NewBuffer(Math.Max(bytes, Math.Min(_maxBytes, bytes + bytes / 2)));
                left.Buffer.AsSpan(left.Start, left.Bytes).CopyTo(buffer);
                left.End -= left.Start;
                left.Start = 0;
                left.Buffer = buffer;
            }
            right.Buffer.AsSpan(right.Start, right.Bytes).CopyTo(left.Buffer.AsSpan(left.End));
            left.End += right.Bytes;
            left.Count += right.Count;
            RemoveNodeAt(i + 1);
        }
    }

    // ---- inserting into and deleting from nodes ----

    /// <summary>
    /// Inserts before the element starting at <paramref name="offset"/> in node <paramref name="i"/> (the node's
    /// end: after its last element; an empty list: node 0, any offset). A full node passes the element to a
    /// neighbour with room, gets a new node beside it, or is split at the insertion point.
    /// </summary>
    private void InsertAt(int i, int offset, ReadOnlySpan<byte> element, int need)
    {
        if (_nodeCount == 0)
        {
            InsertNewNode(0, element, need);
            return;
        }
        ref Node node = ref NodeAt(i);
        if (Fits(node, need))
        {
            int at = OpenGap(i, offset, need);
            WriteElement(NodeAt(i).Buffer, at, element);
            NodeAt(i).Count++;
            _count++;
            return;
        }
        if (offset == node.Start)
        {
            if (i > 0 && Fits(NodeAt(i - 1), need)) InsertAt(i - 1, NodeAt(i - 1).End, element, need);
            else InsertNewNode(i, element, need);
            return;
        }
        if (offset == node.End)
        {
            if (i + 1 < _nodeCount && Fits(NodeAt(i + 1), need)) InsertAt(i + 1, NodeAt(i + 1).Start, element, need);
            else InsertNewNode(i + 1, element, need);
            return;
        }
        SplitNode(i, offset);
        InsertAt(i, NodeAt(i).End, element, need);
    }

    /// <summary>
    /// Makes <paramref name="need"/> free bytes at <paramref name="offset"/> in node <paramref name="i"/> and returns
    /// where they start. At an end of the list the free side takes it; in the middle the shorter side moves.
    /// Otherwise the run is re-laid (in place, or in a bigger buffer), leaving the slack where pushes will come.
    /// </summary>
    private int OpenGap(int i, int offset, int need)
    {
        ref Node node = ref NodeAt(i);
        byte[] buffer = node.Buffer;
        int before = offset - node.Start;
        int after = node.End - offset;
        bool roomFront = node.Start >= need;
        bool roomBack = buffer.Length - node.End >= need;
        bool listFront = i == 0 && before == 0;
        bool listBack = i == _nodeCount - 1 && after == 0;
        // Pushes at an end of the list never move the run by a few bytes: that would copy the node per push.
        bool moveFront = listFront ? roomFront : !listBack && roomFront && (before <= after || !roomBack);
        bool moveBack = !moveFront && (listBack ? roomBack : !listFront && roomBack);
        if (moveFront)
        {
            buffer.AsSpan(node.Start, before).CopyTo(buffer.AsSpan(node.Start - need));
            node.Start -= need;
            return offset - need;
        }
        if (moveBack)
        {
            buffer.AsSpan(offset, after).CopyTo(buffer.AsSpan(offset + need));
            node.End += need;
            return offset;
        }

        int used = node.Bytes;
        int required = used + need;
        byte[] target = buffer;
        // Grow unless the buffer keeps a quarter free after the insert (or is already as big as a node gets).
        if (required > buffer.Length || (required > buffer.Length - buffer.Length / 4 && buffer.Length < _maxBytes))
            target = NewBuffer(NewCapacity(buffer.Length, required));
        int slack = target.Length - required;
        // Slack goes where pushes will land: all of it at an end node's outer side, most of it on the pushed
        // side of a lone node, half and half in the middle.
        int start = listFront ? (_nodeCount == 1 ? slack - slack / 4 : slack)
            : listBack ? (_nodeCount == 1 ? slack / 4 : 0)
            : slack / 2;
        if (target == buffer)
        {
            buffer.AsSpan(node.Start, used).CopyTo(buffer.AsSpan(start));
            buffer.AsSpan(start + before, after).CopyTo(buffer.AsSpan(start + before + need));
        }
        else
        {
            buffer.AsSpan(node.Start, before).CopyTo(target.AsSpan(start));
            buffer.AsSpan(offset, after).CopyTo(target.AsSpan(start + before + need));
            node.Buffer = target;
        }
        node.Start = start;
        node.End = start + required;
        return start + before;
    }

    /// <summary>Node bytes outside the run are never read, so buffers need no zeroing.</summary>
    private static byte[] NewBuffer(int length) => GC.AllocateUninitializedArray<byte>(length);

    /// <summary>Grows by half (small lists stay tight), up to the node byte limit, but always to at least <paramref name="required"/>.</summary>
    private int NewCapacity(int current, int required)
    {
        int capacity = Math.Min(Math.Max(16, current + current / 2), _maxBytes);
        return Math.Max(capacity, required);
    }

    /// <summary>Removes the <paramref name="size"/>-byte element at <paramref name="offset"/>, moving the shorter side; returns where the next element now starts.</summary>
    private static int DeleteInNode(ref Node node, int offset, int size)
    {
        byte[] buffer = node.Buffer;
        node.Count--;
        int before = offset - node.Start;
        int after = node.End - offset - size;
        if (before <= after)
        {
            buffer.AsSpan(node.Start, before).CopyTo(buffer.AsSpan(node.Start + size));
            node.Start += size;
            return offset + size;
        }
        buffer.AsSpan(offset + size, after).CopyTo(buffer.AsSpan(offset));
        node.End -= size;
        return offset;
    }

    /// <summary>Splits node <paramref name="i"/> at <paramref name="offset"/>: the elements from there on move to a new node after it.</summary>
    private void SplitNode(int i, int offset)
    {
        ref Node node = ref NodeAt(i);
        int leftCount = 0;
        for (int at = node.Start; at < offset; at = SkipForward(node.Buffer, at)) leftCount++;
        int bytes = node.End - offset;
        var right = new Node { Buffer = NewBuffer(bytes + bytes / 4), Start = 0, End = bytes, Count = node.Count - leftCount };
        node.Buffer.AsSpan(offset, bytes).CopyTo(right.Buffer);
        node.End = offset;
        node.Count = leftCount;
        InsertNode(i + 1, right);
    }

    /// <summary>Adds a node holding just <paramref name="element"/> at ring position <paramref name="index"/>.</summary>
    private void InsertNewNode(int index, ReadOnlySpan<byte> element, int need)
    {
        bool atFront = index == 0 && _nodeCount > 0;
        bool atEnd = index == _nodeCount && _nodeCount > 0;
        int capacity = need;
        if (atFront || atEnd)
        {
            // A list that fills a node keeps growing: start the next end node at the size of its neighbour.
            int neighbour = NodeAt(atFront ? 0 : _nodeCount - 1).Buffer.Length;
            capacity = Math.Max(need, Math.Min(neighbour, _maxBytes));
        }
        else if (_nodeCount == 0)
        {
            capacity = Math.Max(need, 16);
        }
        byte[] buffer;
        if (_spare is not null && _spare.Length >= capacity && (atFront || atEnd))
        {
            buffer = _spare;
            _spare = null;
        }
        else
        {
            buffer = NewBuffer(capacity);
        }
        int start = atFront ? buffer.Length - need : 0;
        var node = new Node { Buffer = buffer, Start = start, Count = 1 };
        node.End = WriteElement(buffer, start, element);
        InsertNode(index, node);
        _count++;
    }

    private void InsertNode(int index, Node node)
    {
        if (_nodeCount == _nodes.Length) Resize(_nodes.Length * 2);
        int mask = _nodes.Length - 1;
        if (index < _nodeCount - index)
        {
            _head = (_head - 1) & mask;
            for (int k = 0; k < index; k++) NodeAt(k) = NodeAt(k + 1);
        }
        else
        {
            for (int k = _nodeCount; k > index; k--) NodeAt(k) = NodeAt(k - 1);
        }
        _nodeCount++;
        NodeAt(index) = node;
    }

    private void RemoveNodeAt(int index)
    {
        ref Node removed = ref NodeAt(index);
        if ((index == 0 || index == _nodeCount - 1) && _nodeCount > 1 && removed.Buffer.Length <= _maxBytes) _spare = removed.Buffer;
        if (index < _nodeCount - 1 - index)
        {
            for (int k = index; k > 0; k--) NodeAt(k) = NodeAt(k - 1);
            NodeAt(0) = default;
            _head = (_head + 1) & (_nodes.Length - 1);
        }
        else
        {
            for (int k = index; k < _nodeCount - 1; k++) NodeAt(k) = NodeAt(k + 1);
            NodeAt(_nodeCount - 1) = default;
        }
        _nodeCount--;
        if (_nodeCount == 0)
        {
            _head = 0;
            _spare = null;
        }
        else if (_nodes.Length > 4 && _nodeCount < _nodes.Length / 4)
        {
            // Give the ring back after mass deletion.
            Resize(_nodes.Length / 2);
        }
    }

    private void Resize(int length)
    {
        var nodes = new Node[length];
        for (int k = 0; k < _nodeCount; k++) nodes[k] = NodeAt(k);
        _nodes = nodes;
        _head = 0;
    }

    // ---- walking ----

    /// <summary>
    /// Walks the elements from index <paramref name="start"/> (negative counts from the tail) toward the tail, or
    /// toward the head when <paramref name="reverse"/>. An index out of range gives an empty walk. The list must
    /// not change during the walk.
    /// </summary>
    public Walker Walk(long start, bool reverse = false)
    {
        if (!TryLocate(start, out int node, out int offset)) return new Walker(this, reverse, reverse ? -1 : _nodeCount, 0);
        if (reverse) offset = SkipForward(NodeAt(node).Buffer, offset);
        return new Walker(this, reverse, node, offset);
    }

    /// <summary>Walks every element from the head.</summary>
    public Walker GetEnumerator() => Walk(0);

    public ref struct Walker
    {
        private readonly ListValue _list;
        private readonly bool _reverse;
        private int _node;
        private int _position;  // forward: where the next element starts; reverse: where it ends

        internal Walker(ListValue list, bool reverse, int node, int position)
        {
            _list = list;
            _reverse = reverse;
            _node = node;
            _position = position;
        }

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly Walker GetEnumerator() => this;

        public bool MoveNext()
        {
            var list = _list;
            if (!_reverse)
            {
                if (_node >= list._nodeCount) return false;
                ref Node node = ref list.NodeAt(_node);
                if (_position == node.End)
                {
                    if (++_node >= list._nodeCount) return false;
                    node = ref list.NodeAt(_node);
                    _position = node.Start;
                }
                int at = _position;
                int length = ReadPrefix(node.Buffer, ref at);
                Current = node.Buffer.AsSpan(at, length);
                _position = at + length + PrefixSize(length);
                return true;
            }
            if (_node < 0) return false;
            ref Node back = ref list.NodeAt(_node);
            if (_position == back.Start)
            {
                if (--_node < 0) return false;
                back = ref list.NodeAt(_node);
                _position = back.End;
            }
            int end = _position;
            int size = ReadSuffix(back.Buffer, ref end);
            Current = back.Buffer.AsSpan(end - size, size);
            _position = end - size - PrefixSize(size);
            return true;
        }
    }

    // ---- copies and checks ----

    public override DataObject Clone()
    {
        var copy = new ListValue(_sizeSetting);
        int ring = 1;
        while (ring < _nodeCount) ring *= 2;
        copy._nodes = new Node[ring];
        for (int k = 0; k < _nodeCount; k++)
        {
            ref Node node = ref NodeAt(k);
            copy._nodes[k] = new Node { Buffer = node.Buffer.AsSpan(node.Start, node.Bytes).ToArray(), Start = 0, End = node.Bytes, Count = node.Count };
        }
        copy._nodeCount = _nodeCount;
        copy._count = _count;
        return copy;
    }

    /// <summary>Checks the structure (counts, limits, both walking directions); throws when broken. For tests.</summary>
    internal void Validate()
    {
        long total = 0;
        for (int i = 0; i < _nodeCount; i++)
        {
            ref Node node = ref NodeAt(i);
            if (node.Count <= 0) throw new InvalidOperationException($"node {i} is empty");
            if (node.Start < 0 || node.Start > node.End || node.End > node.Buffer.Length) throw new InvalidOperationException($"node {i} run out of its buffer");
            if (node.Count > 1 && (node.Count > _maxCount || node.Bytes > _maxBytes)) throw new InvalidOperationException($"node {i} over its limits");
            int forward = 0;
            int at = node.Start;
            while (at < node.End)
            {
                at = SkipForward(node.Buffer, at);
                forward++;
            }
            if (at != node.End || forward != node.Count) throw new InvalidOperationException($"node {i} does not walk forward to its count");
            int backward = 0;
            int end = node.End;
            while (end > node.Start)
            {
                end = SkipBackward(node.Buffer, end);
                backward++;
            }
            if (end != node.Start || backward != node.Count) throw new InvalidOperationException($"node {i} does not walk backward to its count");
            total += node.Count;
        }
        if (total != _count) throw new InvalidOperationException($"nodes hold {total} elements, count says {_count}");
        for (int k = _nodeCount; k < _nodes.Length; k++)
        {
            if (_nodes[(_head + k) & (_nodes.Length - 1)].Buffer is not null) throw new InvalidOperationException("a free ring slot holds a buffer");
        }
    }
}
