using Spinel.Storage;
using Spinel.Util;

namespace Spinel.Commands.Families;

/// <summary>Hash commands (HSET, HGET, HDEL, HINCRBY, HRANDFIELD, HSCAN, ...) over <see cref="HashValue"/>.</summary>
public static class HashCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("hset", -4, "write denyoom fast", "@hash", Hset, "RW UPDATE: index 1 range 0 1 0") { Group = "hash", Since = "2.0.0" },
        new("hsetnx", 4, "write denyoom fast", "@hash", Hsetnx, "RW INSERT: index 1 range 0 1 0") { Group = "hash", Since = "2.0.0" },
        new("hmset", -4, "write denyoom fast", "@hash", Hmset, "RW UPDATE: index 1 range 0 1 0") { Group = "hash", Since = "2.0.0", DocFlags = ["deprecated"], DeprecatedSince = "4.0.0", ReplacedBy = "`HSET` with multiple field-value pairs" },
        new("hget", 3, "readonly fast", "@hash", Hget, "RO ACCESS: index 1 range 0 1 0") { Group = "hash", Since = "2.0.0" },
        new("hmget", -3, "readonly fast", "@hash", Hmget, "RO ACCESS: index 1 range 0 1 0") { Group = "hash", Since = "2.0.0" },
        new("hgetall", 2, "readonly", "@hash", Hgetall, "RO ACCESS: index 1 range 0 1 0") { Tips = ["nondeterministic_output_order"], Group = "hash", Since = "2.0.0" },
        new("hdel", -3, "write fast", "@hash", Hdel, "RW DELETE: index 1 range 0 1 0") { Group = "hash", Since = "2.0.0" },
        new("hexists", 3, "readonly fast", "@hash", Hexists, "RO: index 1 range 0 1 0") { Group = "hash", Since = "2.0.0" },
        new("hlen", 2, "readonly fast", "@hash", Hlen, "RO: index 1 range 0 1 0") { Group = "hash", Since = "2.0.0" },
        new("hstrlen", 3, "readonly fast", "@hash", Hstrlen, "RO: index 1 range 0 1 0") { Group = "hash", Since = "3.2.0" },
        new("hkeys", 2, "readonly", "@hash", Hkeys, "RO ACCESS: index 1 range 0 1 0") { Tips = ["nondeterministic_output_order"], Group = "hash", Since = "2.0.0" },
        new("hvals", 2, "readonly", "@hash", Hvals, "RO ACCESS: index 1 range 0 1 0") { Tips = ["nondeterministic_output_order"], Group = "hash", Since = "2.0.0" },
        new("hincrby", 4, "write denyoom fast", "@hash", Hincrby, "RW ACCESS UPDATE: index 1 range 0 1 0") { Group = "hash", Since = "2.0.0" },
        new("hincrbyfloat", 4, "write denyoom fast", "@hash", Hincrbyfloat, "RW ACCESS UPDATE: index 1 range 0 1 0") { Group = "hash", Since = "2.6.0" },
        new("hrandfield", -2, "readonly", "@hash", Hrandfield, "RO ACCESS: index 1 range 0 1 0") { Tips = ["nondeterministic_output"], Group = "hash", Since = "6.2.0" },
        new("hscan", -3, "readonly", "@hash", Hscan, "RO ACCESS: index 1 range 0 1 0") { Tips = ["nondeterministic_output"], Group = "hash", Since = "2.8.0" },
    ];

    private const string HashNotInteger = "ERR hash value is not an integer";
    private const string HashNotFloat = "ERR hash value is not a float";
    private const string ValueNaNOrInfinity = "ERR value is NaN or Infinity";
    private const string OutOfRange = "ERR value is out of range";
    private const string CountOutOfRange = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

    // ---- lookup helpers ----

    /// <summary>The hash at <paramref name="key"/> for reading; false (after replying WRONGTYPE) for another type.</summary>
    private static bool TryGetHash(CommandContext ctx, object? value, out HashValue? hash)
    {
        hash = value as HashValue;
        if (value is null || hash is not null) return true;
        ctx.Reply.WriteError(Errors.WrongType);
        return false;
    }

    /// <summary>The hash at argument 1 for writing, created (not yet stored) when absent; null after replying WRONGTYPE.</summary>
    private static HashValue? HashForWrite(CommandContext ctx, out bool created)
    {
        var value = ctx.Db.GetForWrite(ctx.Arg(1));
        created = value is null;
        if (value is null) return new HashValue();
        if (value is HashValue hash) return hash;
        ctx.Reply.WriteError(Errors.WrongType);
        return null;
    }

    /// <summary>Stores a newly created hash under argument 1.</summary>
    private static void StoreIfCreated(CommandContext ctx, HashValue hash, bool created)
    {
        if (created) ctx.Db.Set(ctx.Arg(1), hash);
    }

    /// <summary>Switches to hashtable before writing when any argument in [first, last] is too long for a listpack, as Redis does.</summary>
    private static void ConvertForArgs(CommandContext ctx, HashValue hash, int first, int last)
    {
        if (!hash.IsListpack) return;
        long maxValue = ctx.Server.Config.HashMaxListpackValue;
        for (int i = first; i <= last; i++)
        {
            if (ctx.Arg(i).Length > maxValue)
            {
                hash.ConvertToTable();
                return;
            }
        }
    }

    private static bool SetField(CommandContext ctx, HashValue hash, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        var config = ctx.Server.Config;
        return hash.Set(field, value, config.HashMaxListpackEntries, config.HashMaxListpackValue);
    }

    // ---- writes ----

    private static void Hset(CommandContext ctx) => SetPairs(ctx, replyOk: false);

    private static void Hmset(CommandContext ctx) => SetPairs(ctx, replyOk: true);

    private static void SetPairs(CommandContext ctx, bool replyOk)
    {
        if (ctx.ArgCount % 2 != 0)
        {
            ctx.Reply.WriteError(Errors.WrongArity(ctx.Command.FullName));
            return;
        }
        var hash = HashForWrite(ctx, out bool created);
        if (hash is null) return;
        ConvertForArgs(ctx, hash, 2, ctx.ArgCount - 1);
        long added = 0;
        for (int i = 2; i < ctx.ArgCount; i += 2)
        {
            if (SetField(ctx, hash, ctx.Arg(i), ctx.Arg(i + 1))) added++;
        }
        StoreIfCreated(ctx, hash, created);
        ctx.KeyChanged(ctx.Arg(1), "hset");
        ctx.Keyspace.Dirty += (ctx.ArgCount - 2) / 2 - 1;
        if (replyOk) ctx.Reply.WriteOk();
        else ctx.Reply.WriteInteger(added);
    }

    private static void Hsetnx(CommandContext ctx)
    {
        var hash = HashForWrite(ctx, out bool created);
        if (hash is null) return;
        if (hash.Contains(ctx.Arg(2)))
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        ConvertForArgs(ctx, hash, 2, 3);
        SetField(ctx, hash, ctx.Arg(2), ctx.Arg(3));
        StoreIfCreated(ctx, hash, created);
        ctx.KeyChanged(ctx.Arg(1), "hset");
        ctx.Reply.WriteInteger(1);
    }

    private static void Hdel(CommandContext ctx)
    {
        var db = ctx.Db;
        var key = ctx.Arg(1);
        if (!TryGetHash(ctx, db.GetForWrite(key), out var hash)) return;
        if (hash is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        long deleted = 0;
        bool keyRemoved = false;
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            if (!hash.Remove(ctx.Arg(i))) continue;
            deleted++;
            if (hash.Count == 0)
            {
                db.Delete(key);
                keyRemoved = true;
                break;
            }
        }
        if (deleted > 0)
        {
            ctx.KeyChanged(key, "hdel");
            ctx.Keyspace.Dirty += deleted - 1;
            if (keyRemoved) ctx.Notify(key, "del");
        }
        ctx.Reply.WriteInteger(deleted);
    }

    private static void Hincrby(CommandContext ctx)
    {
        if (!ctx.TryGetLong(3, out long by)) return;
        var hash = HashForWrite(ctx, out bool created);
        if (hash is null) return;
        long value = 0;
        if (hash.TryGet(ctx.Arg(2), out var old) && !RedisNumbers.TryParseInt64(old, out value))
        {
            ctx.Reply.WriteError(HashNotInteger);
            return;
        }
        if ((by < 0 && value < long.MinValue - by) || (by > 0 && value > long.MaxValue - by))
        {
            ctx.Reply.WriteError(Errors.Overflow);
            return;
        }
        value += by;
        Span<byte> digits = stackalloc byte[24];
        SetField(ctx, hash, ctx.Arg(2), digits[..RedisNumbers.FormatInt64(value, digits)]);
        StoreIfCreated(ctx, hash, created);
        ctx.KeyChanged(ctx.Arg(1), "hincrby");
        ctx.Reply.WriteInteger(value);
    }

    /// <summary>HINCRBYFLOAT computes in 80-bit long double and stores the same text INCRBYFLOAT would.</summary>
    private static void Hincrbyfloat(CommandContext ctx)
    {
        if (!LongDouble.TryParse(ctx.Arg(3), out var by))
        {
            ctx.Reply.WriteError(Errors.NotFloat);
            return;
        }
        if (!by.IsFinite)
        {
            ctx.Reply.WriteError(ValueNaNOrInfinity);
            return;
        }
        var hash = HashForWrite(ctx, out bool created);
        if (hash is null) return;
        LongDouble value = LongDouble.Zero;
        if (hash.TryGet(ctx.Arg(2), out var old) && !LongDouble.TryParse(old, out value))
        {
            ctx.Reply.WriteError(HashNotFloat);
            return;
        }
        if (StringCommands.FloatSum(ctx, value, by) is not { } result) return;
        SetField(ctx, hash, ctx.Arg(2), result);
        StoreIfCreated(ctx, hash, created);
        ctx.KeyChanged(ctx.Arg(1), "hincrbyfloat");
        ctx.Reply.WriteBulk(result);
    }

    // ---- reads ----

    private static void Hget(CommandContext ctx)
    {
        if (!TryGetHash(ctx, ctx.Db.Get(ctx.Arg(1)), out var hash)) return;
        if (hash is not null && hash.TryGet(ctx.Arg(2), out var value)) ctx.Reply.WriteBulk(value);
        else ctx.Reply.WriteNull();
    }

    private static void Hmget(CommandContext ctx)
    {
        if (!TryGetHash(ctx, ctx.Db.Get(ctx.Arg(1)), out var hash)) return;
        ctx.Reply.WriteArrayHeader(ctx.ArgCount - 2);
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            if (hash is not null && hash.TryGet(ctx.Arg(i), out var value)) ctx.Reply.WriteBulk(value);
            else ctx.Reply.WriteNull();
        }
    }

    private static void Hexists(CommandContext ctx)
    {
        if (!TryGetHash(ctx, ctx.Db.Get(ctx.Arg(1)), out var hash)) return;
        ctx.Reply.WriteInteger(hash is not null && hash.Contains(ctx.Arg(2)) ? 1 : 0);
    }

    private static void Hlen(CommandContext ctx)
    {
        if (!TryGetHash(ctx, ctx.Db.Get(ctx.Arg(1)), out var hash)) return;
        ctx.Reply.WriteInteger(hash?.Count ?? 0);
    }

    private static void Hstrlen(CommandContext ctx)
    {
        if (!TryGetHash(ctx, ctx.Db.Get(ctx.Arg(1)), out var hash)) return;
        ctx.Reply.WriteInteger(hash is not null && hash.TryGet(ctx.Arg(2), out var value) ? value.Length : 0);
    }

    private static void Hgetall(CommandContext ctx)
    {
        if (!TryGetHash(ctx, ctx.Db.Get(ctx.Arg(1)), out var hash)) return;
        if (hash is null)
        {
            ctx.Reply.WriteMapHeader(0);
            return;
        }
        ctx.Reply.WriteMapHeader(hash.Count);
        foreach (var (field, value) in hash)
        {
            ctx.Reply.WriteBulk(field);
            ctx.Reply.WriteBulk(value);
        }
    }

    private static void Hkeys(CommandContext ctx) => WriteHalf(ctx, fields: true);

    private static void Hvals(CommandContext ctx) => WriteHalf(ctx, fields: false);

    private static void WriteHalf(CommandContext ctx, bool fields)
    {
        if (!TryGetHash(ctx, ctx.Db.Get(ctx.Arg(1)), out var hash)) return;
        ctx.Reply.WriteArrayHeader(hash?.Count ?? 0);
        if (hash is null) return;
        foreach (var (field, value) in hash) ctx.Reply.WriteBulk(fields ? field : value);
    }

    // ---- HRANDFIELD ----

    private static void Hrandfield(CommandContext ctx)
    {
        var random = ctx.Keyspace.Random;
        if (ctx.ArgCount == 2)
        {
            if (!TryGetHash(ctx, ctx.Db.Get(ctx.Arg(1)), out var single)) return;
            if (single is null) ctx.Reply.WriteNull();
            else ctx.Reply.WriteBulk(single.PairAt(single.RandomPosition(random)).Field);
            return;
        }
        if (!RedisNumbers.TryParseInt64(ctx.Arg(2), out long count))
        {
            ctx.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (count == long.MinValue)
        {
            ctx.Reply.WriteError(CountOutOfRange);
            return;
        }
        bool withValues = false;
        if (ctx.ArgCount == 4 && ctx.ArgIs(3, "WITHVALUES")) withValues = true;
        else if (ctx.ArgCount > 3)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        // The reply doubles the count, so Redis refuses counts whose double would not fit.
        if (withValues && (count > long.MaxValue / 2 || count < -(long.MaxValue / 2)))
        {
            ctx.Reply.WriteError(OutOfRange);
            return;
        }
        if (!TryGetHash(ctx, ctx.Db.Get(ctx.Arg(1)), out var hash)) return;
        if (hash is null || count == 0)
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }
        if (count < 0)
        {
            // Negative: that many picks, repeats allowed. A listpack's positions are listed once, not walked per pick.
            long picks = -count;
            if (ctx.ReplyCannotFit(withValues ? picks * 2 : picks)) return;
            int[]? positions = hash.IsListpack ? hash.Positions() : null;
            int replyStart = ctx.Reply.Length;
            WriteResultHeader(ctx, picks, withValues);
            for (long i = 0; i < picks; i++)
            {
                int position = positions is null ? hash.RandomPosition(random) : positions[random.Next(positions.Length)];
                WritePair(ctx, hash.PairAt(position), withValues);
                if (ctx.ReplyTooLarge(replyStart)) return;
            }
            return;
        }
        int size = hash.Count;
        if (count >= size)
        {
            WriteResultHeader(ctx, size, withValues);
            foreach (var pair in hash) WritePair(ctx, pair, withValues);
            return;
        }
        // Distinct fields: a partial shuffle of all positions picks count of them without repeats.
        var all = hash.Positions();
        WriteResultHeader(ctx, count, withValues);
        for (int i = 0; i < (int)count; i++)
        {
            int j = i + random.Next(size - i);
            (all[i], all[j]) = (all[j], all[i]);
            WritePair(ctx, hash.PairAt(all[i]), withValues);
        }
    }

    private static void WriteResultHeader(CommandContext ctx, long count, bool withValues)
    {
        // RESP3 nests each field/value pair in its own array; RESP2 flattens them.
        bool nested = withValues && ctx.Reply.Protocol == 3;
        ctx.Reply.WriteArrayHeader(withValues && !nested ? count * 2 : count);
    }

    private static void WritePair(CommandContext ctx, HashPair pair, bool withValues)
    {
        if (withValues && ctx.Reply.Protocol == 3) ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulk(pair.Field);
        if (withValues) ctx.Reply.WriteBulk(pair.Value);
    }

    // ---- HSCAN ----

    // Scratch for HSCAN; commands run one at a time under the keyspace lock.
    [ThreadStatic] private static List<int>? t_indices;

    private static void Hscan(CommandContext ctx)
    {
        if (!ScanArguments.TryReadCursor(ctx, 2, out ulong cursor)) return;
        if (!TryGetHash(ctx, ctx.Db.Get(ctx.Arg(1)), out var hash)) return;
        if (hash is null)
        {
            ScanArguments.WriteEmpty(ctx);
            return;
        }
        if (!ScanArguments.TryReadOptions(ctx, 3, allowType: false, out long count, out int patternArg, out _)) return;
        ReadOnlySpan<byte> pattern = patternArg > 0 ? ctx.Arg(patternArg) : default;

        if (hash.Table is not { } table)
        {
            // A listpack is small: everything in one reply, cursor 0, as Redis does.
            int matched = 0;
            foreach (var pair in hash)
            {
                if (patternArg < 0 || GlobMatcher.IsMatch(pattern, pair.Field)) matched++;
            }
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteBulk("0"u8);
            ctx.Reply.WriteArrayHeader(matched * 2);
            foreach (var (field, value) in hash)
            {
                if (patternArg > 0 && !GlobMatcher.IsMatch(pattern, field)) continue;
                ctx.Reply.WriteBulk(field);
                ctx.Reply.WriteBulk(value);
            }
            return;
        }

        var indices = t_indices ??= [];
        indices.Clear();
        long maxBuckets = count > long.MaxValue / 10 ? long.MaxValue : count * 10;
        do
        {
            cursor = table.ScanBucket(cursor, ref indices, static (ref List<int> list, int index) => list.Add(index));
        }
        while (cursor != 0 && maxBuckets-- > 0 && indices.Count < count);

        int kept = 0;
        for (int i = 0; i < indices.Count; i++)
        {
            if (patternArg > 0 && !GlobMatcher.IsMatch(pattern, hash.PairAt(indices[i]).Field)) continue;
            indices[kept++] = indices[i];
        }
        ctx.Reply.WriteArrayHeader(2);
        Span<byte> digits = stackalloc byte[20];
        ctx.Reply.WriteBulk(digits[..(cursor.TryFormat(digits, out int written) ? written : 0)]);
        ctx.Reply.WriteArrayHeader(kept * 2);
        for (int i = 0; i < kept; i++)
        {
            var (field, value) = hash.PairAt(indices[i]);
            ctx.Reply.WriteBulk(field);
            ctx.Reply.WriteBulk(value);
        }
        indices.Clear();
    }
}
