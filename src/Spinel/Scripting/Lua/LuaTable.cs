using System.Numerics;
using System.Runtime.CompilerServices;

namespace Spinel.Scripting.Lua;

/// <summary>
/// A Lua table laid out exactly as 5.1 lays one out: an array part for keys 1..n and a hash part for the rest,
/// with the array size chosen as 5.1 does (the largest power of two that stays more than half full), and the hash
/// part 5.1's node vector: each key at its main position (5.1's hashes), a collision moved to the highest free
/// node below <c>lastfree</c>, the table rehashed only when none is left. So <c>#</c> on tables with holes, and
/// the order <c>next</c>, <c>pairs</c> and cjson.encode walk a table in, are those of Redis's Lua.
/// Assigning nil keeps the key in its node (a dead entry) so <see cref="Next"/> works while a traversal clears fields.
/// </summary>
public sealed class LuaTable
{
    private struct Node
    {
        public LuaValue Key;
        public LuaValue Value;
        public int Next; // index+1 of the next node in the bucket chain, 0 = end
    }

    private LuaValue[] _array;
    private Node[] _nodes; // empty (5.1's dummy node) or a power of two long
    private int _lastFree; // free nodes are looked for below this index, downwards

    public LuaTable(int arrayCapacity = 0, int hashCapacity = 0)
    {
        _array = arrayCapacity > 0 ? new LuaValue[arrayCapacity] : [];
        _nodes = hashCapacity > 0 ? new Node[(int)BitOperations.RoundUpToPowerOf2((uint)hashCapacity)] : [];
        _lastFree = _nodes.Length;
    }

    /// <summary>
    /// The size 5.1's table constructor gives a part for <paramref name="count"/> items: the count as its NEWTABLE
    /// instruction encodes it (a "floating point byte", rounded up to four significant bits).
    /// </summary>
    internal static int ConstructorSize(int count)
    {
        var x = (uint)count;
        var e = 0;
        while (x >= 16)
        {
            x = (x + 1) >> 1;
            e++;
        }
        return (int)(x << e);
    }

    /// <summary>
    /// A table for <paramref name="count"/> values about to be set at 1..count, sized as 5.1 ends up when they are set
    /// one by one into an empty table (as Redis builds KEYS, ARGV and reply arrays): an array part of the next power of two.
    /// </summary>
    internal static LuaTable ForSequence(int count) => new(count == 0 ? 0 : (int)BitOperations.RoundUpToPowerOf2((uint)count));

    public LuaTable? Metatable { get; set; }

    /// <summary>
    /// A table Lua code may not change (Redis's protected library tables and globals): assignments, rawset,
    /// setmetatable and the table library fail with <see cref="ReadOnlyMessage"/>. Host code still sets it with RawSet.
    /// </summary>
    public bool ReadOnly { get; set; }

    public const string ReadOnlyMessage = "Attempt to modify a readonly table";

    /// <summary>For a library function about to write to the table (checked at its first write, as in Redis): Redis's error, without a position.</summary>
    internal void CheckWritable()
    {
        if (ReadOnly) throw new LuaException(ReadOnlyMessage);
    }

    /// <summary>Bit set of metamethods known absent, cleared on every write; lets the evaluator skip lookups.</summary>
    internal int AbsentFlags;

    internal int ArraySize => _array.Length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public LuaValue RawGet(int index)
    {
        if ((uint)(index - 1) < (uint)_array.Length)
            return _array[index - 1];
        return _nodes.Length == 0 ? default : GetFromHash(new LuaValue(LuaValue.NumberTag, index));
    }

    public LuaValue RawGet(double index)
    {
        var i = (int)index;
        if (i == index)
            return RawGet(i);
        return _nodes.Length == 0 ? default : GetFromHash(index);
    }

    public LuaValue RawGet(LuaString key) => _nodes.Length == 0 ? default : GetFromHash(key);

    public LuaValue RawGet(LuaValue key)
    {
        if (key.IsNumber)
            return RawGet(key.N);
        if (key.O is null || _nodes.Length == 0)
            return default;
        return GetFromHash(key);
    }

    private LuaValue GetFromHash(LuaValue key)
    {
        var i = FindNode(key);
        return i >= 0 ? _nodes[i].Value : default;
    }

    private int FindNode(LuaValue key)
    {
        if (_nodes.Length == 0)
            return -1;
        var i = MainPosition(key);
        while (true)
        {
            ref var node = ref _nodes[i];
            if (node.Key.Equals(key))
                return i;
            if (node.Next == 0)
                return -1;
            i = node.Next - 1;
        }
    }

