using System.Diagnostics;

namespace Spinel.Storage;

/// <summary>
/// All databases of a server, with the shared clock and the counters INFO reports.
/// Guarded by <see cref="Lock"/>: whoever executes commands holds it, so every command,
/// and later every transaction or script, sees and leaves the data in a consistent state.
/// </summary>
public sealed class Keyspace
{
    private readonly long _startTicks = Stopwatch.GetTimestamp();
    private Database[] _dbs;

    public Keyspace(int databases)
    {
        _dbs = new Database[databases];
        for (int i = 0; i < databases; i++) _dbs[i] = new Database(this, i);
    }

    /// <summary>The one lock that makes commands atomic. Never held across I/O.</summary>
    public Lock Lock { get; } = new();

    public KeyspaceStats Stats { get; } = new();

    public Random Random { get; } = new();

    public int DatabaseCount => _dbs.Length;

    public Database this[int index] => _dbs[index];

    /// <summary>
    /// The time commands see, in Unix milliseconds. Fixed while one command runs (Redis does the same),
    /// so a command never sees a key alive at its start and expired half-way.
    /// </summary>
    public long NowMs { get; private set; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>Changes since the last save; INFO's rdb_changes_since_last_save.</summary>
    public long Dirty { get; set; }

    /// <summary>Called when a key is removed because its deadline passed.</summary>
    public event Action<Database, byte[]>? KeyExpired;

    public void RefreshClock() => NowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>Seconds since start, in 30 bits: the access clock stored with every key.</summary>
    internal int AccessClock() => (int)(Stopwatch.GetElapsedTime(_startTicks).Ticks / TimeSpan.TicksPerSecond) & ((1 << 30) - 1);

    internal long IdleSeconds(int clock)
    {
        int now = AccessClock();
        return now >= clock ? now - clock : now + (1 << 30) - clock;
    }

    internal void OnExpired(Database db, ReadOnlySpan<byte> key)
    {
        Stats.ExpiredKeys++;
        Dirty++;
        if (KeyExpired is { } handler) handler(db, key.ToArray());
    }

    public void SwapDatabases(int a, int b)
    {
        (_dbs[a], _dbs[b]) = (_dbs[b], _dbs[a]);
        _dbs[a].Id = a;
        _dbs[b].Id = b;
    }

    public void FlushAll()
    {
        foreach (var db in _dbs) db.Clear();
    }

    public long TotalKeys()
    {
        long n = 0;
        foreach (var db in _dbs) n += db.Count;
        return n;
    }
}

/// <summary>Counters shown by INFO stats; reset by CONFIG RESETSTAT.</summary>
public sealed class KeyspaceStats
{
    public long KeyspaceHits;
    public long KeyspaceMisses;
    public long ExpiredKeys;
    public long ExpiredStalePercent;
    public long ExpiredTimeCapReachedCount;
    public long ExpireCycleCpuMicros;

    public void Reset()
    {
        KeyspaceHits = KeyspaceMisses = ExpiredKeys = 0;
        ExpiredTimeCapReachedCount = ExpireCycleCpuMicros = 0;
    }
}
