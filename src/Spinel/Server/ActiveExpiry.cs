using System.Diagnostics;
using Spinel.Storage;

namespace Spinel.Server;

/// <summary>
/// Reclaims keys whose deadline passed but which nobody reads. Each cycle walks the deadline tables
/// with a resumable cursor in slices of at most about a millisecond under the lock, so clients are
/// never held up longer than that, and keeps going (up to a quarter of the cycle period) while a
/// good share of the keys it looks at turn out to be expired.
/// </summary>
internal sealed class ActiveExpiry
{
    private static readonly long SliceTicks = Stopwatch.Frequency / 1000;
    private readonly SpinelServer _server;
    private readonly List<byte[]> _expired = [];

    public ActiveExpiry(SpinelServer server) => _server = server;

    public async Task RunCycleAsync(CancellationToken token)
    {
        var keyspace = _server.Keyspace;
        long budgetTicks = Stopwatch.Frequency / Math.Max(_server.Config.Hz, 1) / 4 * _server.Config.ActiveExpireEffort;
        long cycleStart = Stopwatch.GetTimestamp();
        for (int dbIndex = 0; dbIndex < keyspace.DatabaseCount; dbIndex++)
        {
            while (true)
            {
                token.ThrowIfCancellationRequested();
                int sampled, expired;
                bool walkedAll;
                lock (keyspace.Lock)
                {
                    keyspace.RefreshClock();
                    (sampled, expired, walkedAll) = RunSlice(keyspace[dbIndex], keyspace.NowMs);
                }
                // Stop when little is expired here (Redis's 10% rule) or the cycle's time is used up.
                if (walkedAll || sampled == 0 || expired * 10 < sampled) break;
                if (Stopwatch.GetTimestamp() - cycleStart > budgetTicks)
                {
                    keyspace.Stats.ExpiredTimeCapReachedCount++;
                    return;
                }
                await Task.Yield();
            }
        }
    }

    /// <summary>Walks buckets of one database's deadline table for about a millisecond, deleting what has expired.</summary>
    private (int Sampled, int Expired, bool WalkedAll) RunSlice(Database db, long now)
    {
        var expires = db.Expires;
        if (expires.Count == 0) return (0, 0, true);
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
