namespace Spinel.Storage;

/// <summary>
/// A hash. Small hashes are "listpack": field/value pairs side by side in one flat array, searched
/// linearly, kept in insertion order. Past the configured size limits it converts, once and for good,
/// to "hashtable": a <see cref="KeyTable{TValue}"/> from field to value, whose reverse-binary cursor
/// gives HSCAN Redis's guarantees.
/// </summary>
public sealed class HashValue : DataObject
{
    private byte[][]? _pairs;   // listpack: field at 2i, value at 2i+1
    private int _pairCount;
    private KeyTable<byte[]>? _table;

    public HashValue()
    {
        _pairs = new byte[8][];
    }

    public override RedisType Type => RedisType.Hash;

    public override string Encoding => _table is null ? "listpack" : "hashtable";

    public bool IsListpack => _table is null;

    public int Count => _table?.Count ?? _pairCount;

    /// <summary>The hashtable, or null while the hash is a listpack.</summary>
    public KeyTable<byte[]>? Table => _table;

    public byte[]? Get(ReadOnlySpan<byte> field)
    {
        if (_table is null)
        {
            int i = IndexOf(field);
            return i < 0 ? null : _pairs![2 * i + 1];
        }
        int index = _table.Find(field);
        return index < 0 ? null : _table.ValueAt(index);
    }

    public bool Contains(ReadOnlySpan<byte> field) => _table is null ? IndexOf(field) >= 0 : _table.Find(field) >= 0;

    /// <summary>
    /// Sets a field (copying the field on insert; <paramref name="value"/> is stored as given). Converts
    /// to a hashtable when the field or value is longer than <paramref name="maxValue"/> or the entry count
    /// passes <paramref name="maxEntries"/>. True when the field is new.
    /// </summary>
    public bool Set(ReadOnlySpan<byte> field, byte[] value, long maxEntries, long maxValue)
    {
        if (_table is null && (field.Length > maxValue || value.Length > maxValue)) ConvertToTable();
        if (_table is not null)
        {
            int hash = KeyTable<byte[]>.HashOf(field);
            int index = _table.Find(field, hash);
            if (index >= 0)
            {
                _table.ValueAt(index) = value;
                return false;
            }
            _table.Insert(field.ToArray(), hash, value);
            return true;
        }
        int i = IndexOf(field);
        if (i >= 0)
        {
            _pairs![2 * i + 1] = value;
            return false;
        }
        if (2 * _pairCount + 2 > _pairs!.Length) Array.Resize(ref _pairs, _pairs.Length * 2);
        _pairs[2 * _pairCount] = field.ToArray();
        _pairs[2 * _pairCount + 1] = value;
        _pairCount++;
        if (_pairCount > maxEntries) ConvertToTable();
        return true;
    }

    public bool Remove(ReadOnlySpan<byte> field)
    {
        if (_table is not null) return _table.Remove(field, KeyTable<byte[]>.HashOf(field));
        int i = IndexOf(field);
        if (i < 0) return false;
        // Shift the rest down to keep insertion order, like a listpack delete.
        Array.Copy(_pairs!, 2 * i + 2, _pairs!, 2 * i, 2 * (_pairCount - i - 1));
        _pairCount--;
        _pairs![2 * _pairCount] = null!;
        _pairs[2 * _pairCount + 1] = null!;
        return true;
    }

    /// <summary>One-way switch to the hashtable encoding.</summary>
    public void ConvertToTable()
    {
        if (_table is not null) return;
        var table = new KeyTable<byte[]>();
        for (int i = 0; i < _pairCount; i++)
        {
            var field = _pairs![2 * i];
            table.Insert(field, KeyTable<byte[]>.HashOf(field), _pairs[2 * i + 1]);
        }
        _table = table;
        _pairs = null;
        _pairCount = 0;
    }

    /// <summary>Listpack only: the field of pair <paramref name="i"/> (insertion order).</summary>
    public byte[] FieldAt(int i) => _pairs![2 * i];

    /// <summary>Listpack only: the value of pair <paramref name="i"/>.</summary>
    public byte[] ValueAt(int i) => _pairs![2 * i + 1];

    private int IndexOf(ReadOnlySpan<byte> field)
    {
        var pairs = _pairs!;
        for (int i = 0; i < _pairCount; i++)
        {
            if (field.SequenceEqual(pairs[2 * i])) return i;
        }
        return -1;
    }

    /// <summary>Visits every pair: listpack in insertion order, hashtable in table order.</summary>
    public Enumerator GetEnumerator() => new(this);

    public struct Enumerator
    {
        private readonly HashValue _hash;
        private KeyTable<byte[]>.IndexEnumerator _tableWalk;
        private int _i;

        internal Enumerator(HashValue hash)
        {
            _hash = hash;
            _i = -1;
            _tableWalk = hash._table is null ? default : hash._table.GetEnumerator();
        }

        public readonly (byte[] Field, byte[] Value) Current => _hash._table is { } t
            ? (t.KeyAt(_tableWalk.Current), t.ValueAt(_tableWalk.Current))
            : (_hash._pairs![2 * _i], _hash._pairs[2 * _i + 1]);

        public bool MoveNext() => _hash._table is null ? ++_i < _hash._pairCount : _tableWalk.MoveNext();
    }

    public override DataObject Clone()
    {
        var copy = new HashValue();
        if (_table is not null) copy.ConvertToTable();
        foreach (var (field, value) in this) copy.Set(field, (byte[])value.Clone(), long.MaxValue, long.MaxValue);
        return copy;
    }
}
