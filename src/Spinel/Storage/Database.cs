using Spinel.Util;

namespace Spinel.Storage;

/// <summary>
/// One numbered database: keys to values, plus the deadlines of keys that have one.
/// A key whose deadline has passed is removed when it is next touched (lazy expiry) or by the
/// active expiry cycle. Every method assumes the caller holds the keyspace lock.
/// </summary>
public sealed class Database
{
    // Meta bits of a main-table entry: the top bit says the key has a deadline in Expires,
    // the rest is the access clock that OBJECT IDLETIME and FREQ read.
    private const int HasExpireBit = 1 << 30;
    private const int ClockMask = HasExpireBit - 1;

    internal readonly KeyTable<object> Main = new();
    internal readonly KeyTable<long> Expires = new();
    private readonly Keyspace _keyspace;

    /// <summary>Where the active expiry cycle resumes its walk of <see cref="Expires"/>.</summary>
    internal ulong ExpireCursor;

    internal Database(Keyspace keyspace, int id)
    {
        _keyspace = keyspace;
        Id = id;
    }

    public int Id { get; internal set; }

    public int Count => Main.Count;

    public int ExpiresCount => Expires.Count;

    /// <summary>Looks a key up for reading: counts a hit or miss and updates its access clock.</summary>
    public object? Get(ReadOnlySpan<byte> key)
    {
        int i = FindLive(key);
        if (i < 0)
        {
            _keyspace.Stats.KeyspaceMisses++;
            _keyspace.KeyMissed?.Invoke(this, key);
            return null;
        }
        _keyspace.Stats.KeyspaceHits++;
        Touch(i);
        return Main.ValueAt(i);
    }

    /// <summary>Looks a key up for a write: no hit/miss accounting.</summary>
    public object? GetForWrite(ReadOnlySpan<byte> key)
    {
        int i = FindLive(key);
        if (i < 0) return null;
        Touch(i);
        return Main.ValueAt(i);
    }

    /// <summary>Starts loading the memory a lookup of this hash will touch (see <see cref="KeyTable{TValue}.Prefetch"/>).</summary>
    internal void Prefetch(int hash, int stage) => Main.Prefetch(hash, stage);

    /// <summary>For prefetching only: the value under a key already hashed, without expiry checks or side effects.</summary>
    internal object? PeekHashed(ReadOnlySpan<byte> key, int hash)
    {
        int i = Main.Find(key, hash);
        return i < 0 ? null : Main.ValueAt(i);
    }

    /// <summary>Looks a key up without touching its access clock or the stats (TYPE, OBJECT, EXISTS-like checks).</summary>
    public object? Peek(ReadOnlySpan<byte> key)
    {
        int i = FindLive(key);
        return i < 0 ? null : Main.ValueAt(i);
    }

    /// <summary>
    /// Looks a key up for reading without touching its access clock, but counting a hit or miss (EXISTS, TYPE, TTL,
    /// OBJECT). OBJECT passes <paramref name="notifyMiss"/> false: Redis publishes no "keymiss" for it.
    /// </summary>
    public object? GetNoTouch(ReadOnlySpan<byte> key, bool notifyMiss = true)
    {
        int i = FindLive(key);
        if (i < 0)
        {
            _keyspace.Stats.KeyspaceMisses++;
            if (notifyMiss) _keyspace.KeyMissed?.Invoke(this, key);
            return null;
        }
        _keyspace.Stats.KeyspaceHits++;
        return Main.ValueAt(i);
    }

    public bool Exists(ReadOnlySpan<byte> key) => FindLive(key) >= 0;

    /// <summary>Whether the key is stored, even past its deadline (not yet deleted); no side effects.</summary>
    internal bool ContainsKey(ReadOnlySpan<byte> key) => Main.Find(key) >= 0;

    /// <summary>Whether the key is stored but past its deadline (expired, not yet deleted); no side effects.</summary>
    internal bool IsExpiredKey(ReadOnlySpan<byte> key)
    {
        int i = Main.Find(key);
        return i >= 0 && IsExpiredAt(i);
    }

    /// <summary>Creates or overwrites a key. Overwriting drops the deadline unless <paramref name="keepTtl"/>.</summary>
    public void Set(ReadOnlySpan<byte> key, object value, bool keepTtl = false)
    {
        int hash = KeyHash.Of(key);
        int i = FindLive(key, hash);
        if (i < 0)
        {
            Main.Insert(key.ToArray(), hash, value, _keyspace.NewClock());
            _keyspace.KeyCreated?.Invoke(this, key);
            return;
        }
        ref object old = ref Main.ValueAt(i);
        if (!ReferenceEquals(old, value)) CountRemoved(old);
        old = value;
        ref int meta = ref Main.MetaAt(i);
        if (!keepTtl && (meta & HasExpireBit) != 0)
        {
            Expires.Remove(key, hash);
            meta &= ~HasExpireBit;
        }
        meta = (meta & HasExpireBit) | _keyspace.TouchedClock(meta & ClockMask);
    }

