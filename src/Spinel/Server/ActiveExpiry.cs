using System.Diagnostics;
using Spinel.Storage;

namespace Spinel.Server;

/// <summary>
/// Reclaims keys whose deadline passed but which nobody reads. Each cycle walks the deadline tables
/// with resumable cursors in slices of at most about a millisecond under the lock, so clients are
/// never held up longer than that, and keeps going while a good share (over 10%) of the keys it looks
/// at turn out to be expired, up to Redis's time limit: 25% of the cycle period, plus 2% per step of
/// active-expire-effort above 1. Past that limit, while many keys are still stale, it continues at
/// half pace (for up to a second) as Redis's extra fast cycles do.
/// </summary>
internal sealed class ActiveExpiry
{
    private static readonly long SliceTicks = Stopwatch.Frequency / 1000;
    private readonly SpinelServer _server;
    private readonly List<byte[]> _expired = [];
    private int _nextDb;         // where the next cycle starts, so every database gets its turn
    private double _stalePercent; // running average of the expired share of sampled keys

    public ActiveExpiry(SpinelServer server) => _server = server;

    public async Task RunCycleAsync(CancellationToken token)
    {
        var keyspace = _server.Keyspace;
        long percent = 25 + 2 * (_server.Config.ActiveExpireEffort - 1);
        long budgetTicks = Stopwatch.Frequency * percent / 100 / Math.Max(_server.Config.Hz, 1);
        // How long a cycle may run in its paced phase before returning so the other periodic work runs.
        long maxTicks = Stopwatch.Frequency;
        long cycleStart = Stopwatch.GetTimestamp();
        bool capped = false;
        long sampledTotal = 0, expiredTotal = 0, busyTicks = 0;
        try
        {
            for (int visited = 0; visited < keyspace.DatabaseCount; visited++)
            {
                int dbIndex = _nextDb;
                _nextDb = (_nextDb + 1) % keyspace.DatabaseCount;
                while (true)
                {
                    token.ThrowIfCancellationRequested();
                    int sampled, expired;
                    bool walkedAll;
                    long sliceStart = Stopwatch.GetTimestamp();
                    lock (keyspace.Lock)
                    {
                        keyspace.RefreshClock();
                        (sampled, expired, walkedAll) = RunSlice(keyspace[dbIndex], keyspace.NowMs);
                        if (_server.Tracking.HasBroadcast) _server.Tracking.Broadcast();
                    }
                    busyTicks += Stopwatch.GetTimestamp() - sliceStart;
                    sampledTotal += sampled;
                    expiredTotal += expired;
                    // Move on when little is expired here (Redis's 10% rule) or the whole table was walked.
                    if (walkedAll || sampled == 0 || expired * 10 < sampled) break;
                    long elapsed = Stopwatch.GetTimestamp() - cycleStart;
                    if (elapsed <= budgetTicks)
                    {
                        await Task.Yield();
                        continue;
                    }
                    if (!capped)
                    {
                        capped = true;
                        lock (keyspace.Lock) keyspace.Stats.ExpiredTimeCapReachedCount++;
                    }
                    if (elapsed > maxTicks)
                    {
                        // Resume with this database next time: it still holds plenty of expired keys.
                        _nextDb = dbIndex;
                        return;
                    }
                    // Past the budget with many keys still stale, go on a slice at a time, releasing
                    // the lock between slices: a client waits at most one slice (about 1 ms).
                    await Task.Yield();
                }
            }
        }
        finally
        {
            long micros = busyTicks * 1_000_000 / Stopwatch.Frequency;
            if (sampledTotal > 0) _stalePercent = (double)expiredTotal / sampledTotal * 0.05 + _stalePercent * 0.95;
            lock (keyspace.Lock)
            {
                keyspace.Stats.ExpireCycleCpuMicros += micros;
                keyspace.Stats.ExpiredStalePercent = (long)Math.Round(_stalePercent * 100);
            }
        }
    }

    /// <summary>Walks buckets of one database's deadline table for about a millisecond, deleting what has expired.</summary>
    private (int Sampled, int Expired, bool WalkedAll) RunSlice(Database db, long now)
    {
        var expires = db.Expires;
        if (expires.Count == 0)
        {
            db.ExpireCursor = 0;
            return (0, 0, true);
        }
        long start = Stopwatch.GetTimestamp();
        int expired = 0, buckets = 0;
        ulong cursor = db.ExpireCursor;
        var state = (Table: expires, Now: now, Found: _expired, Sampled: 0);
        do
        {
            cursor = expires.ScanBucket(cursor, ref state, static (ref (KeyTable<long> Table, long Now, List<byte[]> Found, int Sampled) s, int index) =>
            {
                s.Sampled++;
                if (s.Table.ValueAt(index) <= s.Now) s.Found.Add(s.Table.KeyAt(index));
            });
            // Deleted after the bucket visit: removal can shrink the table, which the cursor tolerates between steps only.
            if (_expired.Count > 0)
            {
                foreach (var key in _expired) db.ExpireFromCycle(key);
                expired += _expired.Count;
                _expired.Clear();
            }
        }
        while (cursor != 0 && (++buckets % 64 != 0 || Stopwatch.GetTimestamp() - start < SliceTicks));
        db.ExpireCursor = cursor;
        return (state.Sampled, expired, cursor == 0);
    }
}
