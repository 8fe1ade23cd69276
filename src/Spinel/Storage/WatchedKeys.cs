namespace Spinel.Storage;

/// <summary>
/// One client's WATCHed keys and whether one of them changed since ("dirty": the next EXEC must abort).
/// Used under the keyspace lock.
/// </summary>
public sealed class WatchedKeys
{
    internal readonly List<WatchedKey> Keys = [];

    /// <summary>A watched key changed: EXEC replies a null array. Stays set until EXEC, DISCARD, UNWATCH or RESET.</summary>
    public bool Dirty { get; internal set; }

    public int Count => Keys.Count;
}

/// <summary>One (database, key) a client watches.</summary>
internal sealed class WatchedKey(WatchedKeys owner, int db, byte[] key, bool expired)
{
    public readonly WatchedKeys Owner = owner;
    public readonly int Db = db;
    public readonly byte[] Key = key;

    /// <summary>
    /// The key had already expired (but was not yet deleted) when WATCH ran. Its deletion by expiry is then
    /// no logical change, as in Redis 7.0: the client saw no key and there is still none.
    /// </summary>
    public bool Expired = expired;
}
