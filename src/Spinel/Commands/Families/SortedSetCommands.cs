using Spinel.Storage;
using Spinel.Util;

namespace Spinel.Commands.Families;

/// <summary>
/// The sorted set group over <see cref="SortedSetValue"/>: writes (ZADD, ZINCRBY, ZREM), lookups (ZSCORE,
/// ZRANK, ZCOUNT, ...), pops (ZPOPMIN, ZMPOP; <see cref="TryServePop"/> also serves the blocking ones),
/// ZRANDMEMBER and ZSCAN. The range commands are in <see cref="SortedSetRangeCommands"/>.
/// </summary>
public static class SortedSetCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("zadd", -4, "write denyoom fast", "@sortedset", Zadd, "RW UPDATE: index 1 range 0 1 0") { Group = "sorted-set", Since = "1.2.0" },
        new("zincrby", 4, "write denyoom fast", "@sortedset", Zincrby, "RW ACCESS UPDATE: index 1 range 0 1 0") { Group = "sorted-set", Since = "1.2.0" },
        new("zrem", -3, "write fast", "@sortedset", Zrem, "RW DELETE: index 1 range 0 1 0") { Group = "sorted-set", Since = "1.2.0" },
        new("zcard", 2, "readonly fast", "@sortedset", Zcard, "RO: index 1 range 0 1 0") { Group = "sorted-set", Since = "1.2.0" },
        new("zcount", 4, "readonly fast", "@sortedset", Zcount, "RO ACCESS: index 1 range 0 1 0") { Group = "sorted-set", Since = "2.0.0" },
        new("zlexcount", 4, "readonly fast", "@sortedset", Zlexcount, "RO ACCESS: index 1 range 0 1 0") { Group = "sorted-set", Since = "2.8.9" },
        new("zscore", 3, "readonly fast", "@sortedset", Zscore, "RO ACCESS: index 1 range 0 1 0") { Group = "sorted-set", Since = "1.2.0" },
        new("zmscore", -3, "readonly fast", "@sortedset", Zmscore, "RO ACCESS: index 1 range 0 1 0") { Group = "sorted-set", Since = "6.2.0" },
        // Redis 7.0: exactly 3 arguments (WITHSCORE came in 7.2).
        new("zrank", 3, "readonly fast", "@sortedset", Zrank, "RO ACCESS: index 1 range 0 1 0") { Group = "sorted-set", Since = "2.0.0" },
        new("zrevrank", 3, "readonly fast", "@sortedset", Zrevrank, "RO ACCESS: index 1 range 0 1 0") { Group = "sorted-set", Since = "2.0.0" },
        new("zpopmin", -2, "write fast", "@sortedset", Zpopmin, "RW ACCESS DELETE: index 1 range 0 1 0") { Group = "sorted-set", Since = "5.0.0" },
        new("zpopmax", -2, "write fast", "@sortedset", Zpopmax, "RW ACCESS DELETE: index 1 range 0 1 0") { Group = "sorted-set", Since = "5.0.0" },
        new("zmpop", -4, "write", "@sortedset", Zmpop, "RW ACCESS DELETE: index 1 keynum 0 1 1") { Group = "sorted-set", Since = "7.0.0" },
        new("zrandmember", -2, "readonly", "@sortedset", Zrandmember, "RO ACCESS: index 1 range 0 1 0") { Tips = ["nondeterministic_output"], Group = "sorted-set", Since = "6.2.0" },
        new("zscan", -3, "readonly", "@sortedset", Zscan, "RO ACCESS: index 1 range 0 1 0") { Tips = ["nondeterministic_output"], Group = "sorted-set", Since = "2.8.0" },
    ];

    internal const string NotFloatRange = "ERR min or max is not a float";
    internal const string NotLexRange = "ERR min or max not valid string range item";
    private const string NaNResult = "ERR resulting score is not a number (NaN)";
    private const string XxAndNx = "ERR XX and NX options at the same time are not compatible";
    private const string GtLtNx = "ERR GT, LT, and/or NX options at the same time are not compatible";
    private const string IncrOnePair = "ERR INCR option supports a single increment-element pair";
    private const string NotPositive = "ERR value is out of range, must be positive";
    private const string CountOutOfRange = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
    private const string OutOfRange = "ERR value is out of range";

    // ---- shared helpers ----

    /// <summary>Reads a key expected to hold a sorted set: false after replying WRONGTYPE; <paramref name="set"/> is null when the key is missing.</summary>
    internal static bool TryGetZset(CommandContext ctx, object? value, out SortedSetValue? set)
    {
        set = value as SortedSetValue;
        if (value is null || set is not null) return true;
        ctx.Reply.WriteError(Errors.WrongType);
        return false;
    }

    /// <summary>Adds with the configured listpack limits.</summary>
    internal static ZAddResult Add(CommandContext ctx, SortedSetValue set, ReadOnlySpan<byte> member, double score, ZAddFlags flags, out double newScore)
    {
        var config = ctx.Server.Config;
        return set.Add(member, score, flags, config.ZsetMaxListpackEntries, config.ZsetMaxListpackValue, out newScore);
    }

    /// <summary>Drops a sorted set a command emptied, as Redis never keeps an empty one.</summary>
    internal static bool DeleteIfEmpty(CommandContext ctx, ReadOnlySpan<byte> key, SortedSetValue set)
    {
        if (set.Count > 0) return false;
        ctx.Db.Delete(key);
        return true;
    }

    /// <summary>
    /// A (member, score) pair of a reply with scores: flat in RESP2, a two-element array in RESP3 when
    /// <paramref name="nested"/>.
    /// </summary>
    internal static void WritePair(CommandContext ctx, ReadOnlySpan<byte> member, double score, bool nested)
    {
        if (nested) ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulk(member);
        ctx.Reply.WriteDouble(score);
    }

    // ---- ZADD / ZINCRBY ----

    private static void Zadd(CommandContext ctx) => AddGeneric(ctx, ZAddFlags.None);

    private static void Zincrby(CommandContext ctx) => AddGeneric(ctx, ZAddFlags.Incr);

    /// <summary>ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]; ZINCRBY is ZADD key INCR (and, as in Redis, reads options too).</summary>
    private static void AddGeneric(CommandContext ctx, ZAddFlags flags)
    {
        int scoreIndex = 2;
        bool ch = false;
        for (; scoreIndex < ctx.ArgCount; scoreIndex++)
        {
            if (ctx.ArgIs(scoreIndex, "NX")) flags |= ZAddFlags.NX;
            else if (ctx.ArgIs(scoreIndex, "XX")) flags |= ZAddFlags.XX;
            else if (ctx.ArgIs(scoreIndex, "CH")) ch = true;
            else if (ctx.ArgIs(scoreIndex, "INCR")) flags |= ZAddFlags.Incr;
            else if (ctx.ArgIs(scoreIndex, "GT")) flags |= ZAddFlags.GT;
            else if (ctx.ArgIs(scoreIndex, "LT")) flags |= ZAddFlags.LT;
            else break;
        }
        int elements = ctx.ArgCount - scoreIndex;
        if (elements == 0 || elements % 2 != 0)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        elements /= 2;
        bool incr = (flags & ZAddFlags.Incr) != 0, nx = (flags & ZAddFlags.NX) != 0, xx = (flags & ZAddFlags.XX) != 0;
        bool gt = (flags & ZAddFlags.GT) != 0, lt = (flags & ZAddFlags.LT) != 0;
        if (nx && xx)
        {
            ctx.Reply.WriteError(XxAndNx);
            return;
        }
        if ((gt && nx) || (lt && nx) || (gt && lt))
        {
            ctx.Reply.WriteError(GtLtNx);
            return;
        }
        if (incr && elements > 1)
        {
            ctx.Reply.WriteError(IncrOnePair);
            return;
        }
        // Every score is checked before anything changes: the command applies fully or not at all.
        for (int i = 0; i < elements; i++)
        {
            if (!RedisNumbers.TryParseDouble(ctx.Arg(scoreIndex + 2 * i), out _))
            {
                ctx.Reply.WriteError(Errors.NotFloat);
                return;
            }
        }

        var key = ctx.Arg(1);
        var db = ctx.Db;
        var value = db.GetForWrite(key);
        if (!TryGetZset(ctx, value, out var set)) return;
        if (set is null)
        {
            if (xx)
            {
                if (incr) ctx.Reply.WriteNull();
                else ctx.Reply.WriteInteger(0);
                return;
            }
            var config = ctx.Server.Config;
            // Redis picks the encoding from the first member alone; later ones convert as usual.
            set = config.ZsetMaxListpackEntries == 0 || config.ZsetMaxListpackValue < ctx.Arg(scoreIndex + 1).Length
                ? SortedSetValue.CreateSkiplist()
                : new SortedSetValue();
            db.Add(key.ToArray(), set);
        }

        long added = 0, updated = 0;
        bool processed = false;
        double score = 0;
        for (int i = 0; i < elements; i++)
        {
            RedisNumbers.TryParseDouble(ctx.Arg(scoreIndex + 2 * i), out score);
            var result = Add(ctx, set, ctx.Arg(scoreIndex + 2 * i + 1), score, flags, out score);
            if (result == ZAddResult.NaN)
            {
                // Only INCR can get here, with its single pair: nothing has changed.
                ctx.Reply.WriteError(NaNResult);
                return;
            }
            if (result == ZAddResult.Added) added++;
            else if (result == ZAddResult.Updated) updated++;
            if (result != ZAddResult.Skipped) processed = true;
        }
        if (added + updated > 0)
        {
            ctx.KeyChanged(key, incr ? "zincr" : "zadd");
            ctx.Keyspace.Dirty += added + updated - 1;
        }
        if (incr)
        {
            if (processed) ctx.Reply.WriteDouble(score);
            else ctx.Reply.WriteNull();
        }
        else ctx.Reply.WriteInteger(ch ? added + updated : added);
    }

    // ---- ZREM ----

    private static void Zrem(CommandContext ctx)
    {
        var key = ctx.Arg(1);
        if (!TryGetZset(ctx, ctx.Db.GetForWrite(key), out var set)) return;
        if (set is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        long deleted = 0;
        bool keyRemoved = false;
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            if (set.Remove(ctx.Arg(i))) deleted++;
            if (DeleteIfEmpty(ctx, key, set))
            {
                keyRemoved = true;
                break;
            }
        }
        if (deleted > 0)
        {
            ctx.KeyChanged(key, "zrem");
            ctx.Keyspace.Dirty += deleted - 1;
            if (keyRemoved) ctx.Notify(key, "del");
        }
        ctx.Reply.WriteInteger(deleted);
    }

    // ---- lookups ----

    private static void Zcard(CommandContext ctx)
    {
        if (!TryGetZset(ctx, ctx.Db.Get(ctx.Arg(1)), out var set)) return;
        ctx.Reply.WriteInteger(set?.Count ?? 0);
    }

    private static void Zscore(CommandContext ctx)
    {
        if (!TryGetZset(ctx, ctx.Db.Get(ctx.Arg(1)), out var set)) return;
        if (set is not null && set.TryGetScore(ctx.Arg(2), out double score)) ctx.Reply.WriteDouble(score);
        else ctx.Reply.WriteNull();
    }

    private static void Zmscore(CommandContext ctx)
    {
        if (!TryGetZset(ctx, ctx.Db.Get(ctx.Arg(1)), out var set)) return;
        ctx.Reply.WriteArrayHeader(ctx.ArgCount - 2);
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            if (set is not null && set.TryGetScore(ctx.Arg(i), out double score)) ctx.Reply.WriteDouble(score);
            else ctx.Reply.WriteNull();
        }
    }

    private static void Zrank(CommandContext ctx) => Rank(ctx, reverse: false);

    private static void Zrevrank(CommandContext ctx) => Rank(ctx, reverse: true);

    private static void Rank(CommandContext ctx, bool reverse)
    {
        if (!TryGetZset(ctx, ctx.Db.Get(ctx.Arg(1)), out var set)) return;
        int rank = set?.RankOf(ctx.Arg(2), reverse) ?? -1;
        if (rank >= 0) ctx.Reply.WriteInteger(rank);
        else ctx.Reply.WriteNull();
    }

    private static void Zcount(CommandContext ctx)
    {
        if (!ScoreRange.TryParse(ctx.Arg(2), ctx.Arg(3), out var range))
        {
            ctx.Reply.WriteError(NotFloatRange);
            return;
        }
        if (!TryGetZset(ctx, ctx.Db.Get(ctx.Arg(1)), out var set)) return;
        ctx.Reply.WriteInteger(set?.CountInRange(range) ?? 0);
    }

    private static void Zlexcount(CommandContext ctx)
    {
        if (!LexRange.TryParse(ctx.Arg(2), ctx.Arg(3), out var range))
        {
            ctx.Reply.WriteError(NotLexRange);
            return;
        }
        if (!TryGetZset(ctx, ctx.Db.Get(ctx.Arg(1)), out var set)) return;
        ctx.Reply.WriteInteger(set is null ? 0 : LexRunLength(set, range));
    }

    /// <summary>
    /// How many members from the first one in the lex range on stay within its max: Redis's count for a listpack
    /// (a walk) and, on sorted members, the same as the big encoding's rank difference, which it uses there.
    /// </summary>
    internal static int LexRunLength(SortedSetValue set, in LexRange range)
    {
        int first = set.FirstInLexRange(range);
        if (first < 0) return 0;
        if (!set.IsListpack) return set.LastInLexRange(range) - first + 1;
        int n = 0;
        for (var walk = set.Walk(first); walk.MoveNext() && range.LteMax(walk.Member);) n++;
        return n;
    }

    // ---- pops ----

    private static void Zpopmin(CommandContext ctx) => PopCommand(ctx, max: false);

    private static void Zpopmax(CommandContext ctx) => PopCommand(ctx, max: true);

    /// <summary>ZPOPMIN/ZPOPMAX key [count]: a flat [member, score, ...] array, nested pairs in RESP3 when a count is given.</summary>
    private static void PopCommand(CommandContext ctx, bool max)
    {
        if (ctx.ArgCount > 3)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        long count = -1;
        if (ctx.ArgCount == 3 && (!RedisNumbers.TryParseInt64(ctx.Arg(2), out count) || count < 0))
        {
            ctx.Reply.WriteError(NotPositive);
            return;
        }
        var key = ctx.Arg(1);
        if (!TryGetZset(ctx, ctx.Db.GetForWrite(key), out var set)) return;
        if (set is null || count == 0)
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }
        PopFrom(ctx, key, set, max, count, emitKey: false, nested: ctx.Reply.Protocol == 3 && count != -1);
    }

    /// <summary>
    /// Pops up to <paramref name="count"/> members (-1: one) from the low or high end and replies as Redis's
    /// genericZpopCommand does: [member, score, ...] (flat), [[member, score], ...] (<paramref name="nested"/>),
    /// [key, member, score] (BZPOPMIN: <paramref name="emitKey"/>), or [key, [[member, score], ...]] (both).
    /// One "zpopmin"/"zpopmax" event, the key deleted once empty, the change counter up by the number popped.
    /// </summary>
    internal static void PopFrom(CommandContext ctx, ReadOnlySpan<byte> key, SortedSetValue set, bool max, long count, bool emitKey, bool nested)
    {
        var reply = ctx.Reply;
        int popped = (int)Math.Min(count < 0 ? 1 : count, set.Count);
        if (!nested && !emitKey) reply.WriteArrayHeader(popped * 2L);
        else if (nested && !emitKey) reply.WriteArrayHeader(popped);
        else if (!nested)
        {
            reply.WriteArrayHeader(popped * 2L + 1);
            reply.WriteBulk(key);
        }
        else
        {
            reply.WriteArrayHeader(2);
            reply.WriteBulk(key);
            reply.WriteArrayHeader(popped);
        }
        var walk = max ? set.Walk(set.Count - 1, reverse: true) : set.Walk();
        for (int i = 0; i < popped && walk.MoveNext(); i++) WritePair(ctx, walk.Member, walk.Score, nested);
        set.RemoveRange(max ? set.Count - popped : 0, popped);
        ctx.KeyChanged(key, max ? "zpopmax" : "zpopmin");
        ctx.Keyspace.Dirty += popped - 1;
        if (DeleteIfEmpty(ctx, key, set)) ctx.Notify(key, "del");
    }

    /// <summary>
    /// Serves a pop from the first of <paramref name="numKeys"/> keys (from argument <paramref name="firstKey"/>)
    /// that holds a sorted set. True once a reply is written (the pop, or WRONGTYPE for a key of another type
    /// met first); false, writing nothing, when every key is missing.
    /// </summary>
    internal static bool TryServePop(CommandContext ctx, int firstKey, int numKeys, bool max, long count, bool nested)
    {
        var db = ctx.Db;
        for (int i = firstKey; i < firstKey + numKeys; i++)
        {
            var key = ctx.Arg(i);
            if (!ctx.MayServeFrom(key)) continue;
            var value = db.GetForWrite(key);
            if (value is null) continue;
            if (!TryGetZset(ctx, value, out var set)) return true;
            if (set!.Count == 0) continue;
            PopFrom(ctx, key, set, max, count, emitKey: true, nested);
            return true;
        }
        return false;
    }

    private static void Zmpop(CommandContext ctx)
    {
        if (!MultiPopArguments.TryParse(ctx, 1, "MAX", "MIN", out int numKeys, out bool max, out long count)) return;
        if (!TryServePop(ctx, 2, numKeys, max, count, nested: true)) ctx.Reply.WriteNullArray();
    }

    // ---- ZRANDMEMBER ----

    private static void Zrandmember(CommandContext ctx)
    {
        var random = ctx.Keyspace.Random;
        if (ctx.ArgCount == 2)
        {
            if (!TryGetZset(ctx, ctx.Db.Get(ctx.Arg(1)), out var one)) return;
            if (one is null)
            {
                ctx.Reply.WriteNull();
                return;
            }
            var pick = one.Walk(random.Next(one.Count));
            pick.MoveNext();
            ctx.Reply.WriteBulk(pick.Member);
            return;
        }
        if (!ctx.TryGetLong(2, out long count)) return;
        if (count == long.MinValue)
        {
            ctx.Reply.WriteError(CountOutOfRange);
            return;
        }
        bool withScores = false;
        if (ctx.ArgCount == 4 && ctx.ArgIs(3, "WITHSCORES")) withScores = true;
        else if (ctx.ArgCount > 3)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        // The reply doubles the count, so Redis refuses counts whose double would not fit.
        if (withScores && (count > long.MaxValue / 2 || count < -(long.MaxValue / 2)))
        {
            ctx.Reply.WriteError(OutOfRange);
            return;
        }
        if (!TryGetZset(ctx, ctx.Db.Get(ctx.Arg(1)), out var set)) return;
        if (set is null || count == 0)
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }
        bool nested = withScores && ctx.Reply.Protocol == 3;
        int size = set.Count;
        if (count < 0)
        {
            // Negative: that many independent picks, repeats allowed.
            long picks = -count;
            if (ctx.ReplyCannotFit(withScores ? picks * 2 : picks)) return;
            int replyStart = ctx.Reply.Length;
            ctx.Reply.WriteArrayHeader(withScores && !nested ? picks * 2 : picks);
            // A listpack is walked from its start for every rank: copy it out once instead.
            var snapshot = set.IsListpack ? Snapshot(set) : null;
            for (long i = 0; i < picks; i++)
            {
                int rank = random.Next(size);
                if (snapshot is not null) WriteRandomPick(ctx, snapshot[rank].Member, snapshot[rank].Score, withScores, nested);
                else
                {
                    var walk = set.Walk(rank);
                    walk.MoveNext();
                    WriteRandomPick(ctx, walk.Member, walk.Score, withScores, nested);
                }
                if (ctx.ReplyTooLarge(replyStart)) return;
            }
            return;
        }
        if (count >= size)
        {
            // The whole set, which Redis 7.0 sends highest first.
            ctx.Reply.WriteArrayHeader(withScores && !nested ? size * 2L : size);
            for (var walk = set.Walk(size - 1, reverse: true); walk.MoveNext();) WriteRandomPick(ctx, walk.Member, walk.Score, withScores, nested);
            return;
        }
        ctx.Reply.WriteArrayHeader(withScores && !nested ? count * 2 : count);
        if (count * 3 > size)
        {
            // Many of the members: a partial shuffle of all ranks picks count of them without repeats.
            var ranks = new int[size];
            for (int i = 0; i < size; i++) ranks[i] = i;
            var snapshot = set.IsListpack ? Snapshot(set) : null;
            for (int i = 0; i < (int)count; i++)
            {
                int j = i + random.Next(size - i);
                (ranks[i], ranks[j]) = (ranks[j], ranks[i]);
                WriteRank(ctx, set, snapshot, ranks[i], withScores, nested);
            }
            return;
        }
        // Few of them: random ranks, skipping ones already given.
        var picked = new HashSet<int>();
        while (picked.Count < count)
        {
            int rank = random.Next(size);
            if (picked.Add(rank)) WriteRank(ctx, set, null, rank, withScores, nested);
        }
    }

    private static (byte[] Member, double Score)[] Snapshot(SortedSetValue set)
    {
        var items = new (byte[], double)[set.Count];
        int i = 0;
        for (var walk = set.Walk(); walk.MoveNext();) items[i++] = (walk.Member.ToArray(), walk.Score);
        return items;
    }

    private static void WriteRank(CommandContext ctx, SortedSetValue set, (byte[] Member, double Score)[]? snapshot, int rank, bool withScores, bool nested)
    {
        if (snapshot is not null)
        {
            WriteRandomPick(ctx, snapshot[rank].Member, snapshot[rank].Score, withScores, nested);
            return;
        }
        var walk = set.Walk(rank);
        walk.MoveNext();
        WriteRandomPick(ctx, walk.Member, walk.Score, withScores, nested);
    }

    private static void WriteRandomPick(CommandContext ctx, ReadOnlySpan<byte> member, double score, bool withScores, bool nested)
    {
        if (withScores) WritePair(ctx, member, score, nested);
        else ctx.Reply.WriteBulk(member);
    }

    // ---- ZSCAN ----

    // Scratch for ZSCAN; commands run one at a time under the keyspace lock.
    [ThreadStatic] private static List<byte[]>? t_scanned;

    private static void Zscan(CommandContext ctx)
    {
        if (!ScanArguments.TryReadCursor(ctx, 2, out ulong cursor)) return;
        if (!TryGetZset(ctx, ctx.Db.Get(ctx.Arg(1)), out var set)) return;
        if (set is null)
        {
            ScanArguments.WriteEmpty(ctx);
            return;
        }
        if (!ScanArguments.TryReadOptions(ctx, 3, allowType: false, out long count, out int patternArg, out _)) return;
        ReadOnlySpan<byte> pattern = patternArg > 0 ? ctx.Arg(patternArg) : default;
        Span<byte> number = stackalloc byte[RedisNumbers.MaxDoubleChars];

        if (set.IsListpack)
        {
            // A listpack is small: everything in one reply, cursor 0, as Redis does.
            int matched = 0;
            foreach (var item in set)
            {
                if (patternArg < 0 || GlobMatcher.IsMatch(pattern, item.Member)) matched++;
            }
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteBulk("0"u8);
            ctx.Reply.WriteArrayHeader(matched * 2);
            foreach (var item in set)
            {
                if (patternArg > 0 && !GlobMatcher.IsMatch(pattern, item.Member)) continue;
                ctx.Reply.WriteBulk(item.Member);
                // Scores are strings here even in RESP3, as Redis sends them.
                ctx.Reply.WriteBulk(number[..RedisNumbers.FormatDouble(item.Score, number)]);
            }
            return;
        }

        var table = set.Table!;
        var scanned = t_scanned ??= [];
        scanned.Clear();
        long maxBuckets = count > long.MaxValue / 10 ? long.MaxValue : count * 10;
        var state = (Table: table, Found: scanned);
        do
        {
            cursor = table.ScanBucket(cursor, ref state, static (ref (KeyTable<byte, ScoredMember> Table, List<byte[]> Found) s, int index) => s.Found.Add(s.Table.KeyAt(index)));
        }
        while (cursor != 0 && maxBuckets-- > 0 && scanned.Count < count);

        int kept = 0;
        for (int i = 0; i < scanned.Count; i++)
        {
            if (patternArg > 0 && !GlobMatcher.IsMatch(pattern, ScoredMember.KeyOf(scanned[i]))) continue;
            scanned[kept++] = scanned[i];
        }
        ctx.Reply.WriteArrayHeader(2);
        Span<byte> digits = stackalloc byte[20];
        ctx.Reply.WriteBulk(digits[..(cursor.TryFormat(digits, out int written) ? written : 0)]);
        ctx.Reply.WriteArrayHeader(kept * 2);
        for (int i = 0; i < kept; i++)
        {
            ctx.Reply.WriteBulk(ScoredMember.KeyOf(scanned[i]));
            ctx.Reply.WriteBulk(number[..RedisNumbers.FormatDouble(ScoredMember.ScoreOf(scanned[i]), number)]);
        }
        scanned.Clear();
    }
}
