namespace Spinel.Server;

/// <summary>Server-wide counters for INFO; updated under the keyspace lock except the connection counts.</summary>
public sealed class ServerStats
{
    public long CommandsProcessed;
    public long ConnectionsReceived;
    public long RejectedConnections;
    public long TotalErrorReplies;
    public readonly Dictionary<string, long> ErrorsByCode = new(StringComparer.Ordinal);

    public void CountError(string code)
    {
        TotalErrorReplies++;
        ErrorsByCode[code] = ErrorsByCode.GetValueOrDefault(code) + 1;
    }

    public void Reset()
    {
        CommandsProcessed = ConnectionsReceived = RejectedConnections = TotalErrorReplies = 0;
        ErrorsByCode.Clear();
    }
}
