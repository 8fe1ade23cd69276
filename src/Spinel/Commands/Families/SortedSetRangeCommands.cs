using Spinel.Storage;

namespace Spinel.Commands.Families;

/// <summary>
/// The sorted set range commands: ZRANGE (by rank, BYSCORE, BYLEX, REV, LIMIT, WITHSCORES), its older
/// spellings (ZRANGEBYSCORE, ZREVRANGE, ...), ZRANGESTORE, and ZREMRANGEBYRANK/SCORE/LEX. All ranges reduce to
/// "n members from a rank, up or down", found as Redis 7.0 finds them, so replies and stored results match.
/// </summary>
public static class SortedSetRangeCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("zrange", -4, "readonly", "@sortedset", Zrange, "RO ACCESS: index 1 range 0 1 0") { Group = "sorted-set", Since = "1.2.0" },
        new("zrangestore", -5, "write denyoom", "@sortedset", Zrangestore, "OW UPDATE: index 1 range 0 1 0", "RO ACCESS: index 2 range 0 1 0") { Group = "sorted-set", Since = "6.2.0" },
        new("zrangebyscore", -4, "readonly", "@sortedset", Zrangebyscore, "RO ACCESS: index 1 range 0 1 0") { Group = "sorted-set", Since = "1.0.5", DocFlags = ["deprecated"], DeprecatedSince = "6.2.0", ReplacedBy = "`ZRANGE` with the `BYSCORE` argument" },
        new("zrevrangebyscore", -4, "readonly", "@sortedset", Zrevrangebyscore, "RO ACCESS: index 1 range 0 1 0") { Group = "sorted-set", Since = "2.2.0", DocFlags = ["deprecated"], DeprecatedSince = "6.2.0", ReplacedBy = "`ZRANGE` with the `REV` and `BYSCORE` arguments" },
        new("zrangebylex", -4, "readonly", "@sortedset", Zrangebylex, "RO ACCESS: index 1 range 0 1 0") { Group = "sorted-set", Since = "2.8.9", DocFlags = ["deprecated"], DeprecatedSince = "6.2.0", ReplacedBy = "`ZRANGE` with the `BYLEX` argument" },
        new("zrevrangebylex", -4, "readonly", "@sortedset", Zrevrangebylex, "RO ACCESS: index 1 range 0 1 0") { Group = "sorted-set", Since = "2.8.9", DocFlags = ["deprecated"], DeprecatedSince = "6.2.0", ReplacedBy = "`ZRANGE` with the `REV` and `BYLEX` arguments" },
        new("zrevrange", -4, "readonly", "@sortedset", Zrevrange, "RO ACCESS: index 1 range 0 1 0") { Group = "sorted-set", Since = "1.2.0", DocFlags = ["deprecated"], DeprecatedSince = "6.2.0", ReplacedBy = "`ZRANGE` with the `REV` argument" },
        new("zremrangebyrank", 4, "write", "@sortedset", Zremrangebyrank, "RW DELETE: index 1 range 0 1 0") { Group = "sorted-set", Since = "2.0.0" },
        new("zremrangebyscore", 4, "write", "@sortedset", Zremrangebyscore, "RW DELETE: index 1 range 0 1 0") { Group = "sorted-set", Since = "1.2.0" },
        new("zremrangebylex", 4, "write", "@sortedset", Zremrangebylex, "RW DELETE: index 1 range 0 1 0") { Group = "sorted-set", Since = "2.8.9" },
    ];

    private const string LimitNeedsByScoreOrLex = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
    private const string WithScoresNotWithLex = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";

    private enum RangeKind { Auto, Rank, Score, Lex }

    /// <summary>A selection: <see cref="Count"/> members from rank <see cref="Start"/>, walking down when <see cref="Reverse"/>.</summary>
    private readonly record struct Selection(int Start, int Count, bool Reverse)
    {
        public static readonly Selection None = new(0, 0, false);
    }

    private static void Zrange(CommandContext ctx) => RangeGeneric(ctx, 1, store: false, RangeKind.Auto, reverse: null);

    private static void Zrangestore(CommandContext ctx) => RangeGeneric(ctx, 2, store: true, RangeKind.Auto, reverse: null);

    private static void Zrangebyscore(CommandContext ctx) => RangeGeneric(ctx, 1, store: false, RangeKind.Score, reverse: false);

    private static void Zrevrangebyscore(CommandContext ctx) => RangeGeneric(ctx, 1, store: false, RangeKind.Score, reverse: true);

    private static void Zrangebylex(CommandContext ctx) => RangeGeneric(ctx, 1, store: false, RangeKind.Lex, reverse: false);

    private static void Zrevrangebylex(CommandContext ctx) => RangeGeneric(ctx, 1, store: false, RangeKind.Lex, reverse: true);

    private static void Zrevrange(CommandContext ctx) => RangeGeneric(ctx, 1, store: false, RangeKind.Rank, reverse: true);

    /// <summary>
    /// Redis 7.0's zrangeGenericCommand: the source key at <paramref name="keyIndex"/>, then min, max and options.
    /// A preset kind or direction (the older commands) makes BYSCORE/BYLEX or REV a syntax error.
    /// </summary>
    private static void RangeGeneric(CommandContext ctx, int keyIndex, bool store, RangeKind kind, bool? reverse)
    {
        int minIndex = keyIndex + 1, maxIndex = keyIndex + 2;
        bool withScores = false;
        long offset = 0, limit = -1;
        for (int j = keyIndex + 3; j < ctx.ArgCount; j++)
        {
            int left = ctx.ArgCount - j - 1;
            if (!store && ctx.ArgIs(j, "WITHSCORES")) withScores = true;
            else if (left >= 2 && ctx.ArgIs(j, "LIMIT"))
            {
                if (!ctx.TryGetLong(j + 1, out offset) || !ctx.TryGetLong(j + 2, out limit)) return;
                j += 2;
            }
            else if (reverse is null && ctx.ArgIs(j, "REV")) reverse = true;
            else if (kind == RangeKind.Auto && ctx.ArgIs(j, "BYLEX")) kind = RangeKind.Lex;
            else if (kind == RangeKind.Auto && ctx.ArgIs(j, "BYSCORE")) kind = RangeKind.Score;
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        bool rev = reverse ?? false;
        if (kind == RangeKind.Auto) kind = RangeKind.Rank;
        // As in Redis, "LIMIT x -1" counts as no limit, so it passes with a rank range.
        if (limit != -1 && kind == RangeKind.Rank)
        {
            ctx.Reply.WriteError(LimitNeedsByScoreOrLex);
            return;
        }
        if (withScores && kind == RangeKind.Lex)
        {
            ctx.Reply.WriteError(WithScoresNotWithLex);
            return;
        }
        // Reversed score and lex ranges are written max first.
        if (rev && kind != RangeKind.Rank) (minIndex, maxIndex) = (maxIndex, minIndex);

        long start = 0, end = 0;
        ScoreRange scores = default;
        LexRange lex = default;
        switch (kind)
        {
            case RangeKind.Rank:
                if (!ctx.TryGetLong(minIndex, out start) || !ctx.TryGetLong(maxIndex, out end)) return;
                break;
            case RangeKind.Score:
                if (!ScoreRange.TryParse(ctx.Arg(minIndex), ctx.Arg(maxIndex), out scores))
                {
                    ctx.Reply.WriteError(SortedSetCommands.NotFloatRange);
                    return;
                }
                break;
            default:
                if (!LexRange.TryParse(ctx.Arg(minIndex), ctx.Arg(maxIndex), out lex))
                {
                    ctx.Reply.WriteError(SortedSetCommands.NotLexRange);
                    return;
                }
                break;
        }

        if (!SortedSetCommands.TryGetZset(ctx, ctx.Db.Get(ctx.Arg(keyIndex)), out var set)) return;
        if (set is null)
        {
            if (store) Store(ctx, null, Selection.None);
            else ctx.Reply.WriteArrayHeader(0);
            return;
        }
        var selection = kind switch
        {
            RangeKind.Rank => ByRank(set, start, end, rev),
            RangeKind.Score => ByScore(set, scores, offset, limit, rev),
            _ => ByLex(set, lex, offset, limit, rev),
        };
        if (store)
        {
            Store(ctx, set, selection, knownCount: kind == RangeKind.Rank);
            return;
        }
        bool nested = withScores && ctx.Reply.Protocol == 3;
        ctx.Reply.WriteArrayHeader(withScores && !nested ? selection.Count * 2L : selection.Count);
        var walk = set.Walk(selection.Start, selection.Reverse);
        for (int i = 0; i < selection.Count && walk.MoveNext(); i++)
        {
            if (withScores) SortedSetCommands.WritePair(ctx, walk.Member, walk.Score, nested);
            else ctx.Reply.WriteBulk(walk.Member);
        }
    }

    /// <summary>Ranks start..end (negative from the end), as reverse ranks when <paramref name="reverse"/>.</summary>
    private static Selection ByRank(SortedSetValue set, long start, long end, bool reverse)
    {
        long length = set.Count;
        if (start < 0) start += length;
        if (end < 0) end += length;
        if (start < 0) start = 0;
        if (start > end || start >= length) return Selection.None;
        if (end >= length) end = length - 1;
        int count = (int)(end - start + 1);
        return reverse ? new Selection((int)(length - 1 - start), count, true) : new Selection((int)start, count, false);
    }

    /// <summary>
    /// The members in the score range after skipping <paramref name="offset"/>, at most <paramref name="limit"/>
    /// (negative: all). A negative offset selects nothing, as Redis's skip loop runs off the end.
    /// </summary>
    private static Selection ByScore(SortedSetValue set, in ScoreRange range, long offset, long limit, bool reverse)
    {
        if ((offset > 0 && offset >= set.Count) || offset < 0) return Selection.None;
        int first = set.FirstInRange(range);
        if (first < 0) return Selection.None;
        int last = set.LastInRange(range);
        long count = Math.Max(0, last - first + 1 - offset);
        if (limit >= 0) count = Math.Min(count, limit);
        return new Selection(reverse ? last - (int)offset : first + (int)offset, (int)count, reverse);
    }

    /// <summary>
    /// Like <see cref="ByScore"/> for a lex range, counted by walking from the first (or last) member in range while
    /// members stay within the other bound, as Redis does (which matters only when scores differ).
    /// </summary>
    private static Selection ByLex(SortedSetValue set, in LexRange range, long offset, long limit, bool reverse)
    {
        if ((offset > 0 && offset >= set.Count) || offset < 0) return Selection.None;
        int from = reverse ? set.LastInLexRange(range) : set.FirstInLexRange(range);
        if (from < 0) return Selection.None;
        int start = reverse ? from - (int)offset : from + (int)offset;
        if (start < 0 || start >= set.Count) return Selection.None;
        int count = 0;
        for (var walk = set.Walk(start, reverse); (limit < 0 || count < limit) && walk.MoveNext(); count++)
        {
            if (reverse ? !range.GteMin(walk.Member) : !range.LteMax(walk.Member)) break;
        }
        return new Selection(start, count, reverse);
    }

    /// <summary>
    /// ZRANGESTORE's ending: the selection as a new sorted set at the destination (argument 1), replacing any value
    /// and its TTL, or the destination deleted when nothing was selected. A rank range knows its size up front, so
    /// its result starts in the big encoding when too many for a listpack, as Redis 7.0 does.
    /// </summary>
    private static void Store(CommandContext ctx, SortedSetValue? source, Selection selection, bool knownCount = false)
    {
        var destination = ctx.Arg(1);
        if (source is null || selection.Count == 0)
        {
            ctx.Reply.WriteInteger(0);
            if (ctx.Db.Delete(destination)) ctx.KeyChanged(destination, "del");
            return;
        }
        var result = SortedSetValue.CreateForResult(knownCount ? selection.Count : -1, ctx.Server.Config.ZsetMaxListpackEntries);
        var walk = source.Walk(selection.Start, selection.Reverse);
        for (int i = 0; i < selection.Count && walk.MoveNext(); i++) SortedSetCommands.Add(ctx, result, walk.Member, walk.Score, ZAddFlags.None, out _);
        ctx.Db.Set(destination, result);
        ctx.KeyChanged(destination, "zrangestore");
        ctx.Reply.WriteInteger(result.Count);
    }

    // ---- ZREMRANGEBY* ----

    private static void Zremrangebyrank(CommandContext ctx) => RemoveRangeGeneric(ctx, RangeKind.Rank, "zremrangebyrank");

    private static void Zremrangebyscore(CommandContext ctx) => RemoveRangeGeneric(ctx, RangeKind.Score, "zremrangebyscore");

    private static void Zremrangebylex(CommandContext ctx) => RemoveRangeGeneric(ctx, RangeKind.Lex, "zremrangebylex");

    private static void RemoveRangeGeneric(CommandContext ctx, RangeKind kind, string eventName)
    {
        long start = 0, end = 0;
        ScoreRange scores = default;
        LexRange lex = default;
        if (kind == RangeKind.Rank)
        {
            if (!ctx.TryGetLong(2, out start) || !ctx.TryGetLong(3, out end)) return;
        }
        else if (kind == RangeKind.Score)
        {
            if (!ScoreRange.TryParse(ctx.Arg(2), ctx.Arg(3), out scores))
            {
                ctx.Reply.WriteError(SortedSetCommands.NotFloatRange);
                return;
            }
        }
        else if (!LexRange.TryParse(ctx.Arg(2), ctx.Arg(3), out lex))
        {
            ctx.Reply.WriteError(SortedSetCommands.NotLexRange);
            return;
        }
        var key = ctx.Arg(1);
        if (!SortedSetCommands.TryGetZset(ctx, ctx.Db.GetForWrite(key), out var set)) return;
        if (set is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        Selection selection;
        if (kind == RangeKind.Rank) selection = ByRank(set, start, end, reverse: false);
        else if (kind == RangeKind.Score) selection = ByScore(set, scores, 0, -1, reverse: false);
        else
        {
            int first = set.FirstInLexRange(lex);
            selection = first < 0 ? Selection.None : new Selection(first, SortedSetCommands.LexRunLength(set, lex), false);
        }
        set.RemoveRange(selection.Start, selection.Count);
        if (selection.Count > 0)
        {
            ctx.KeyChanged(key, eventName);
            ctx.Keyspace.Dirty += selection.Count - 1;
            if (SortedSetCommands.DeleteIfEmpty(ctx, key, set)) ctx.Notify(key, "del");
        }
        ctx.Reply.WriteInteger(selection.Count);
    }
}
