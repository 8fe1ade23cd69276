using Spinel.Util;

namespace Spinel.Tracking;

/// <summary>
/// Default-mode tracking: which clients read each key since it last changed. Keys are names only, whatever the
/// database, as in Redis. A client's ids stay here after it stops tracking or disconnects, until the key changes
/// (Redis counts them in tracking_total_items the same way); delivery skips them.
/// </summary>
internal sealed class TrackingTable
{
    /// <summary>The clients that read a key; the key itself and its place in <see cref="_order"/>.</summary>
    private sealed class Readers(byte[] key) : HashSet<long>
    {
        public readonly byte[] Key = key;
        public int Slot;
    }

    private readonly Dictionary<byte[], Readers> _keys = new(ByteArrayComparer.Instance);

    // Every key once, in no particular order: a random one is one index away (tracking-table-max-keys evicts at random).
    private readonly List<Readers> _order = [];

    public int KeyCount => _keys.Count;

    /// <summary>Key–client pairs (INFO tracking_total_items).</summary>
    public long ItemCount { get; private set; }

    public void Remember(ReadOnlySpan<byte> key, long clientId)
    {
        var lookup = _keys.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (!lookup.TryGetValue(key, out var ids))
        {
            ids = new Readers(key.ToArray()) { Slot = _order.Count };
            _keys[ids.Key] = ids;
            _order.Add(ids);
        }
        if (ids.Add(clientId)) ItemCount++;
    }

    /// <summary>Removes a key and returns the clients that read it, or null if nobody did.</summary>
    public HashSet<long>? Take(ReadOnlySpan<byte> key)
    {
        if (!_keys.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(key, out _, out var ids)) return null;
        ItemCount -= ids.Count;
        // The last key takes the removed one's place.
        var last = _order[^1];
        _order.RemoveAt(_order.Count - 1);
        if (last != ids)
        {
            _order[ids.Slot] = last;
            last.Slot = ids.Slot;
        }
        return ids;
    }

    /// <summary>A tracked key picked at random; the table must not be empty.</summary>
    public byte[] RandomKey() => _order[Random.Shared.Next(_order.Count)].Key;

    public void Clear()
    {
        _keys.Clear();
        _order.Clear();
        ItemCount = 0;
    }
}
