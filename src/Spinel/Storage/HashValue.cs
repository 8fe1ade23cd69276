namespace Spinel.Storage;

/// <summary>
/// A hash. Small hashes are "listpack": one byte array of length-prefixed strings (<see cref="PackedBytes"/>),
/// field then value, in insertion order, searched linearly. Past the configured size limits it converts,
/// once and for good, to "hashtable": a <see cref="KeyTable{TValue, TKey}"/> of <see cref="PackedPair"/>
/// arrays (field and value in one array), whose reverse-binary cursor gives HSCAN Redis's guarantees.
/// A pair is addressed by a position: a byte offset in a listpack, an entry index in a hashtable.
/// </summary>
public sealed class HashValue : DataObject
{
    private byte[] _packed = [];   // listpack bytes; empty once a hashtable
    private int _packedLength;
    private int _listCount;
    private KeyTable<byte, PackedPair>? _table;

    public override RedisType Type => RedisType.Hash;

    public override string Encoding => _table is null ? "listpack" : "hashtable";

    public bool IsListpack => _table is null;

    public int Count => _table?.Count ?? _listCount;

    /// <summary>The hashtable, or null while the hash is a listpack; entry indices are positions.</summary>
    public KeyTable<byte, PackedPair>? Table => _table;

    public override IPrefetchable? Elements => _table;

    public bool TryGet(ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        int position = Find(field);
        value = position < 0 ? default : PairAt(position).Value;
        return position >= 0;
    }

    public bool Contains(ReadOnlySpan<byte> field) => Find(field) >= 0;

    /// <summary>
    /// Sets a field to a copy of <paramref name="value"/>. Converts to a hashtable when the field or value is
    /// longer than <paramref name="maxValue"/> or the entry count passes <paramref name="maxEntries"/>.
    /// True when the field is new.
    /// </summary>
    public bool Set(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value, long maxEntries, long maxValue)
    {
        if (_table is null && (field.Length > maxValue || value.Length > maxValue)) ConvertToTable();
        if (_table is not null) return SetInTable(field, value);
        int position = Find(field);
        if (position >= 0)
        {
            ReplaceListValue(position, value);
            return false;
        }
        int need = PackedBytes.PrefixSize(field.Length) + field.Length + PackedBytes.PrefixSize(value.Length) + value.Length;
        EnsureCapacity(_packedLength + need);
        _packedLength = PackedBytes.Write(_packed, _packedLength, field);
        _packedLength = PackedBytes.Write(_packed, _packedLength, value);
        _listCount++;
        if (_listCount > maxEntries) ConvertToTable();
        return true;
    }

    private bool SetInTable(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        var table = _table!;
        int hash = KeyHash.Of(field);
        int index = table.Find(field, hash);
        if (index < 0)
        {
            table.Insert(PackedPair.Create(field, value), hash, 0);
            return true;
        }
        byte[] pair = table.KeyAt(index);
        int valueAt = PackedPair.ValueOffset(pair);
        // Same length: overwrite in place (pairs are never shared), so updates allocate nothing.
        if (pair.Length - valueAt == value.Length) value.CopyTo(pair.AsSpan(valueAt));
        else table.ReplaceStored(index, PackedPair.Create(field, value));
        return false;
    }

    /// <summary>Rewrites the value of the listpack pair whose field starts at <paramref name="position"/>, moving what follows.</summary>
    private void ReplaceListValue(int position, ReadOnlySpan<byte> value)
    {
        int valueStart = SkipString(position);
        int oldEnd = SkipString(valueStart);
        int newEnd = valueStart + PackedBytes.PrefixSize(value.Length) + value.Length;
        if (newEnd != oldEnd)
        {
            EnsureCapacity(_packedLength + newEnd - oldEnd);
            _packed.AsSpan(oldEnd, _packedLength - oldEnd).CopyTo(_packed.AsSpan(newEnd));
            _packedLength += newEnd - oldEnd;
        }
        PackedBytes.Write(_packed, valueStart, value);
    }

    /// <summary>Grows the listpack by a quarter at a time: little slack, as with an allocator's size classes.</summary>
    private void EnsureCapacity(int length)
    {
        if (length <= _packed.Length) return;
        Array.Resize(ref _packed, Math.Max(length, Math.Max(16, _packed.Length + _packed.Length / 4)));
    }

    public bool Remove(ReadOnlySpan<byte> field)
    {
        if (_table is not null) return _table.Remove(field, KeyHash.Of(field));
        int position = Find(field);
        if (position < 0) return false;
        int end = SkipPair(position);
        // Close the gap, keeping insertion order, like a listpack delete.
        _packed.AsSpan(end, _packedLength - end).CopyTo(_packed.AsSpan(position));
        _packedLength -= end - position;
        _listCount--;
        return true;
    }