    /// <summary>Adds a key known to be absent (callers checked), reusing the given key array.</summary>
    public void Add(byte[] key, object value)
    {
        Main.Insert(key, KeyHash.Of(key), value, _keyspace.NewClock());
        _keyspace.KeyCreated?.Invoke(this, key);
    }

    public bool Delete(ReadOnlySpan<byte> key)
    {
        int hash = KeyHash.Of(key);
        int i = FindLive(key, hash);
        if (i < 0) return false;
        RemoveAt(i, key, hash);
        return true;
    }

    private void RemoveAt(int index, ReadOnlySpan<byte> key, int hash)
    {
        if ((Main.MetaAt(index) & HasExpireBit) != 0) Expires.Remove(key, hash);
        CountRemoved(Main.ValueAt(index));
        Main.RemoveAt(index);
        _keyspace.RemovedKeys++;
    }

    /// <summary>A big value just let go counts towards the memory worth handing back (see <see cref="Keyspace.RemovedValueBytes"/>).</summary>
    private void CountRemoved(object value)
    {
        long bytes = ValueModel.ApproximateBytes(value);
        if (bytes >= DroppedBuffers.LargeObjectSize) _keyspace.RemovedValueBytes += bytes;
    }

    /// <summary>The key's deadline in Unix milliseconds, or -1 when it has none (or does not exist).</summary>
    public long GetExpire(ReadOnlySpan<byte> key)
    {
        int hash = KeyHash.Of(key);
        int i = FindLive(key, hash);
        if (i < 0 || (Main.MetaAt(i) & HasExpireBit) == 0) return -1;
        return Expires.ValueAt(Expires.Find(key, hash));
    }

    /// <summary>Sets the deadline of an existing key.</summary>
    public void SetExpire(ReadOnlySpan<byte> key, long whenMs)
    {
        int hash = KeyHash.Of(key);
        int i = Main.Find(key, hash);
        if (i < 0) return;
        ref int meta = ref Main.MetaAt(i);
        if ((meta & HasExpireBit) != 0)
        {
            Expires.ValueAt(Expires.Find(key, hash)) = whenMs;
            return;
        }
        meta |= HasExpireBit;
        Expires.Insert(Main.KeyAt(i), hash, whenMs);
    }

    /// <summary>Drops a key's deadline; false when it had none.</summary>
    public bool Persist(ReadOnlySpan<byte> key)
    {
        int hash = KeyHash.Of(key);
        int i = FindLive(key, hash);
        if (i < 0) return false;
        ref int meta = ref Main.MetaAt(i);
        if ((meta & HasExpireBit) == 0) return false;
        meta &= ~HasExpireBit;
        Expires.Remove(key, hash);
        return true;
    }

    /// <summary>Seconds since the key was last read or written (OBJECT IDLETIME), or -1 when missing.</summary>
    public long IdleSeconds(ReadOnlySpan<byte> key)
    {
        int i = FindLive(key);
        if (i < 0) return -1;
        return _keyspace.IdleSeconds(Main.MetaAt(i) & ClockMask);
    }

    /// <summary>The LFU access-frequency counter (OBJECT FREQ), decayed to now, or -1 when missing.</summary>
    public int Frequency(ReadOnlySpan<byte> key)
    {
        int i = FindLive(key);
        return i < 0 ? -1 : _keyspace.LfuDecayed(Main.MetaAt(i) & ClockMask);
    }

    /// <summary>Reads everything stored for a live key without touching it: value, deadline (-1 for none) and access clock.</summary>
    internal bool TryGetEntry(ReadOnlySpan<byte> key, out object value, out long expireMs, out int clock)
    {
        int hash = KeyHash.Of(key);
        int i = FindLive(key, hash);
        if (i < 0)
        {
            value = null!;
            expireMs = -1;
            clock = 0;
            return false;
        }
        value = Main.ValueAt(i);
        int meta = Main.MetaAt(i);
        clock = meta & ClockMask;
        expireMs = (meta & HasExpireBit) != 0 ? Expires.ValueAt(Expires.Find(key, hash)) : -1;
        return true;
    }

