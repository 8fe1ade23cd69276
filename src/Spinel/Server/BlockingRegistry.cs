using Spinel.Commands;
using Spinel.Storage;

namespace Spinel.Server;

/// <summary>
/// Who waits on which key, first come first served. A write to a key with waiters marks the key ready;
/// right after the writing command, still under the keyspace lock, the dispatcher calls
/// <see cref="ServeReady"/>, which re-runs the waiters' commands in arrival order until one is not
/// served. So a wake-up and its pop are one atomic step: no other client runs in between. Used by every
/// blocking command (lists now; sorted sets and streams reuse it). Guarded by the keyspace lock.
/// </summary>
public sealed class BlockingRegistry
{
    private sealed class KeyWaiters(byte[] key)
    {
        public readonly byte[] Key = key;
        public readonly LinkedList<BlockedClient> Queue = new();
        public bool Ready;
    }

    private readonly KeyTable<KeyWaiters>?[] _byDb;
    private readonly List<KeyWaiters> _ready = [];

    public BlockingRegistry(int databases) => _byDb = new KeyTable<KeyWaiters>?[databases];

    /// <summary>Clients blocked now (INFO blocked_clients).</summary>
    public int Count { get; private set; }

    /// <summary>Blocked clients with a deadline (INFO clients_in_timeout_table).</summary>
    public int CountWithTimeout { get; private set; }

    public bool HasReady => _ready.Count > 0;

    /// <summary>Queues the client behind earlier waiters on each of its keys.</summary>
    public void Add(BlockedClient client)
    {
        var table = _byDb[client.Db] ??= new KeyTable<KeyWaiters>();
        for (int i = 0; i < client.Keys.Length; i++)
        {
            byte[] key = client.Keys[i];
            int hash = KeyHash.Of(key);
            int index = table.Find(key, hash);
            var waiters = index >= 0 ? table.ValueAt(index) : table.ValueAt(table.Insert(key, hash, new KeyWaiters(key)));
            client.Nodes[i] = waiters.Queue.AddLast(client);
        }
        Count++;
        if (client.DeadlineTicks != 0) CountWithTimeout++;
    }

    private void Remove(BlockedClient client)
    {
        var table = _byDb[client.Db]!;
        for (int i = 0; i < client.Keys.Length; i++)
        {
            var queue = client.Nodes[i].List!;
            queue.Remove(client.Nodes[i]);
            if (queue.Count == 0) table.Remove(client.Keys[i], KeyHash.Of(client.Keys[i]));
        }
        Count--;
        if (client.DeadlineTicks != 0) CountWithTimeout--;
    }

    /// <summary>
    /// Ends a wait without serving it: at the deadline or by CLIENT UNBLOCK, replying a null array (what a
    /// timeout replies) or <paramref name="error"/>. False when the client was no longer blocked.
    /// </summary>
    public bool Unblock(BlockedClient client, string? error = null)
    {
        if (client.Context.Client.Blocked != client) return false;
        if (error is null) client.Reply.WriteNullArray();
        else client.Reply.WriteError(error);
        Release(client);
        return true;
    }

    /// <summary>The client went away while blocked: forget it, leaving nothing behind.</summary>
    public void Abandon(BlockedClient client)
    {
        if (client.Context.Client.Blocked == client) Release(client);
    }

    private void Release(BlockedClient client)
    {
        Remove(client);
        client.Context.Client.Blocked = null;
        client.Woken.TrySetResult();
    }

    /// <summary>A key changed: if clients wait on it, it may now serve them.</summary>
    public void Signal(int db, ReadOnlySpan<byte> key)
    {
        if (Count == 0 || _byDb[db] is not { } table) return;
        int index = table.Find(key);
        if (index >= 0) MarkReady(table.ValueAt(index));
    }

    /// <summary>Every waited-on key of a database may have changed (SWAPDB).</summary>
    public void SignalAll(int db)
    {
        if (Count == 0 || _byDb[db] is not { } table) return;
        foreach (int index in table) MarkReady(table.ValueAt(index));
    }

    private void MarkReady(KeyWaiters waiters)
    {
        if (waiters.Ready) return;
        waiters.Ready = true;
        _ready.Add(waiters);
    }

    /// <summary>
    /// Serves the waiters of every ready key, oldest first, through <paramref name="tryServe"/> (which re-runs
    /// a waiter's command and tells whether it was served), until a waiter is not served. Serving one key can
    /// make another ready (BLMOVE pushes), so this runs until no key is ready.
    /// </summary>
    public void ServeReady(Func<BlockedClient, bool> tryServe, Keyspace keyspace)
    {
        for (int r = 0; r < _ready.Count; r++)
        {
            var waiters = _ready[r];
            waiters.Ready = false;
            while (waiters.Queue.First is { } first)
            {
                var client = first.Value;
                if (keyspace[client.Db].Peek(waiters.Key) is not DataObject value || value.Type != client.WaitsFor) break;
                client.Context.ReadyKey = waiters.Key;
                bool served = tryServe(client);
                client.Context.ReadyKey = null;
                if (!served) break;
                Release(client);
            }
        }
        _ready.Clear();
    }
}
