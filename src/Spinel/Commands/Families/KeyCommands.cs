using Spinel.Storage;
using Spinel.Util;

namespace Spinel.Commands.Families;

/// <summary>The generic keyspace group: DEL, EXISTS, TYPE, KEYS, SCAN, RENAME, COPY, OBJECT, ...</summary>
public static class KeyCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("del", -2, "write", "@keyspace", Del, "RM DELETE: index 1 range -1 1 0") { Tips = ["request_policy:multi_shard", "response_policy:agg_sum"], Group = "generic", Since = "1.0.0" },
        new("unlink", -2, "write fast", "@keyspace", Del, "RM DELETE: index 1 range -1 1 0") { Tips = ["request_policy:multi_shard", "response_policy:agg_sum"], Group = "generic", Since = "4.0.0" },
        new("exists", -2, "readonly fast", "@keyspace", Exists, "RO: index 1 range -1 1 0") { Tips = ["request_policy:multi_shard", "response_policy:agg_sum"], Group = "generic", Since = "1.0.0" },
        new("type", 2, "readonly fast", "@keyspace", Type, "RO: index 1 range 0 1 0") { Group = "generic", Since = "1.0.0" },
        new("keys", 2, "readonly", "@keyspace @dangerous", Keys) { Tips = ["request_policy:all_shards", "nondeterministic_output_order"], Group = "generic", Since = "1.0.0" },
        new("scan", -2, "readonly", "@keyspace", Scan) { Tips = ["nondeterministic_output", "request_policy:special"], Group = "generic", Since = "2.8.0" },
        new("randomkey", 1, "readonly", "@keyspace", RandomKey) { Tips = ["request_policy:all_shards", "nondeterministic_output"], Group = "generic", Since = "1.0.0" },
        new("rename", 3, "write", "@keyspace", Rename, "RW ACCESS DELETE: index 1 range 0 1 0", "OW UPDATE: index 2 range 0 1 0") { Group = "generic", Since = "1.0.0" },
        new("renamenx", 3, "write fast", "@keyspace", RenameNx, "RW ACCESS DELETE: index 1 range 0 1 0", "OW INSERT: index 2 range 0 1 0") { Group = "generic", Since = "1.0.0" },
        new("copy", -3, "write denyoom", "@keyspace", Copy, "RO ACCESS: index 1 range 0 1 0", "OW UPDATE: index 2 range 0 1 0") { Group = "generic", Since = "6.2.0" },
        new("touch", -2, "readonly fast", "@keyspace", Touch, "RO: index 1 range -1 1 0") { Tips = ["request_policy:multi_shard", "response_policy:agg_sum"], Group = "generic", Since = "3.2.1" },
        new CommandSpec("object", -2, "", "", null) { Group = "generic", Since = "2.2.3" }.WithSubcommands(
            new("encoding", 3, "readonly", "@keyspace", ObjectEncoding, "RO: index 2 range 0 1 0") { Tips = ["nondeterministic_output"], Group = "generic", Since = "2.2.3" },
            new("refcount", 3, "readonly", "@keyspace", ObjectRefCount, "RO: index 2 range 0 1 0") { Tips = ["nondeterministic_output"], Group = "generic", Since = "2.2.3" },
            new("idletime", 3, "readonly", "@keyspace", ObjectIdleTime, "RO: index 2 range 0 1 0") { Tips = ["nondeterministic_output"], Group = "generic", Since = "2.2.3" },
            new("freq", 3, "readonly", "@keyspace", ObjectFreq, "RO: index 2 range 0 1 0") { Tips = ["nondeterministic_output"], Group = "generic", Since = "4.0.0" },
            new("help", 2, "loading stale", "@keyspace", ObjectHelp) { Group = "generic", Since = "6.2.0" }),
    ];

    private const string SameObject = "ERR source and destination objects are the same";

    // Scratch list for KEYS and SCAN; commands run one at a time under the keyspace lock.
    [ThreadStatic] private static List<byte[]>? t_keys;

    private static List<byte[]> ScratchKeys()
    {
        var keys = t_keys ??= [];
        keys.Clear();
        return keys;
    }

    private static void Del(CommandContext ctx)
    {
        long deleted = 0;
        var db = ctx.Db;
        for (int i = 1; i < ctx.ArgCount; i++)
        {
            if (db.Delete(ctx.Arg(i)))
            {
                deleted++;
                ctx.KeyChanged(ctx.Arg(i), "del");
            }
        }
        ctx.Reply.WriteInteger(deleted);
    }

    /// <summary>Counts every argument that names a live key, duplicates included.</summary>
    private static void Exists(CommandContext ctx)
    {
        long count = 0;
        var db = ctx.Db;
        for (int i = 1; i < ctx.ArgCount; i++)
        {
            if (db.GetNoTouch(ctx.Arg(i)) is not null) count++;
        }
        ctx.Reply.WriteInteger(count);
    }

    private static void Touch(CommandContext ctx)
    {
        long count = 0;
        var db = ctx.Db;
        for (int i = 1; i < ctx.ArgCount; i++)
        {
            if (db.Get(ctx.Arg(i)) is not null) count++;
        }
        ctx.Reply.WriteInteger(count);
    }

    private static void Type(CommandContext ctx)
    {
        var value = ctx.Db.GetNoTouch(ctx.Arg(1));
        ctx.Reply.WriteSimpleString(value is null ? "none" : Values.TypeName(Values.TypeOf(value)));
    }

    private static void Keys(CommandContext ctx)
    {
        var keys = ScratchKeys();
        ctx.Db.CollectKeys(ctx.Arg(1), keys);
        ctx.Reply.WriteArrayHeader(keys.Count);
        foreach (var key in keys) ctx.Reply.WriteBulk(key);
        keys.Clear();
    }

    private static void Scan(CommandContext ctx)
    {
        if (!ScanArguments.TryReadCursor(ctx, 1, out ulong cursor)) return;
        if (!ScanArguments.TryReadOptions(ctx, 2, allowType: true, out long count, out int patternArg, out int typeArg)) return;

        var db = ctx.Db;
        var keys = ScratchKeys();
        cursor = db.Scan(cursor, count, keys);

        // Filter after collecting, as Redis does: by pattern, then type, then dropping expired keys.
        int kept = 0;
        for (int i = 0; i < keys.Count; i++)
        {
            byte[] key = keys[i];
            if (patternArg > 0 && !GlobMatcher.IsMatch(ctx.Arg(patternArg), key)) continue;
            if (typeArg > 0)
            {
                var value = db.GetNoTouch(key);
                string type = value is null ? "none" : Values.TypeName(Values.TypeOf(value));
                if (!ctx.ArgIs(typeArg, type)) continue;
            }
            if (!db.Exists(key)) continue;
            keys[kept++] = key;
        }

        ctx.Reply.WriteArrayHeader(2);
        Span<byte> digits = stackalloc byte[20];
        int n = cursor.TryFormat(digits, out int written) ? written : 0;
        ctx.Reply.WriteBulk(digits[..n]);
        ctx.Reply.WriteArrayHeader(kept);
        for (int i = 0; i < kept; i++) ctx.Reply.WriteBulk(keys[i]);
        keys.Clear();
    }

    private static void RandomKey(CommandContext ctx)
    {
        var key = ctx.Db.RandomKey();
        if (key is null) ctx.Reply.WriteNull();
        else ctx.Reply.WriteBulk(key);
    }

    private static void Rename(CommandContext ctx) => RenameGeneric(ctx, onlyIfAbsent: false);

    private static void RenameNx(CommandContext ctx) => RenameGeneric(ctx, onlyIfAbsent: true);

    /// <summary>Moves the value, its deadline and its access clock to the new name, as Redis 7.0 does.</summary>
    private static void RenameGeneric(CommandContext ctx, bool onlyIfAbsent)
    {
        var db = ctx.Db;
        var source = ctx.Arg(1);
        var target = ctx.Arg(2);
        if (db.GetForWrite(source) is null)
        {
            ctx.Reply.WriteError(Errors.NoSuchKey);
            return;
        }
        if (source.SequenceEqual(target))
        {
            if (onlyIfAbsent) ctx.Reply.WriteInteger(0);
            else ctx.Reply.WriteOk();
            return;
        }
        if (db.GetForWrite(target) is not null)
        {
            if (onlyIfAbsent)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
            db.Delete(target);
        }
        db.TryGetEntry(source, out var value, out long expireMs, out int clock);
        db.Delete(source);
        db.AddEntry(target, value, expireMs, clock);
        ctx.KeyChanged(source, "rename_from");
        ctx.Notify(target, "rename_to");
        if (onlyIfAbsent) ctx.Reply.WriteInteger(1);
        else ctx.Reply.WriteOk();
    }

    private static void Copy(CommandContext ctx)
    {
        bool replace = false;
        long dbIndex = ctx.Client.Db;
        for (int i = 3; i < ctx.ArgCount; i++)
        {
            if (ctx.ArgIs(i, "REPLACE")) replace = true;
            else if (ctx.ArgIs(i, "DB") && i + 1 < ctx.ArgCount)
            {
                if (!TryGetInt(ctx, ++i, out dbIndex)) return;
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        if (dbIndex < 0 || dbIndex >= ctx.Keyspace.DatabaseCount)
        {
            ctx.Reply.WriteError(Errors.DbIndexOutOfRange);
            return;
        }
        var source = ctx.Arg(1);
        var target = ctx.Arg(2);
        var from = ctx.Db;
        var to = ctx.Keyspace[(int)dbIndex];
        if (from == to && source.SequenceEqual(target))
        {
            ctx.Reply.WriteError(SameObject);
            return;
        }
        var value = from.Get(source);
        if (value is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        long expireMs = from.GetExpire(source);
        if (to.GetForWrite(target) is not null)
        {
            if (!replace)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
            to.Delete(target);
        }
        to.AddEntry(target, Values.Clone(value), expireMs, to.NewClock());
        ctx.KeyChanged(target, to.Id, "copy_to");
        ctx.Reply.WriteInteger(1);
    }

    /// <summary>Parses a C int argument (DB indexes) with Redis's errors for non-integers and values outside int.</summary>
    internal static bool TryGetInt(CommandContext ctx, int index, out long value)
    {
        if (!ctx.TryGetLong(index, out value)) return false;
        if (value is >= int.MinValue and <= int.MaxValue) return true;
        ctx.Reply.WriteError("ERR value is out of range, value must between -2147483648 and 2147483647");
        return false;
    }

    private static void ObjectEncoding(CommandContext ctx)
    {
        var value = ctx.Db.GetNoTouch(ctx.Arg(2), notifyMiss: false);
        if (value is null) ctx.Reply.WriteNull();
        else ctx.Reply.WriteBulk(StringEncoding.Of(value));
    }

    private static void ObjectRefCount(CommandContext ctx)
    {
        var value = ctx.Db.GetNoTouch(ctx.Arg(2), notifyMiss: false);
        if (value is null) ctx.Reply.WriteNull();
        // Redis shares one object for each integer 0..9999 and reports it as never freed.
        else ctx.Reply.WriteInteger(IsSharedInteger(value) ? int.MaxValue : 1);
    }

    private static bool IsSharedInteger(object value) =>
        value is byte[] bytes && bytes.Length <= 4 && RedisNumbers.TryParseInt64(bytes, out long n) && n is >= 0 and < 10000;

    private static void ObjectIdleTime(CommandContext ctx)
    {
        var db = ctx.Db;
        var key = ctx.Arg(2);
        if (db.GetNoTouch(key, notifyMiss: false) is null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        if (ctx.Keyspace.LfuEnabled)
        {
            ctx.Reply.WriteError("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
            return;
        }
        ctx.Reply.WriteInteger(db.IdleSeconds(key));
    }

    private static void ObjectFreq(CommandContext ctx)
    {
        var db = ctx.Db;
        var key = ctx.Arg(2);
        if (db.GetNoTouch(key, notifyMiss: false) is null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        if (!ctx.Keyspace.LfuEnabled)
        {
            ctx.Reply.WriteError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
            return;
        }
        ctx.Reply.WriteInteger(db.Frequency(key));
    }

    private static readonly string[] ObjectHelpLines =
    [
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    ];

    private static void ObjectHelp(CommandContext ctx) => ctx.Reply.WriteHelp(ObjectHelpLines);
}