    /// <summary>Adds a key known to be absent with its deadline (-1 for none) and access clock (RENAME and MOVE keep both).</summary>
    internal void AddEntry(ReadOnlySpan<byte> key, object value, long expireMs, int clock)
    {
        int hash = KeyHash.Of(key);
        byte[] stored = key.ToArray();
        _keyspace.KeyCreated?.Invoke(this, key);
        if (expireMs < 0)
        {
            Main.Insert(stored, hash, value, clock & ClockMask);
            return;
        }
        Main.Insert(stored, hash, value, (clock & ClockMask) | HasExpireBit);
        Expires.Insert(stored, hash, expireMs);
    }

    /// <summary>The clock a key created now starts with (COPY makes a new object, so it starts afresh).</summary>
    internal int NewClock() => _keyspace.NewClock();

    /// <summary>A random live key, or null when the database is empty; expired keys met on the way are removed.</summary>
    public byte[]? RandomKey()
    {
        while (true)
        {
            int i = Main.RandomIndex(_keyspace.Random);
            if (i < 0) return null;
            byte[] key = Main.KeyAt(i);
            if (!IsExpiredAt(i)) return key;
            RemoveAt(i, key, Main.HashAt(i));
            _keyspace.OnExpired(this, key);
        }
    }

    /// <summary>
    /// One SCAN step: walks buckets from <paramref name="cursor"/> until <paramref name="count"/> keys are
    /// collected or about ten times that many buckets were visited, as Redis does. Keys are collected
    /// unfiltered (expired ones too); the caller filters. Returns the next cursor, 0 when done.
    /// </summary>
    public ulong Scan(ulong cursor, long count, List<byte[]> keys)
    {
        long maxBuckets = count > long.MaxValue / 10 ? long.MaxValue : count * 10;
        var state = (Table: Main, Keys: keys);
        do
        {
            cursor = Main.ScanBucket(cursor, ref state, static (ref (KeyTable<object> Table, List<byte[]> Keys) s, int index) => s.Keys.Add(s.Table.KeyAt(index)));
        }
        while (cursor != 0 && maxBuckets-- > 0 && keys.Count < count);
        return cursor;
    }

    /// <summary>Every live key matching a glob pattern (KEYS); expired keys are skipped, not removed, as Redis does.</summary>
    public void CollectKeys(ReadOnlySpan<byte> pattern, List<byte[]> keys)
    {
        bool all = pattern.Length == 1 && pattern[0] == (byte)'*';
        foreach (int i in Main)
        {
            byte[] key = Main.KeyAt(i);
            if ((all || GlobMatcher.IsMatch(pattern, key)) && !IsExpiredAt(i)) keys.Add(key);
        }
    }

    public void Clear()
    {
        _keyspace.Watches.TouchAll(Id, this, null);
        _keyspace.RemovedKeys += Main.Count;
        // What a flush frees is unknown without walking every value, which would make it O(n) under the lock: it
        // counts as enough to be worth handing memory back (a flush is rare).
        if (Main.Count > 0) _keyspace.RemovedValueBytes += Keyspace.FlushedValueBytes;
        Main.Clear();
        Expires.Clear();
        ExpireCursor = 0;
    }

    private void Touch(int index)
    {
        ref int meta = ref Main.MetaAt(index);
        int touched = (meta & HasExpireBit) | _keyspace.TouchedClock(meta & ClockMask);
        // The clock ticks in seconds: skip the store (and the dirtied cache line) when nothing changed.
        if (touched != meta) meta = touched;
    }

    private int FindLive(ReadOnlySpan<byte> key) => FindLive(key, KeyHash.Of(key));

    /// <summary>Finds a key, deleting it first if its deadline has passed.</summary>
    private int FindLive(ReadOnlySpan<byte> key, int hash)
    {
        int i = Main.Find(key, hash);
        if (i < 0 || (Main.MetaAt(i) & HasExpireBit) == 0) return i;
        long when = Expires.ValueAt(Expires.Find(key, hash));
        if (when > _keyspace.NowMs) return i;
        RemoveAt(i, key, hash);
        _keyspace.OnExpired(this, key);
        return -1;
    }

    /// <summary>True when the key at this main-table index has a deadline that has passed (no removal).</summary>
    internal bool IsExpiredAt(int index)
    {
        if ((Main.MetaAt(index) & HasExpireBit) == 0) return false;
        byte[] key = Main.KeyAt(index);
        return Expires.ValueAt(Expires.Find(key, Main.HashAt(index))) <= _keyspace.NowMs;
    }

    /// <summary>Removes a key that the active cycle found past its deadline.</summary>
    internal void ExpireFromCycle(byte[] key)
    {
        int hash = KeyHash.Of(key);
        int i = Main.Find(key, hash);
        if (i < 0) return;
        RemoveAt(i, key, hash);
        _keyspace.OnExpired(this, key);
    }
}
