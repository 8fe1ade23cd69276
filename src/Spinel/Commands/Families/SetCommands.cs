using Spinel.Storage;
using Spinel.Util;

namespace Spinel.Commands.Families;

/// <summary>The set group, over <see cref="SetValue"/> (intset or hashtable, as Redis 7.0 encodes sets).</summary>
public static class SetCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("sadd", -3, "write denyoom fast", "@set", Sadd, "RW INSERT: index 1 range 0 1 0") { Group = "set", Since = "1.0.0" },
        new("srem", -3, "write fast", "@set", Srem, "RW DELETE: index 1 range 0 1 0") { Group = "set", Since = "1.0.0" },
        new("scard", 2, "readonly fast", "@set", Scard, "RO: index 1 range 0 1 0") { Group = "set", Since = "1.0.0" },
        new("sismember", 3, "readonly fast", "@set", Sismember, "RO: index 1 range 0 1 0") { Group = "set", Since = "1.0.0" },
        new("smismember", -3, "readonly fast", "@set", Smismember, "RO ACCESS: index 1 range 0 1 0") { Group = "set", Since = "6.2.0" },
        new("smembers", 2, "readonly", "@set", Smembers, "RO ACCESS: index 1 range 0 1 0") { Tips = ["nondeterministic_output_order"], Group = "set", Since = "1.0.0" },
        new("spop", -2, "write fast", "@set", Spop, "RW ACCESS DELETE: index 1 range 0 1 0") { Tips = ["nondeterministic_output"], Group = "set", Since = "1.0.0" },
        new("srandmember", -2, "readonly", "@set", Srandmember, "RO ACCESS: index 1 range 0 1 0") { Tips = ["nondeterministic_output"], Group = "set", Since = "1.0.0" },
        new("smove", 4, "write fast", "@set", Smove, "RW ACCESS DELETE: index 1 range 0 1 0", "RW INSERT: index 2 range 0 1 0") { Group = "set", Since = "1.0.0" },
        new("sinter", -2, "readonly", "@set", Sinter, "RO ACCESS: index 1 range -1 1 0") { Tips = ["nondeterministic_output_order"], Group = "set", Since = "1.0.0" },
        new("sintercard", -3, "readonly", "@set", Sintercard, "RO ACCESS: index 1 keynum 0 1 1") { Group = "set", Since = "7.0.0" },
        new("sinterstore", -3, "write denyoom", "@set", Sinterstore, "RW UPDATE: index 1 range 0 1 0", "RO ACCESS: index 2 range -1 1 0") { Group = "set", Since = "1.0.0" },
        new("sunion", -2, "readonly", "@set", Sunion, "RO ACCESS: index 1 range -1 1 0") { Tips = ["nondeterministic_output_order"], Group = "set", Since = "1.0.0" },
        new("sunionstore", -3, "write denyoom", "@set", Sunionstore, "OW UPDATE: index 1 range 0 1 0", "RO ACCESS: index 2 range -1 1 0") { Group = "set", Since = "1.0.0" },
        new("sdiff", -2, "readonly", "@set", Sdiff, "RO ACCESS: index 1 range -1 1 0") { Tips = ["nondeterministic_output_order"], Group = "set", Since = "1.0.0" },
        new("sdiffstore", -3, "write denyoom", "@set", Sdiffstore, "OW UPDATE: index 1 range 0 1 0", "RO ACCESS: index 2 range -1 1 0") { Group = "set", Since = "1.0.0" },
        new("sscan", -3, "readonly", "@set", Sscan, "RO ACCESS: index 1 range 0 1 0") { Tips = ["nondeterministic_output"], Group = "set", Since = "2.8.0" },
    ];

    private const string NotPositive = "ERR value is out of range, must be positive";
    private const string SrandmemberRange = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
    private const string TooManyKeys = "ERR Number of keys can't be greater than number of args";
    private const string LimitNegative = "ERR LIMIT can't be negative";

    /// <summary>Reads a key expected to hold a set: false after replying WRONGTYPE; <paramref name="set"/> is null when the key is missing.</summary>
    private static bool TryGetSet(CommandContext ctx, object? value, out SetValue? set)
    {
        set = value as SetValue;
        if (value is null || set is not null) return true;
        ctx.Reply.WriteError(Errors.WrongType);
        return false;
    }

    private static long MaxIntset(CommandContext ctx) => ctx.Server.Config.SetMaxIntsetEntries;

    private static void Sadd(CommandContext ctx)
    {
        var key = ctx.Arg(1);
        if (!TryGetSet(ctx, ctx.Db.GetForWrite(key), out var set)) return;
        bool created = set is null;
        set ??= new SetValue();
        long max = MaxIntset(ctx);
        long added = 0;
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            if (set.Add(ctx.Arg(i), max)) added++;
        }
        if (created) ctx.Db.Set(key, set);
        if (added > 0)
        {
            ctx.KeyChanged(key, "sadd");
            ctx.Keyspace.Dirty += added - 1;
        }
        ctx.Reply.WriteInteger(added);
    }

    private static void Srem(CommandContext ctx)
    {
        var key = ctx.Arg(1);
        if (!TryGetSet(ctx, ctx.Db.GetForWrite(key), out var set)) return;
        if (set is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        long removed = 0;
        for (int i = 2; i < ctx.ArgCount && set.Count > 0; i++)
        {
            if (set.Remove(ctx.Arg(i))) removed++;
        }
        if (removed > 0)
        {
            ctx.KeyChanged(key, "srem");
            ctx.Keyspace.Dirty += removed - 1;
            DeleteIfEmpty(ctx, key, set);
        }
        ctx.Reply.WriteInteger(removed);
    }

    private static void DeleteIfEmpty(CommandContext ctx, ReadOnlySpan<byte> key, SetValue set)
    {
        if (set.Count > 0) return;
        ctx.Db.Delete(key);
        ctx.Notify(key, "del");
    }

    private static void Scard(CommandContext ctx)
    {
        if (!TryGetSet(ctx, ctx.Db.Get(ctx.Arg(1)), out var set)) return;
        ctx.Reply.WriteInteger(set?.Count ?? 0);
    }

    private static void Sismember(CommandContext ctx)
    {
        if (!TryGetSet(ctx, ctx.Db.Get(ctx.Arg(1)), out var set)) return;
        ctx.Reply.WriteInteger(set is not null && set.Contains(ctx.Arg(2)) ? 1 : 0);
    }

    private static void Smismember(CommandContext ctx)
    {
        if (!TryGetSet(ctx, ctx.Db.Get(ctx.Arg(1)), out var set)) return;
        ctx.Reply.WriteArrayHeader(ctx.ArgCount - 2);
        for (int i = 2; i < ctx.ArgCount; i++) ctx.Reply.WriteInteger(set is not null && set.Contains(ctx.Arg(i)) ? 1 : 0);
    }

    private static void Smembers(CommandContext ctx)
    {
        if (!TryGetSet(ctx, ctx.Db.Get(ctx.Arg(1)), out var set)) return;
        WriteSet(ctx, set);
    }

    private static void WriteSet(CommandContext ctx, SetValue? set)
    {
        if (set is null)
        {
            ctx.Reply.WriteSetHeader(0);
            return;
        }
        ctx.Reply.WriteSetHeader(set.Count);
        foreach (var member in set) ctx.Reply.WriteBulk(member);
    }

    // ---- SPOP / SRANDMEMBER / SMOVE ----

    private static void Spop(CommandContext ctx)
    {
        if (ctx.ArgCount > 3)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        var key = ctx.Arg(1);
        long count = 1;
        bool withCount = ctx.ArgCount == 3;
        if (withCount && (!RedisNumbers.TryParseInt64(ctx.Arg(2), out count) || count < 0))
        {
            ctx.Reply.WriteError(NotPositive);
            return;
        }
        if (!TryGetSet(ctx, ctx.Db.GetForWrite(key), out var set)) return;
        if (set is null || count == 0)
        {
            if (withCount) ctx.Reply.WriteSetHeader(0);
            else ctx.Reply.WriteNull();
            return;
        }
        var random = ctx.Keyspace.Random;
        if (!withCount)
        {
            ctx.Reply.WriteBulk(set.PopRandom(random));
        }
        else if (count >= set.Count)
        {
            // Everything goes: reply with the whole set in its own order, then drop the key.
            WriteSet(ctx, set);
            ctx.Db.Delete(key);
            ctx.KeyChanged(key, "spop");
            ctx.Notify(key, "del");
            ctx.Keyspace.Dirty += set.Count - 1;
            return;
        }
        else
        {
            ctx.Reply.WriteSetHeader((int)count);
            for (long i = 0; i < count; i++) ctx.Reply.WriteBulk(set.PopRandom(random));
            ctx.Keyspace.Dirty += count - 1;  // Redis counts each popped member
        }
        ctx.KeyChanged(key, "spop");
        DeleteIfEmpty(ctx, key, set);
    }

    private static void Srandmember(CommandContext ctx)
    {
        if (ctx.ArgCount > 3)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        Span<byte> scratch = stackalloc byte[RedisNumbers.MaxInt64Chars];
        var random = ctx.Keyspace.Random;
        if (ctx.ArgCount == 2)
        {
            if (!TryGetSet(ctx, ctx.Db.Get(ctx.Arg(1)), out var one)) return;
            if (one is null) ctx.Reply.WriteNull();
            else ctx.Reply.WriteBulk(one.RandomMember(random, scratch));
            return;
        }
        if (!ctx.TryGetLong(2, out long count)) return;
        if (count == long.MinValue)
        {
            ctx.Reply.WriteError(SrandmemberRange);
            return;
        }
        if (!TryGetSet(ctx, ctx.Db.Get(ctx.Arg(1)), out var set)) return;
        if (set is null || count == 0)
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }
        if (count < 0)
        {
            // Negative: that many independent picks, repeats allowed.
            long picks = -count;
            if (ctx.ReplyCannotFit(picks)) return;
            int replyStart = ctx.Reply.Length;
            ctx.Reply.WriteArrayHeader(picks);
            for (long i = 0; i < picks; i++)
            {
                ctx.Reply.WriteBulk(set.RandomMember(random, scratch));
                if (ctx.ReplyTooLarge(replyStart)) return;
            }
            return;
        }
        if (count >= set.Count)
        {
            ctx.Reply.WriteArrayHeader(set.Count);
            foreach (var member in set) ctx.Reply.WriteBulk(member);
            return;
        }
        ctx.Reply.WriteArrayHeader((int)count);
        if (count * 3 > set.Count)
        {
            // Many of the members: pop from a copy, so every member comes at most once.
            var copy = (SetValue)set.Clone();
            for (long i = 0; i < count; i++) ctx.Reply.WriteBulk(copy.PopRandom(random));
            return;
        }
        // Few of them: random picks, skipping ones already given.
        var picked = new KeyTable<byte>();
        while (picked.Count < count)
        {
            var member = set.RandomMember(random, scratch);
            int hash = KeyHash.Of(member);
            if (picked.Find(member, hash) >= 0) continue;
            picked.Insert(member.ToArray(), hash, 0);
            ctx.Reply.WriteBulk(member);
        }
    }

    private static void Smove(CommandContext ctx)
    {
        var source = ctx.Arg(1);
        var destination = ctx.Arg(2);
        var member = ctx.Arg(3);
        var db = ctx.Db;
        var srcValue = db.GetForWrite(source);
        var dstValue = db.GetForWrite(destination);
        if (srcValue is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        if (!TryGetSet(ctx, srcValue, out var src) || !TryGetSet(ctx, dstValue, out var dst)) return;
        if (ReferenceEquals(src, dst))
        {
            ctx.Reply.WriteInteger(src!.Contains(member) ? 1 : 0);
            return;
        }
        if (!src!.Remove(member))
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        ctx.KeyChanged(source, "srem");
        DeleteIfEmpty(ctx, source, src);
        if (dst is null)
        {
            dst = new SetValue();
            db.Set(destination, dst);
        }
        if (dst.Add(member, MaxIntset(ctx))) ctx.KeyChanged(destination, "sadd");
        ctx.Reply.WriteInteger(1);
    }

    // ---- SINTER / SUNION / SDIFF ----

    // Scratch for the sets of one multi-key command; commands run one at a time under the keyspace lock.
    [ThreadStatic] private static List<SetValue?>? t_sets;

    /// <summary>Collects the sets named by arguments [first, end); false after replying WRONGTYPE. Missing keys are null.</summary>
    private static bool TryCollect(CommandContext ctx, int first, int end, out List<SetValue?> sets)
    {
        sets = t_sets ??= [];
        sets.Clear();
        for (int i = first; i < end; i++)
        {
            if (!TryGetSet(ctx, ctx.Db.Get(ctx.Arg(i)), out var set)) return false;
            sets.Add(set);
        }
        return true;
    }

    /// <summary>Orders the sets smallest first (stable, like Redis's sort) so the intersection walks the smallest.</summary>
    private static void SortBySize(List<SetValue?> sets)
    {
        for (int i = 1; i < sets.Count; i++)
        {
            var s = sets[i];
            int j = i - 1;
            while (j >= 0 && sets[j]!.Count > s!.Count)
            {
                sets[j + 1] = sets[j];
                j--;
            }
            sets[j + 1] = s;
        }
    }

    private static bool InAllOthers(List<SetValue?> sets, ReadOnlySpan<byte> member)
    {
        for (int k = 1; k < sets.Count; k++)
        {
            if (!sets[k]!.Contains(member)) return false;
        }
        return true;
    }

    private static void Sinter(CommandContext ctx)
    {
        if (!TryCollect(ctx, 1, ctx.ArgCount, out var sets)) return;
        if (sets.Contains(null))
        {
            ctx.Reply.WriteSetHeader(0);
            return;
        }
        SortBySize(sets);
        int n = 0;
        foreach (var member in sets[0]!)
        {
            if (InAllOthers(sets, member)) n++;
        }
        ctx.Reply.WriteSetHeader(n);
        foreach (var member in sets[0]!)
        {
            if (InAllOthers(sets, member)) ctx.Reply.WriteBulk(member);
        }
    }

    private static void Sinterstore(CommandContext ctx)
    {
        if (!TryCollect(ctx, 2, ctx.ArgCount, out var sets)) return;
        var result = new SetValue();
        if (!sets.Contains(null))
        {
            SortBySize(sets);
            long max = MaxIntset(ctx);
            foreach (var member in sets[0]!)
            {
                if (InAllOthers(sets, member)) result.Add(member, max);
            }
        }
        Store(ctx, result, "sinterstore");
    }

    /// <summary>The *STORE ending: write a non-empty result over whatever was there, or delete the destination.</summary>
    private static void Store(CommandContext ctx, SetValue result, string eventName)
    {
        var destination = ctx.Arg(1);
        if (result.Count > 0)
        {
            ctx.Db.Set(destination, result);
            ctx.KeyChanged(destination, eventName);
        }
        else if (ctx.Db.Delete(destination))
        {
            ctx.KeyChanged(destination, "del");
        }
        ctx.Reply.WriteInteger(result.Count);
    }

    private static void Sintercard(CommandContext ctx)
    {
        if (!RedisNumbers.TryParseInt64(ctx.Arg(1), out long numkeys) || numkeys < 1)
        {
            ctx.Reply.WriteError(Errors.NumkeysNotPositive);
            return;
        }
        if (numkeys > ctx.ArgCount - 2)
        {
            ctx.Reply.WriteError(TooManyKeys);
            return;
        }
        int end = 2 + (int)numkeys;
        long limit = 0;
        for (int i = end; i < ctx.ArgCount; i++)
        {
            if (i + 1 < ctx.ArgCount && ctx.ArgIs(i, "LIMIT"))
            {
                if (!RedisNumbers.TryParseInt64(ctx.Arg(++i), out limit) || limit < 0)
                {
                    ctx.Reply.WriteError(LimitNegative);
                    return;
                }
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        if (!TryCollect(ctx, 2, end, out var sets)) return;
        long n = 0;
        if (!sets.Contains(null))
        {
            SortBySize(sets);
            foreach (var member in sets[0]!)
            {
                if (!InAllOthers(sets, member)) continue;
                if (++n == limit) break;
            }
        }
        ctx.Reply.WriteInteger(n);
    }

    /// <summary>Union or difference of the sets from argument <paramref name="first"/>, built into a fresh set as Redis builds it.</summary>
    private static SetValue? UnionOrDiff(CommandContext ctx, int first, bool union)
    {
        if (!TryCollect(ctx, first, ctx.ArgCount, out var sets)) return null;
        var result = new SetValue();
        long max = MaxIntset(ctx);
        if (union)
        {
            foreach (var set in sets)
            {
                if (set is null) continue;
                foreach (var member in set) result.Add(member, max);
            }
            return result;
        }
        if (sets[0] is not { } head) return result;
        foreach (var member in head)
        {
            bool keep = true;
            for (int k = 1; k < sets.Count && keep; k++) keep = sets[k] is null || !sets[k]!.Contains(member);
            if (keep) result.Add(member, max);
        }
        return result;
    }

    private static void Sunion(CommandContext ctx)
    {
        if (UnionOrDiff(ctx, 1, union: true) is { } result) WriteSet(ctx, result);
    }

    private static void Sdiff(CommandContext ctx)
    {
        if (UnionOrDiff(ctx, 1, union: false) is { } result) WriteSet(ctx, result);
    }

    private static void Sunionstore(CommandContext ctx)
    {
        if (UnionOrDiff(ctx, 2, union: true) is { } result) Store(ctx, result, "sunionstore");
    }

    private static void Sdiffstore(CommandContext ctx)
    {
        if (UnionOrDiff(ctx, 2, union: false) is { } result) Store(ctx, result, "sdiffstore");
    }

    // ---- SSCAN ----

    [ThreadStatic] private static List<byte[]>? t_members;

    private static void Sscan(CommandContext ctx)
    {
        if (!ScanArguments.TryReadCursor(ctx, 2, out ulong cursor)) return;
        // A missing key is an empty scan before the options are even looked at, as in Redis.
        if (!TryGetSet(ctx, ctx.Db.Get(ctx.Arg(1)), out var set)) return;
        if (set is null)
        {
            ScanArguments.WriteEmpty(ctx);
            return;
        }
        if (!ScanArguments.TryReadOptions(ctx, 3, allowType: false, out long count, out int patternArg, out _)) return;

        var members = t_members ??= [];
        members.Clear();
        if (set.Table is { } table)
        {
            long maxBuckets = count > long.MaxValue / 10 ? long.MaxValue : count * 10;
            var state = (Table: table, Members: members);
            do
            {
                cursor = table.ScanBucket(cursor, ref state, static (ref (KeyTable<byte> Table, List<byte[]> Members) s, int index) => s.Members.Add(s.Table.KeyAt(index)));
            }
            while (cursor != 0 && maxBuckets-- > 0 && members.Count < count);
        }
        else
        {
            // An intset is small: Redis returns all of it in one call, with cursor 0.
            cursor = 0;
            foreach (var member in set) members.Add(member.ToArray());
        }

        int kept = 0;
        for (int i = 0; i < members.Count; i++)
        {
            if (patternArg > 0 && !GlobMatcher.IsMatch(ctx.Arg(patternArg), members[i])) continue;
            members[kept++] = members[i];
        }
        ctx.Reply.WriteArrayHeader(2);
        Span<byte> digits = stackalloc byte[20];
        int n = cursor.TryFormat(digits, out int written) ? written : 0;
        ctx.Reply.WriteBulk(digits[..n]);
        ctx.Reply.WriteArrayHeader(kept);
        for (int i = 0; i < kept; i++) ctx.Reply.WriteBulk(members[i]);
        members.Clear();
    }
}
