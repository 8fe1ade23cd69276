using System.Buffers.Text;
using System.Text;

namespace Spinel.PubSub;

/// <summary>The notify-keyspace-events classes, one bit per letter.</summary>
[Flags]
public enum KeyspaceEventClass
{
    None = 0,
    Keyspace = 1 << 0,  // K
    Keyevent = 1 << 1,  // E
    Generic = 1 << 2,   // g
    String = 1 << 3,    // $
    List = 1 << 4,      // l
    Set = 1 << 5,       // s
    Hash = 1 << 6,      // h
    Zset = 1 << 7,      // z
    Expired = 1 << 8,   // x
    Evicted = 1 << 9,   // e
    Stream = 1 << 10,   // t
    KeyMiss = 1 << 11,  // m
    Module = 1 << 12,   // d
    New = 1 << 13,      // n
    All = Generic | String | List | Set | Hash | Zset | Expired | Evicted | Stream | Module, // A
}

/// <summary>
/// Keyspace notifications: every write's event (ctx.KeyChanged / ctx.Notify) is published on
/// <c>__keyspace@db__:key</c> (message: the event) and <c>__keyevent@db__:event</c> (message: the key) when
/// notify-keyspace-events enables its class. Runs under the keyspace lock; the channel name is built in a
/// reused buffer.
/// </summary>
public sealed class KeyspaceNotifier(PubSubRegistry pubsub)
{
    /// <summary>Each event name Spinel emits, with its class as Redis 7.0 files it. A new command's event is one line here.</summary>
    private static readonly Dictionary<string, (KeyspaceEventClass Class, byte[] Name)> Events = Table(
        (KeyspaceEventClass.Generic, ["del", "expire", "persist", "rename_from", "rename_to", "move_from", "move_to", "copy_to", "restore"]),
        (KeyspaceEventClass.String, ["set", "setrange", "incrby", "incrbyfloat", "append", "setbit", "pfadd"]),
        (KeyspaceEventClass.List, ["lpush", "rpush", "lpop", "rpop", "linsert", "lset", "lrem", "ltrim", "sortstore"]),
        (KeyspaceEventClass.Set, ["sadd", "srem", "spop", "sinterstore", "sunionstore", "sdiffstore"]),
        (KeyspaceEventClass.Hash, ["hset", "hdel", "hincrby", "hincrbyfloat"]),
        (KeyspaceEventClass.Zset, ["zadd", "zincr", "zrem", "zremrangebyscore", "zremrangebyrank", "zremrangebylex", "zinterstore",
            "zunionstore", "zdiffstore", "zpopmin", "zpopmax", "zrangestore", "georadiusstore", "geosearchstore"]),
        (KeyspaceEventClass.Stream, ["xadd", "xtrim", "xdel", "xsetid", "xgroup-create", "xgroup-createconsumer", "xgroup-delconsumer",
            "xgroup-destroy", "xgroup-setid"]),
        (KeyspaceEventClass.Expired, ["expired"]),
        (KeyspaceEventClass.Evicted, ["evicted"]),
        (KeyspaceEventClass.KeyMiss, ["keymiss"]),
        (KeyspaceEventClass.New, ["new"]));

    private static Dictionary<string, (KeyspaceEventClass, byte[])> Table(params (KeyspaceEventClass Class, string[] Names)[] groups)
    {
        var table = new Dictionary<string, (KeyspaceEventClass, byte[])>();
        foreach (var (cls, names) in groups)
        {
            foreach (var name in names) table.Add(name, (cls, Encoding.ASCII.GetBytes(name)));
        }
        return table;
    }

    /// <summary>The class of an event name, None if Spinel does not know it (a test checks every emitted name is listed).</summary>
    public static KeyspaceEventClass ClassOf(string eventName) => Events.TryGetValue(eventName, out var e) ? e.Class : KeyspaceEventClass.None;

    private byte[] _channel = new byte[256];

    /// <summary>The enabled classes; events go out only with K or E and the event's own class.</summary>
    public KeyspaceEventClass Enabled { get; set; }

    /// <summary>Parses notify-keyspace-events letters (already validated by the config).</summary>
    public static KeyspaceEventClass Parse(string letters)
    {
        var flags = KeyspaceEventClass.None;
        foreach (char c in letters)
        {
            flags |= c switch
            {
                'A' => KeyspaceEventClass.All,
                'g' => KeyspaceEventClass.Generic,
                '$' => KeyspaceEventClass.String,
                'l' => KeyspaceEventClass.List,
                's' => KeyspaceEventClass.Set,
                'h' => KeyspaceEventClass.Hash,
                'z' => KeyspaceEventClass.Zset,
                'x' => KeyspaceEventClass.Expired,
                'e' => KeyspaceEventClass.Evicted,
                'K' => KeyspaceEventClass.Keyspace,
                'E' => KeyspaceEventClass.Keyevent,
                't' => KeyspaceEventClass.Stream,
                'm' => KeyspaceEventClass.KeyMiss,
                'd' => KeyspaceEventClass.Module,
                'n' => KeyspaceEventClass.New,
                _ => KeyspaceEventClass.None,
            };
        }
        return flags;
    }

    public void Notify(ReadOnlySpan<byte> key, int dbId, string eventName)
    {
        if (!Events.TryGetValue(eventName, out var ev) || (Enabled & ev.Class) == 0) return;
        if ((Enabled & KeyspaceEventClass.Keyspace) != 0)
        {
            int n = Channel("__keyspace@"u8, dbId, key);
            pubsub.Publish(_channel.AsSpan(0, n), ev.Name);
        }
        if ((Enabled & KeyspaceEventClass.Keyevent) != 0)
        {
            int n = Channel("__keyevent@"u8, dbId, ev.Name);
            pubsub.Publish(_channel.AsSpan(0, n), key);
        }
    }

    /// <summary>Writes prefix, db number, "__:" and suffix into the reused channel buffer; returns the length.</summary>
    private int Channel(ReadOnlySpan<byte> prefix, int dbId, ReadOnlySpan<byte> suffix)
    {
        int needed = prefix.Length + 11 + 3 + suffix.Length;
        if (_channel.Length < needed) _channel = new byte[Math.Max(needed, _channel.Length * 2)];
        var span = _channel.AsSpan();
        prefix.CopyTo(span);
        int p = prefix.Length;
        Utf8Formatter.TryFormat(dbId, span[p..], out int digits);
        p += digits;
        "__:"u8.CopyTo(span[p..]);
        p += 3;
        suffix.CopyTo(span[p..]);
        return p + suffix.Length;
    }
}
