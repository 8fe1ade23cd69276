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

    /// <summary>Looks a key up without touching its access clock or the stats (TYPE, OBJECT, EXISTS-like checks).</summary>
    public object? Peek(ReadOnlySpan<byte> key)
    {
        int i = FindLive(key);
        return i < 0 ? null : Main.ValueAt(i);
    }

    public bool Exists(ReadOnlySpan<byte> key) => FindLive(key) >= 0;

    /// <summary>Creates or overwrites a key. Overwriting drops the deadline unless <paramref name="keepTtl"/>.</summary>
    public void Set(ReadOnlySpan<byte> key, object value, bool keepTtl = false)
    {
        int hash = KeyTable<object>.HashOf(key);
        int i = FindLive(key, hash);
        if (i < 0)
        {
            Main.Insert(key.ToArray(), hash, value, _keyspace.AccessClock());
            return;
        }
        Main.ValueAt(i) = value;
        ref int meta = ref Main.MetaAt(i);
        if (!keepTtl && (meta & HasExpireBit) != 0)
        {
            Expires.Remove(key, hash);
            meta &= ~HasExpireBit;
        }
        meta = (meta & HasExpireBit) | _keyspace.AccessClock();
    }

    /// <summary>Adds a key known to be absent (callers checked), reusing the given key array.</summary>
    public void Add(byte[] key, object value) => Main.Insert(key, KeyTable<object>.HashOf(key), value, _keyspace.AccessClock());

    public bool Delete(ReadOnlySpan<byte> key)
    {
        int hash = KeyTable<object>.HashOf(key);
        int i = FindLive(key, hash);
        if (i < 0) return false;
        RemoveAt(i, key, hash);
        return true;
    }

    private void RemoveAt(int index, ReadOnlySpan<byte> key, int hash)
    {
        if ((Main.MetaAt(index) & HasExpireBit) != 0) Expires.Remove(key, hash);
        Main.RemoveAt(index);
    }

    /// <summary>The key's deadline in Unix milliseconds, or -1 when it has none (or does not exist).</summary>
    public long GetExpire(ReadOnlySpan<byte> key)
    {
        int hash = KeyTable<object>.HashOf(key);
        int i = FindLive(key, hash);
        if (i < 0 || (Main.MetaAt(i) & HasExpireBit) == 0) return -1;
        return Expires.ValueAt(Expires.Find(key, hash));
    }

    /// <summary>Sets the deadline of an existing key.</summary>
    public void SetExpire(ReadOnlySpan<byte> key, long whenMs)
    {
        int hash = KeyTable<object>.HashOf(key);
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
        int hash = KeyTable<object>.HashOf(key);
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

    public void Clear()
    {
        Main.Clear();
        Expires.Clear();
        ExpireCursor = 0;
    }

    private void Touch(int index)
    {
        ref int meta = ref Main.MetaAt(index);
        meta = (meta & HasExpireBit) | _keyspace.AccessClock();
    }

    private int FindLive(ReadOnlySpan<byte> key) => FindLive(key, KeyTable<object>.HashOf(key));

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
        int hash = KeyTable<object>.HashOf(key);
        int i = Main.Find(key, hash);
        if (i < 0) return;
        RemoveAt(i, key, hash);
        _keyspace.OnExpired(this, key);
    }
}