    /// <summary>
    /// 5.1's <c>mainposition</c>: strings by their 5.1 hash and booleans by value, both masked to the size; numbers
    /// by the sum of their double's two 32-bit halves modulo (size-1)|1 (0 and -0 at node 0); other objects by identity.
    /// </summary>
    private int MainPosition(LuaValue key)
    {
        var size = _nodes.Length;
        if (key.O is LuaString s)
            return (int)(s.LuaHash & (uint)(size - 1));
        if (ReferenceEquals(key.O, LuaValue.NumberTag))
        {
            if (key.N == 0)
                return 0;
            var bits = (ulong)BitConverter.DoubleToInt64Bits(key.N);
            return (int)(((uint)bits + (uint)(bits >> 32)) % (uint)((size - 1) | 1));
        }
        if (ReferenceEquals(key.O, LuaValue.BoolTag))
            return (int)key.N & (size - 1);
        return (int)((uint)RuntimeHelpers.GetHashCode(key.O) % (uint)((size - 1) | 1));
    }

    public void RawSet(int index, LuaValue value)
    {
        if ((uint)(index - 1) < (uint)_array.Length)
        {
            _array[index - 1] = value;
            return;
        }
        SetInHash(new LuaValue(LuaValue.NumberTag, index), value);
    }

    public void RawSet(LuaString key, LuaValue value)
    {
        AbsentFlags = 0;
        SetInHash(key, value);
    }

    public void RawSet(LuaValue key, LuaValue value)
    {
        if (key.IsNumber)
        {
            var d = key.N;
            var i = (int)d;
            if (i == d)
            {
                RawSet(i, value);
                return;
            }
            if (double.IsNaN(d))
                throw new LuaException("table index is NaN");
        }
        else if (key.O is null)
        {
            throw new LuaException("table index is nil");
        }
        else
        {
            AbsentFlags = 0;
        }
        SetInHash(key, value);
    }

    private void SetInHash(LuaValue key, LuaValue value)
    {
        var i = FindNode(key);
        if (i >= 0)
        {
            _nodes[i].Value = value;
            return;
        }
        if (value.O is null)
            return;
        if (!TryNewKey(key, out var at))
        {
            Rehash(key);
            RawSet(key, value);
            return;
        }
        _nodes[at].Key = key;
        _nodes[at].Value = value;
    }

    /// <summary>
    /// 5.1's <c>newkey</c>: the node for a new key, false when a rehash is needed. A key whose main position is taken
    /// goes to a free node, unless the one there is out of its own main position: then that one moves.
    /// </summary>
    private bool TryNewKey(LuaValue key, out int at)
    {
        at = -1;
        if (_nodes.Length == 0)
            return false;
        var mp = MainPosition(key);
        if (_nodes[mp].Value.O is not null)
        {
            var free = FreePosition();
            if (free < 0)
                return false;
            var other = MainPosition(_nodes[mp].Key);
            if (other != mp)
            {
                while (_nodes[other].Next - 1 != mp)
                    other = _nodes[other].Next - 1;
                _nodes[other].Next = free + 1;
                _nodes[free] = _nodes[mp];
                _nodes[mp].Next = 0;
                _nodes[mp].Value = default;
            }
            else
            {
                _nodes[free].Next = _nodes[mp].Next;
                _nodes[mp].Next = free + 1;
                mp = free;
            }
        }
        at = mp;
        return true;
    }

    /// <summary>5.1's <c>getfreepos</c>: the next node down from <c>lastfree</c> that never held a key, or -1.</summary>
    private int FreePosition()
    {
        while (_lastFree > 0)
        {
            if (_nodes[--_lastFree].Key.O is null)
                return _lastFree;
        }
        return -1;
    }

    /// <summary>5.1's rehash: count integer keys per power-of-two slice and size the array part from them.</summary>
    private void Rehash(LuaValue extraKey)
    {
        Span<int> nums = stackalloc int[32];
        var totalInt = 0;
        var total = 0;
        for (var i = 0; i < _array.Length; i++)
        {
            if (_array[i].O is not null)
            {
                nums[CeilLog2(i + 1)]++;
                totalInt++;
                total++;
            }
        }
        for (var i = 0; i < _nodes.Length; i++)
        {
            ref var n = ref _nodes[i];
            if (n.Value.O is null)
                continue;
            total++;
            if (IsArrayCandidate(n.Key, out var k))
            {
                nums[CeilLog2(k)]++;
                totalInt++;
            }
        }
        total++;
        if (IsArrayCandidate(extraKey, out var ek))
        {
            nums[CeilLog2(ek)]++;
            totalInt++;
        }
        var a = 0;
        var na = 0;
        var size = 0;
        for (int i = 0, twoToI = 1; i < 31 && twoToI / 2 < totalInt; i++, twoToI *= 2)
        {
            if (nums[i] > 0)
            {
                a += nums[i];
                if (a > twoToI / 2)
                {
                    size = twoToI;
                    na = a;
                }
            }
        }
        Resize(size, total - na);
    }

