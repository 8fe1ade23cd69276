namespace Spinel.Storage;

/// <summary>
/// Which clients WATCH which keys, per database index: a write consults it only while something is watched,
/// so ordinary writes pay one counter test. A change to a watched key marks its watchers dirty and drops
/// their watches (they can only fail now). Watches belong to the database index, not to the data: SWAPDB
/// leaves them in place and compares what each index held before and after. Used under the keyspace lock.
/// </summary>
public sealed class WatchRegistry
{
    private readonly KeyTable<List<WatchedKey>>?[] _byDb;
    private readonly List<WatchedKeys> _dirtied = [];

    internal WatchRegistry(int databases) => _byDb = new KeyTable<List<WatchedKey>>?[databases];

    /// <summary>Watched (database, key) pairs over all clients.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a watch unless this client already watches the key in that database.</summary>
    public void Watch(WatchedKeys client, Database db, ReadOnlySpan<byte> key)
    {
        var table = _byDb[db.Id] ??= new KeyTable<List<WatchedKey>>();
        int hash = KeyHash.Of(key);
        int index = table.Find(key, hash);
        if (index >= 0)
        {
            foreach (var w in table.ValueAt(index))
            {
                if (w.Owner == client) return;
            }
        }
        else
        {
            index = table.Insert(key.ToArray(), hash, []);
        }
        var watched = new WatchedKey(client, db.Id, table.KeyAt(index), db.IsExpiredKey(key));
        table.ValueAt(index).Add(watched);
        client.Keys.Add(watched);
        Count++;
    }

    /// <summary>Drops every watch of a client (UNWATCH, EXEC, DISCARD, RESET, disconnect); the dirty flag is the caller's.</summary>
    public void UnwatchAll(WatchedKeys client)
    {
        foreach (var watched in client.Keys)
        {
            var table = _byDb[watched.Db]!;
            int hash = KeyHash.Of(watched.Key);
            int index = table.Find(watched.Key, hash);
            var watchers = table.ValueAt(index);
            watchers.Remove(watched);
            if (watchers.Count == 0) table.RemoveAt(index);
            Count--;
        }
        client.Keys.Clear();
    }

    /// <summary>A key was written, deleted or expired: its watchers' next EXEC must fail.</summary>
    public void Touch(Database db, ReadOnlySpan<byte> key)
    {
        if (Count == 0 || _byDb[db.Id] is not { Count: > 0 } table) return;
        int index = table.Find(key);
        if (index < 0) return;
        bool existsNow = db.ContainsKey(key);
        foreach (var watched in table.ValueAt(index))
        {
            if (watched.Expired && !existsNow)
            {
                // It was already expired when watched and now it is gone: nothing the client saw changed.
                watched.Expired = false;
                continue;
            }
            _dirtied.Add(watched.Owner);
        }
        MarkDirtied();
    }

    /// <summary>
    /// Database index <paramref name="dbId"/> is emptied (FLUSHDB, FLUSHALL; <paramref name="replacement"/> null)
    /// or gets the contents of another (SWAPDB). Called before the change: a watcher turns dirty when its key
    /// existed before or exists after, unless it is expired on both sides.
    /// </summary>
    public void TouchAll(int dbId, Database emptied, Database? replacement)
    {
        if (Count == 0 || _byDb[dbId] is not { Count: > 0 } table) return;
        foreach (int index in table)
        {
            byte[] key = table.KeyAt(index);
            bool before = emptied.ContainsKey(key);
            bool after = replacement is not null && replacement.ContainsKey(key);
            if (!before && !after) continue;
            foreach (var watched in table.ValueAt(index))
            {
                if (watched.Expired)
                {
                    if (!after)
                    {
                        watched.Expired = false; // the expired key is gone: no logical change
                        continue;
                    }
                    if (replacement!.IsExpiredKey(key)) continue;
                }
                else if (!before && replacement!.IsExpiredKey(key))
                {
                    watched.Expired = true; // no key before, an already expired one after: still no key
                    continue;
                }
                _dirtied.Add(watched.Owner);
            }
        }
        MarkDirtied();
    }

    /// <summary>Whether a watched key (not already expired when watched) has expired by now: EXEC checks this too.</summary>
    public static bool AnyExpired(WatchedKeys client, Keyspace keyspace)
    {
        foreach (var watched in client.Keys)
        {
            if (!watched.Expired && keyspace[watched.Db].IsExpiredKey(watched.Key)) return true;
        }
        return false;
    }

    // Unwatched after the walk: unwatching edits the lists and the table being walked.
    private void MarkDirtied()
    {
        foreach (var client in _dirtied)
        {
            client.Dirty = true;
            UnwatchAll(client);
        }
        _dirtied.Clear();
    }
}
