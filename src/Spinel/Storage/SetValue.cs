using Spinel.Util;

namespace Spinel.Storage;

/// <summary>
/// A set, encoded as Redis 7.0 encodes it: "intset" (a sorted long[] searched by bisection) while every
/// member is a canonical integer and there are at most set-max-intset-entries of them, then, for good,
/// "hashtable" (a <see cref="KeyTable{TValue}"/> whose reverse-binary cursor gives SSCAN Redis's guarantee).
/// </summary>
public sealed class SetValue : DataObject
{
    private long[] _ints = [];
    private int _intCount;
    private KeyTable<byte>? _table;

    public override RedisType Type => RedisType.Set;

    public override string Encoding => _table is null ? "intset" : "hashtable";

    public int Count => _table?.Count ?? _intCount;

    /// <summary>The members of an intset, ascending.</summary>
    private ReadOnlySpan<long> Ints => _ints.AsSpan(0, _intCount);

    /// <summary>The hash table of a "hashtable" set, null for an intset.</summary>
    public KeyTable<byte>? Table => _table;

    public override IPrefetchable? Elements => _table;

    public bool Contains(ReadOnlySpan<byte> member)
    {
        if (_table is not null) return _table.Find(member) >= 0;
        return RedisNumbers.TryParseInt64(member, out long v) && Ints.BinarySearch(v) >= 0;
    }

    /// <summary>Adds a member; false when it was already there. Converts to a hash table past <paramref name="maxIntsetEntries"/>.</summary>
    public bool Add(ReadOnlySpan<byte> member, long maxIntsetEntries)
    {
        if (_table is null)
        {
            if (RedisNumbers.TryParseInt64(member, out long v))
            {
                int at = Ints.BinarySearch(v);
                if (at >= 0) return false;
                at = ~at;
                if (_intCount == _ints.Length) Array.Resize(ref _ints, Math.Max(4, _intCount * 2));
                Array.Copy(_ints, at, _ints, at + 1, _intCount - at);
                _ints[at] = v;
                _intCount++;
                if (_intCount > maxIntsetEntries) ConvertToTable();
                return true;
            }
            ConvertToTable();
        }
        int hash = KeyHash.Of(member);
        if (_table!.Find(member, hash) >= 0) return false;
        _table.Insert(member.ToArray(), hash, 0);
        return true;
    }

    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (_table is not null) return _table.Remove(member, KeyHash.Of(member));
        if (!RedisNumbers.TryParseInt64(member, out long v)) return false;
        int at = Ints.BinarySearch(v);
        if (at < 0) return false;
        RemoveIntAt(at);
        return true;
    }

    private void RemoveIntAt(int at)
    {
        Array.Copy(_ints, at + 1, _ints, at, _intCount - at - 1);
        _intCount--;
    }

    private void ConvertToTable()
    {
        var table = new KeyTable<byte>();
        foreach (long v in Ints)
        {
            byte[] key = Format(v);
            table.Insert(key, KeyHash.Of(key), 0);
        }
        _table = table;
        _ints = [];
        _intCount = 0;
    }

    private static byte[] Format(long v)
    {
        Span<byte> digits = stackalloc byte[RedisNumbers.MaxInt64Chars];
        return digits[..RedisNumbers.FormatInt64(v, digits)].ToArray();
    }

    /// <summary>A uniformly random member (the set must not be empty), formatted into <paramref name="scratch"/> for an intset.</summary>
    public ReadOnlySpan<byte> RandomMember(Random random, Span<byte> scratch)
    {
        if (_table is not null) return _table.KeyAt(_table.RandomIndex(random));
        return scratch[..RedisNumbers.FormatInt64(_ints[random.Next(_intCount)], scratch)];
    }

    /// <summary>Removes and returns a random member as a new array (the set must not be empty).</summary>
    public byte[] PopRandom(Random random)
    {
        if (_table is not null)
        {
            int i = _table.RandomIndex(random);
            byte[] key = _table.KeyAt(i);
            _table.RemoveAt(i);
            return key;
        }
        int at = random.Next(_intCount);
        byte[] member = Format(_ints[at]);
        RemoveIntAt(at);
        return member;
    }

    public override DataObject Clone()
    {
        var copy = new SetValue { _ints = Ints.ToArray(), _intCount = _intCount };
        if (_table is not null)
        {
            var table = new KeyTable<byte>();
            foreach (int i in _table)
            {
                byte[] key = _table.KeyAt(i);
                table.Insert(key, _table.HashAt(i), 0);  // member arrays are never mutated, so sharing is safe
            }
            copy._table = table;
        }
        return copy;
    }

    public Enumerator GetEnumerator() => new(this);

    /// <summary>Walks the members: intsets ascending (formatted into a scratch buffer), tables in slot order. The set must not change during the walk.</summary>
    public ref struct Enumerator
    {
        private readonly SetValue _set;
        private KeyTable<byte>.IndexEnumerator _entries;
        private int _i;
        private byte[]? _scratch;
        private ReadOnlySpan<byte> _current;

        internal Enumerator(SetValue set)
        {
            _set = set;
            _i = -1;
            if (set._table is not null) _entries = set._table.GetEnumerator();
        }

        public readonly ReadOnlySpan<byte> Current => _current;

        public bool MoveNext()
        {
            if (_set._table is { } table)
            {
                if (!_entries.MoveNext()) return false;
                _current = table.KeyAt(_entries.Current);
                return true;
            }
            if (++_i >= _set._intCount) return false;
            _scratch ??= new byte[RedisNumbers.MaxInt64Chars];
            _current = _scratch.AsSpan(0, RedisNumbers.FormatInt64(_set._ints[_i], _scratch));
            return true;
        }
    }
}
