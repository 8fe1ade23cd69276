using Spinel.Networking;

namespace Spinel.Tracking;

/// <summary>
/// BCAST mode: the registered prefixes, their clients, and the keys under each that changed since the last
/// broadcast, with the client that changed each (for NOLOOP). Broadcast once per batch, as Redis does once per event
/// loop iteration: one message per prefix, its keys in byte order.
/// </summary>
internal sealed class PrefixTable
{
    internal sealed class Entry
    {
        public List<ClientSession> Clients { get; } = [];

        /// <summary>Changed keys and who changed each (null: expiry, or no client).</summary>
        public SortedDictionary<byte[], ClientSession?> Changed { get; } = new(ByteOrder.Instance);
    }

    private readonly SortedDictionary<byte[], Entry> _prefixes = new(ByteOrder.Instance);

    public int Count => _prefixes.Count;

    /// <summary>Some prefix has changed keys waiting to be broadcast.</summary>
    public bool HasChanges { get; private set; }

    public IEnumerable<KeyValuePair<byte[], Entry>> Entries => _prefixes;

    public void Add(byte[] prefix, ClientSession client)
    {
        if (!_prefixes.TryGetValue(prefix, out var entry)) _prefixes[prefix] = entry = new Entry();
        entry.Clients.Add(client);
    }

    public void Remove(byte[] prefix, ClientSession client)
    {
        if (!_prefixes.TryGetValue(prefix, out var entry)) return;
        entry.Clients.Remove(client);
        if (entry.Clients.Count == 0) _prefixes.Remove(prefix);
    }

    /// <summary>Records a changed key under every prefix it starts with; the last writer of a key is the one NOLOOP compares with.</summary>
    public void KeyChanged(ReadOnlySpan<byte> key, ClientSession? writer)
    {
        byte[]? copy = null;
        foreach (var (prefix, entry) in _prefixes)
        {
            if (!key.StartsWith(prefix)) continue;
            copy ??= key.ToArray();
            entry.Changed[copy] = writer;
            HasChanges = true;
        }
    }

    /// <summary>Called once the changes have been broadcast.</summary>
    public void ClearChanges()
    {
        foreach (var entry in _prefixes.Values) entry.Changed.Clear();
        HasChanges = false;
    }
}