    private static bool IsArrayCandidate(LuaValue key, out int k)
    {
        k = 0;
        if (!key.IsNumber)
            return false;
        var d = key.N;
        k = (int)d;
        return k == d && k >= 1 && k <= (1 << 26);
    }

    private static int CeilLog2(int x) => x <= 1 ? 0 : 32 - BitOperations.LeadingZeroCount((uint)(x - 1));

    /// <summary>5.1's <c>luaH_resize</c>, with its order of re-insertion: the array's vanishing slice, then the old nodes from the last.</summary>
    private void Resize(int arraySize, int hashSize)
    {
        var oldArray = _array;
        var oldNodes = _nodes;
        _array = arraySize == oldArray.Length ? oldArray : new LuaValue[arraySize];
        if (!ReferenceEquals(_array, oldArray))
            Array.Copy(oldArray, _array, Math.Min(oldArray.Length, arraySize));
        _nodes = hashSize <= 0 ? [] : new Node[(int)BitOperations.RoundUpToPowerOf2((uint)hashSize)];
        _lastFree = _nodes.Length;
        for (var i = arraySize; i < oldArray.Length; i++)
        {
            if (oldArray[i].O is not null)
                RawSet(i + 1, oldArray[i]);
        }
        for (var i = oldNodes.Length - 1; i >= 0; i--)
        {
            if (oldNodes[i].Value.O is not null)
                RawSet(oldNodes[i].Key, oldNodes[i].Value);
        }
    }

    /// <summary>A border, found the way 5.1's <c>luaH_getn</c> does.</summary>
    public int Length
    {
        get
        {
            var j = _array.Length;
            if (j > 0 && _array[j - 1].O is null)
            {
                var i = 0;
                while (j - i > 1)
                {
                    var m = (int)(((uint)i + (uint)j) / 2);
                    if (_array[m - 1].O is null)
                        j = m;
                    else
                        i = m;
                }
                return i;
            }
            if (_nodes.Length == 0)
                return j;
            return UnboundSearch(j);
        }
    }

    private int UnboundSearch(int j)
    {
        long i = j;
        long k = j + 1;
        while (RawGet((double)k).O is not null)
        {
            i = k;
            k *= 2;
            if (k > int.MaxValue - 2)
            {
                // Pathological table: fall back to a linear scan as 5.1 does.
                var n = 1;
                while (RawGet(n).O is not null)
                    n++;
                return n - 1;
            }
        }
        while (k - i > 1)
        {
            var m = (i + k) / 2;
            if (RawGet((double)m).O is null)
                k = m;
            else
                i = m;
        }
        return (int)i;
    }

    /// <summary>
    /// Advances a traversal: start with a nil key; returns false at the end. Throws "invalid key to 'next'"
    /// for a key that is not in the table.
    /// </summary>
    public bool Next(ref LuaValue key, out LuaValue value)
    {
        var start = 0; // position in the combined array+node sequence
        if (key.O is not null)
        {
            if (key.IsNumber && key.N == (int)key.N && (uint)((int)key.N - 1) < (uint)_array.Length)
            {
                start = (int)key.N;
            }
            else
            {
                var n = FindNode(key);
                if (n < 0)
                    throw new LuaException("invalid key to 'next'");
                start = _array.Length + n + 1;
            }
        }
        for (var i = start; i < _array.Length; i++)
        {
            if (_array[i].O is not null)
            {
                key = new LuaValue(LuaValue.NumberTag, i + 1);
                value = _array[i];
                return true;
            }
        }
        for (var i = Math.Max(start - _array.Length, 0); i < _nodes.Length; i++)
        {
            if (_nodes[i].Value.O is not null)
            {
                key = _nodes[i].Key;
                value = _nodes[i].Value;
                return true;
            }
        }
        key = default;
        value = default;
        return false;
    }

    /// <summary><c>t[#t+1] = v</c>.</summary>
    public void Append(LuaValue v) => RawSet(Length + 1, v);

    /// <summary>The largest positive numeric key (table.maxn).</summary>
    internal double MaxN()
    {
        double max = 0;
        var k = LuaValue.Nil;
        while (Next(ref k, out _))
        {
            if (k.IsNumber && k.N > max)
                max = k.N;
        }
        return max;
    }
}
