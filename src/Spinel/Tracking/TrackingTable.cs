using Spinel.Util;

namespace Spinel.Tracking;

/// <summary>
/// Default-mode tracking: which clients read each key since it last changed. Keys are names only, whatever the
/// database, as in Redis. A client's ids stay here after it stops tracking or disconnects, until the key changes
/// (Redis counts them in tracking_total_items the same way); delivery skips them.
/// </summary>
internal sealed class TrackingTable
{
    private readonly Dictionary<byte[], HashSet<long>> _keys = new(ByteArrayComparer.Instance);

    public int KeyCount => _keys.Count;

    /// <summary>Key–client pairs (INFO tracking_total_items).</summary>
    public long ItemCount { get; private set; }

    public void Remember(ReadOnlySpan<byte> key, long clientId)
    {
        var lookup = _keys.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (!lookup.TryGetValue(key, out var ids))
        {
            ids = [];
            lookup[key] = ids;
        }
        if (ids.Add(clientId)) ItemCount++;
    }

    /// <summary>Removes a key and returns the clients that read it, or null if nobody did.</summary>
    public HashSet<long>? Take(ReadOnlySpan<byte> key)
    {
        if (!_keys.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(key, out _, out var ids)) return null;
        ItemCount -= ids.Count;
        return ids;
    }

    /// <summary>Some tracked key (the one tracking-table-max-keys evicts first); the table must not be empty.</summary>
    public byte[] AnyKey()
    {
        foreach (var key in _keys.Keys) return key;
        throw new InvalidOperationException("empty tracking table");
    }

    public void Clear()
    {
        _keys.Clear();
        ItemCount = 0;
    }
}
