using System.Diagnostics;
using Spinel.Config;

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
        Watches = new WatchRegistry(databases);
    }

    /// <summary>Keys clients WATCH; writes, expiry, flushes and SWAPDB mark their watchers dirty.</summary>
    public WatchRegistry Watches { get; }

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

    // The wall clock is derived from the monotonic timestamp (one cheap read per command) and
    // re-anchored to the real wall clock by ResyncClock on every cron tick.
    // Anchored in 100 ns units and truncated to milliseconds only at the end, so the derived clock
    // never lags the real one (a client's PEXPIREAT followed by PTTL must not read more than was set).
    private long _anchorUnixTicks = UnixTicksNow();
    private long _anchorTicks = Stopwatch.GetTimestamp();
    private int _accessClock;

    /// <summary>Keys removed so far (deleted, expired, flushed), so the server can tell when much memory was freed.</summary>
    public long RemovedKeys { get; set; }

    /// <summary>
    /// Roughly how many bytes removed big values held (85 KB+: deleted, overwritten, expired, flushed; see
    /// <see cref="ValueModel.ApproximateBytes"/>), so the server can tell when a few big values were freed.
    /// </summary>
    public long RemovedValueBytes { get; set; }

    /// <summary>What a flush of a non-empty database adds to <see cref="RemovedValueBytes"/>.</summary>
    public const long FlushedValueBytes = 1L << 30;

    /// <summary>Changes since the last save; INFO's rdb_changes_since_last_save.</summary>
    public long Dirty { get; set; }

    /// <summary>Called when a key is removed because its deadline passed.</summary>
    public event Action<Database, byte[]>? KeyExpired;

    /// <summary>Called when a key is created (keyspace event "new"); null unless someone listens, so inserts pay one check.</summary>
    public KeyCreatedHandler? KeyCreated { get; set; }

    /// <summary>Called when a read finds no key (keyspace event "keymiss"); null unless someone listens.</summary>
    public KeyCreatedHandler? KeyMissed { get; set; }

    /// <summary>Called when a key expires, for client-side caching; null until some client first turns tracking on.</summary>
    public KeyCreatedHandler? KeyExpiredForTracking { get; set; }

    public void RefreshClock() => RefreshClock(Stopwatch.GetTimestamp());

    /// <summary>Sets the command clock from a <see cref="Stopwatch"/> timestamp the caller already read.</summary>
    public void RefreshClock(long timestamp)
    {
        long ms = (_anchorUnixTicks + (long)((timestamp - _anchorTicks) * TicksPerStopwatchTick)) / TimeSpan.TicksPerMillisecond;
        if (ms > NowMs) NowMs = ms;
        _accessClock = (int)((timestamp - _startTicks) / Stopwatch.Frequency) & ((1 << 30) - 1);
    }

    private static readonly double TicksPerStopwatchTick = (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency;

    private static long UnixTicksNow() => DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks;

    /// <summary>Re-anchors the derived wall clock (the system clock may have been adjusted).</summary>
    public void ResyncClock()
    {
        _anchorTicks = Stopwatch.GetTimestamp();
        _anchorUnixTicks = UnixTicksNow();
        NowMs = _anchorUnixTicks / TimeSpan.TicksPerMillisecond;
    }

    /// <summary>
    /// Where the maxmemory-policy is read from, to know whether keys track access time (LRU) or
    /// access frequency (LFU); without a config (bare keyspaces in tests) keys track access time.
    /// </summary>
    public ServerConfig? Config { get; init; }

    /// <summary>lfu-log-factor: how slowly the frequency counter grows.</summary>
    public int LfuLogFactor { get; set; } = 10;

    /// <summary>lfu-decay-time: minutes per point of counter decay (0: never decays).</summary>
    public int LfuDecayTime { get; set; } = 1;

    private string? _policySeen;
    private bool _lfu;

    /// <summary>True when the maxmemory-policy is an LFU one, so the per-key clock holds a frequency counter.</summary>
    public bool LfuEnabled
    {
        get
        {
            var policy = Config?.MaxMemoryPolicy;
            if (!ReferenceEquals(policy, _policySeen))
            {
                _policySeen = policy;
                _lfu = policy is not null && policy.EndsWith("-lfu", StringComparison.Ordinal);
            }
            return _lfu;
        }
    }

    /// <summary>Seconds since start, in 30 bits: the access clock stored with every key.</summary>
    internal int AccessClock() => _accessClock;

    // LFU layout of the per-key clock, as in Redis: 16 bits of minutes at the last decrement, 8 bits of counter.
    private const int LfuInitialCounter = 5;

    private int LfuMinutes() => (int)(NowMs / 60000) & 0xFFFF;

    /// <summary>The clock a new key starts with: now (LRU) or a fresh counter (LFU).</summary>
    internal int NewClock() => LfuEnabled ? (LfuMinutes() << 8) | LfuInitialCounter : AccessClock();

    /// <summary>The clock after an access: now (LRU), or the decayed counter bumped logarithmically (LFU).</summary>
    internal int TouchedClock(int clock)
    {
        if (!LfuEnabled) return AccessClock();
        int counter = LfuDecayed(clock);
        if (counter < 255)
        {
            // The more accesses a key already has, the less likely one more counts: p = 1 / (base * factor + 1).
            int baseValue = Math.Max(counter - LfuInitialCounter, 0);
            if (Random.NextDouble() < 1.0 / (baseValue * (double)LfuLogFactor + 1)) counter++;
        }
        return (LfuMinutes() << 8) | counter;
    }

    /// <summary>An LFU clock's counter after one point of decay per lfu-decay-time minutes since it was stored.</summary>
    internal int LfuDecayed(int clock)
    {
        int stamp = (clock >> 8) & 0xFFFF;
        int counter = clock & 0xFF;
        if (LfuDecayTime <= 0) return counter;
        int now = LfuMinutes();
        int elapsed = now >= stamp ? now - stamp : 0xFFFF - stamp + now;
        int periods = elapsed / LfuDecayTime;
        return periods > counter ? 0 : counter - periods;
    }

    internal long IdleSeconds(int clock)
    {
        int now = AccessClock();
        return now >= clock ? now - clock : now + (1 << 30) - clock;
    }

    internal void OnExpired(Database db, ReadOnlySpan<byte> key)
    {
        Stats.ExpiredKeys++;
        Dirty++;
        if (Watches.Count != 0) Watches.Touch(db, key);
        if (KeyExpired is { } handler) handler(db, key.ToArray());
        KeyExpiredForTracking?.Invoke(db, key);
    }

    public void SwapDatabases(int a, int b)
    {
        Watches.TouchAll(a, _dbs[a], _dbs[b]);
        Watches.TouchAll(b, _dbs[b], _dbs[a]);
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

/// <summary>Receives a key that was just created, or just looked for in vain.</summary>
public delegate void KeyCreatedHandler(Database db, ReadOnlySpan<byte> key);