    /// <summary>One-way switch to the hashtable encoding.</summary>
    public void ConvertToTable()
    {
        if (_table is not null) return;
        var table = new KeyTable<byte, PackedPair>();
        foreach (var pair in this) table.Insert(PackedPair.Create(pair.Field, pair.Value), KeyHash.Of(pair.Field), 0);
        _table = table;
        _packed = [];
        _packedLength = 0;
        _listCount = 0;
    }

    /// <summary>The pair at <paramref name="position"/> (from <see cref="Enumerator.Position"/>, <see cref="RandomPosition"/> or a table walk).</summary>
    public HashPair PairAt(int position)
    {
        if (_table is not null)
        {
            byte[] pair = _table.KeyAt(position);
            int valueAt = PackedPair.ValueOffset(pair);
            return new HashPair(PackedPair.KeyOf(pair), pair.AsSpan(valueAt));
        }
        int offset = position;
        int fieldLength = PackedBytes.ReadPrefix(_packed, ref offset);
        var field = _packed.AsSpan(offset, fieldLength);
        offset += fieldLength;
        int valueLength = PackedBytes.ReadPrefix(_packed, ref offset);
        return new HashPair(field, _packed.AsSpan(offset, valueLength));
    }

    /// <summary>The position of a uniformly random pair; the hash must not be empty.</summary>
    public int RandomPosition(Random random)
    {
        if (_table is not null) return _table.RandomIndex(random);
        int position = 0;
        for (int skip = random.Next(_listCount); skip > 0; skip--) position = SkipPair(position);
        return position;
    }

    /// <summary>The positions of all pairs, in enumeration order.</summary>
    public int[] Positions()
    {
        var positions = new int[Count];
        int n = 0;
        for (var walk = GetEnumerator(); walk.MoveNext();) positions[n++] = walk.Position;
        return positions;
    }

    /// <summary>Position of <paramref name="field"/>, or -1.</summary>
    private int Find(ReadOnlySpan<byte> field)
    {
        if (_table is not null) return _table.Find(field);
        var packed = _packed.AsSpan(0, _packedLength);
        int offset = 0;
        while (offset < packed.Length)
        {
            int start = offset;
            int length = PackedBytes.ReadPrefix(packed, ref offset);
            if (length == field.Length && packed.Slice(offset, length).SequenceEqual(field)) return start;
            offset = SkipString(offset + length);
        }
        return -1;
    }

    /// <summary>The offset just past the listpack pair at <paramref name="position"/>.</summary>
    private int SkipPair(int position) => SkipString(SkipString(position));

    /// <summary>The offset just past the prefixed string at <paramref name="offset"/>.</summary>
    private int SkipString(int offset)
    {
        int length = PackedBytes.ReadPrefix(_packed, ref offset);
        return offset + length;
    }

    /// <summary>Visits every pair: listpack in insertion order, hashtable in table order. The hash must not change during the walk.</summary>
    public Enumerator GetEnumerator() => new(this);

    public ref struct Enumerator
    {
        private readonly HashValue _hash;
        private KeyTable<byte, PackedPair>.IndexEnumerator _tableWalk;
        private int _next;

        internal Enumerator(HashValue hash)
        {
            _hash = hash;
            Position = -1;
            if (hash._table is not null) _tableWalk = hash._table.GetEnumerator();
        }

        public int Position { get; private set; }

        public readonly HashPair Current => _hash.PairAt(Position);

        public bool MoveNext()
        {
            if (_hash._table is not null)
            {
                if (!_tableWalk.MoveNext()) return false;
                Position = _tableWalk.Current;
                return true;
            }
            if (_next >= _hash._packedLength) return false;
            Position = _next;
            _next = _hash.SkipPair(_next);
            return true;
        }
    }

    public override DataObject Clone()
    {
        var copy = new HashValue { _packed = _packed.AsSpan(0, _packedLength).ToArray(), _packedLength = _packedLength, _listCount = _listCount };
        if (_table is not null)
        {
            var table = new KeyTable<byte, PackedPair>();
            foreach (int i in _table) table.Insert((byte[])_table.KeyAt(i).Clone(), _table.HashAt(i), 0);
            copy._table = table;
        }
        return copy;
    }
}

/// <summary>A field and its value, as spans into the hash's storage: valid until the hash next changes.</summary>
public readonly ref struct HashPair(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
{
    public ReadOnlySpan<byte> Field { get; } = field;

    public ReadOnlySpan<byte> Value { get; } = value;

    public void Deconstruct(out ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        field = Field;
        value = Value;
    }
}
