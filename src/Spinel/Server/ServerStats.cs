namespace Spinel.Server;

/// <summary>Server-wide counters for INFO; updated under the keyspace lock except the connection counts.</summary>
public sealed class ServerStats
{
    public long CommandsProcessed;
    public long ConnectionsReceived;
    public long RejectedConnections;
    public long TotalErrorReplies;
    public readonly Dictionary<string, long> ErrorsByCode = new(StringComparer.Ordinal);

    /// <summary>When stats were last reset (start or CONFIG RESETSTAT); instantaneous rates are measured from here.</summary>
    public long ResetAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>Unix seconds of the last successful save (LASTSAVE, rdb_last_save_time); the start time until one happens.</summary>
    public long LastSaveUnixSeconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public void CountError(string code)
    {
        TotalErrorReplies++;
        ErrorsByCode[code] = ErrorsByCode.GetValueOrDefault(code) + 1;
    }

    /// <summary>Takes back <see cref="CountError"/>s (an abandoned script run's, see AbandonedRunCounts).</summary>
    public void UncountErrors(string code, long count)
    {
        TotalErrorReplies -= count;
        long left = ErrorsByCode.GetValueOrDefault(code) - count;
        if (left > 0) ErrorsByCode[code] = left;
        else ErrorsByCode.Remove(code);
    }

    public void Reset()
    {
        Interlocked.Exchange(ref ConnectionsReceived, 0);
        Interlocked.Exchange(ref RejectedConnections, 0);
        CommandsProcessed = TotalErrorReplies = 0;
        ErrorsByCode.Clear();
        ResetAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    }

    /// <summary>CONFIG RESETSTAT: server, keyspace and per-command counters back to zero. Caller holds the keyspace lock.</summary>
    public static void ResetAll(SpinelServer server)
    {
        server.Stats.Reset();
        server.Keyspace.Stats.Reset();
        server.Commands.ResetStats();
    }
}
