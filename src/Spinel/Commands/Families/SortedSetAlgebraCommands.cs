using Spinel.Storage;
using Spinel.Util;

namespace Spinel.Commands.Families;

/// <summary>
/// ZUNION, ZINTER, ZDIFF, their *STORE forms, and ZINTERCARD. Inputs may be sorted sets or plain sets (every
/// member of a set scores 1). Scores are combined in the order Redis 7.0 combines them (inputs sorted by size,
/// smallest first, stably), so sums of floating-point scores round identically.
/// </summary>
public static class SortedSetAlgebraCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("zunion", -3, "readonly", "@sortedset", Zunion, "RO ACCESS: index 1 keynum 0 1 1") { Group = "sorted-set", Since = "6.2.0" },
        new("zinter", -3, "readonly", "@sortedset", Zinter, "RO ACCESS: index 1 keynum 0 1 1") { Group = "sorted-set", Since = "6.2.0" },
        new("zdiff", -3, "readonly", "@sortedset", Zdiff, "RO ACCESS: index 1 keynum 0 1 1") { Group = "sorted-set", Since = "6.2.0" },
        new("zunionstore", -4, "write denyoom", "@sortedset", Zunionstore, "OW UPDATE: index 1 range 0 1 0", "RO ACCESS: index 2 keynum 0 1 1") { Group = "sorted-set", Since = "2.0.0" },
        new("zinterstore", -4, "write denyoom", "@sortedset", Zinterstore, "OW UPDATE: index 1 range 0 1 0", "RO ACCESS: index 2 keynum 0 1 1") { Group = "sorted-set", Since = "2.0.0" },
        new("zdiffstore", -4, "write denyoom", "@sortedset", Zdiffstore, "OW UPDATE: index 1 range 0 1 0", "RO ACCESS: index 2 keynum 0 1 1") { Group = "sorted-set", Since = "6.2.0" },
        new("zintercard", -3, "readonly", "@sortedset", Zintercard, "RO ACCESS: index 1 keynum 0 1 1") { Group = "sorted-set", Since = "7.0.0" },
    ];

    private enum Operation
    {
        Union,
        Inter,
        Diff,
    }

    private enum Aggregate
    {
        Sum,
        Min,
        Max,
    }

    /// <summary>One input: a <see cref="SortedSetValue"/>, a <see cref="SetValue"/>, or null for a missing key.</summary>
    private readonly record struct Source(DataObject? Value, double Weight)
    {
        public int Count => Value switch
        {
            SortedSetValue z => z.Count,
            SetValue s => s.Count,
            _ => 0,
        };

        public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
        {
            switch (Value)
            {
                case SortedSetValue z:
                    return z.TryGetScore(member, out score);
                case SetValue s:
                    score = 1;
                    return s.Contains(member);
                default:
                    score = 0;
                    return false;
            }
        }
    }

    private const string WeightNotFloat = "ERR weight value is not a float";
    private const string LimitNegative = "ERR LIMIT can't be negative";

    // Scratch for one command's inputs; commands run one at a time under the keyspace lock.
    [ThreadStatic] private static List<Source>? t_sources;

    private static void Zunion(CommandContext ctx) => Combine(ctx, Operation.Union, store: false);

    private static void Zinter(CommandContext ctx) => Combine(ctx, Operation.Inter, store: false);

    private static void Zdiff(CommandContext ctx) => Combine(ctx, Operation.Diff, store: false);

    private static void Zunionstore(CommandContext ctx) => Combine(ctx, Operation.Union, store: true);

    private static void Zinterstore(CommandContext ctx) => Combine(ctx, Operation.Inter, store: true);

    private static void Zdiffstore(CommandContext ctx) => Combine(ctx, Operation.Diff, store: true);

    private static void Combine(CommandContext ctx, Operation op, bool store)
    {
        int numkeysIndex = store ? 2 : 1;
        if (!TryCollect(ctx, numkeysIndex, out var sources)) return;
        int next = numkeysIndex + 1 + sources.Count;
        var aggregate = Aggregate.Sum;
        bool withScores = false;
        while (next < ctx.ArgCount)
        {
            int remaining = ctx.ArgCount - next - 1;
            if (op != Operation.Diff && remaining >= sources.Count && ctx.ArgIs(next, "WEIGHTS"))
            {
                for (int i = 0; i < sources.Count; i++)
                {
                    if (!RedisNumbers.TryParseDouble(ctx.Arg(next + 1 + i), out double weight))
                    {
                        ctx.Reply.WriteError(WeightNotFloat);
                        return;
                    }
                    sources[i] = sources[i] with { Weight = weight };
                }
                next += 1 + sources.Count;
            }
            else if (op != Operation.Diff && remaining >= 1 && ctx.ArgIs(next, "AGGREGATE"))
            {
                if (ctx.ArgIs(next + 1, "SUM")) aggregate = Aggregate.Sum;
                else if (ctx.ArgIs(next + 1, "MIN")) aggregate = Aggregate.Min;
                else if (ctx.ArgIs(next + 1, "MAX")) aggregate = Aggregate.Max;
                else
                {
                    ctx.Reply.WriteError(Errors.Syntax);
                    return;
                }
                next += 2;
            }
            else if (!store && ctx.ArgIs(next, "WITHSCORES"))
            {
                withScores = true;
                next++;
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }

        var result = op switch
        {
            Operation.Union => Union(sources, aggregate),
            Operation.Inter => Intersect(sources, aggregate),
            _ => Difference(sources),
        };
        if (store) Store(ctx, result, op);
        else WriteResult(ctx, result, withScores);
    }

    /// <summary>
    /// Reads numkeys at <paramref name="numkeysIndex"/> and looks up that many keys after it; false after replying
    /// with Redis's error (a key of another type is reported before any option is looked at).
    /// </summary>
    private static bool TryCollect(CommandContext ctx, int numkeysIndex, out List<Source> sources)
    {
        sources = t_sources ??= [];
        sources.Clear();
        if (!ctx.TryGetLong(numkeysIndex, out long numkeys)) return false;
        if (numkeys < 1)
        {
            ctx.Reply.WriteError($"ERR at least 1 input key is needed for '{ctx.Command.Name}' command");
            return false;
        }
        if (numkeys > ctx.ArgCount - numkeysIndex - 1)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return false;
        }
        for (int i = 0; i < numkeys; i++)
        {
            var value = ctx.Db.Get(ctx.Arg(numkeysIndex + 1 + i));
            if (value is not (null or SortedSetValue or SetValue))
            {
                ctx.Reply.WriteError(Errors.WrongType);
                return false;
            }
            sources.Add(new Source((DataObject?)value, 1));
        }
        return true;
    }

    /// <summary>Smallest input first; stable, so equal sizes keep the order given, as Redis's sort does.</summary>
    private static void SortBySize(List<Source> sources)
    {
        for (int i = 1; i < sources.Count; i++)
        {
            var s = sources[i];
            int j = i - 1;
            while (j >= 0 && sources[j].Count > s.Count)
            {
                sources[j + 1] = sources[j];
                j--;
            }
            sources[j + 1] = s;
        }
    }

    /// <summary>A score times its input's weight; inf × 0 is NaN, which Redis counts as 0.</summary>
    private static double Weighted(double score, double weight)
    {
        double value = score * weight;
        return double.IsNaN(value) ? 0 : value;
    }

    private static double Combine(Aggregate aggregate, double current, double value) => aggregate switch
    {
        // inf + -inf is NaN, which Redis counts as 0.
        Aggregate.Sum => double.IsNaN(current + value) ? 0 : current + value,
        // Plain comparisons, as Redis makes them: on a tie (0 and -0 included) the current score stays.
        Aggregate.Min => value < current ? value : current,
        _ => value > current ? value : current,
    };

    /// <summary>
    /// Scores are combined in a plain member table first, as Redis does: building the sorted set directly would
    /// treat -0 and 0 as the same score and keep the wrong sign.
    /// </summary>
    private static SortedSetValue Union(List<Source> sources, Aggregate aggregate)
    {
        SortBySize(sources);
        var scores = new KeyTable<double>();
        foreach (var source in sources)
        {
            switch (source.Value)
            {
                case SortedSetValue z:
                    foreach (var entry in z) AddOrCombine(scores, entry.Member, Weighted(entry.Score, source.Weight), aggregate);
                    break;
                case SetValue s:
                    foreach (var member in s) AddOrCombine(scores, member, Weighted(1, source.Weight), aggregate);
                    break;
            }
        }
        var result = SortedSetValue.CreateSkiplist();
        foreach (int i in scores) result.Set(scores.KeyAt(i), scores.ValueAt(i), long.MaxValue, long.MaxValue);
        return result;
    }

    private static void AddOrCombine(KeyTable<double> scores, ReadOnlySpan<byte> member, double value, Aggregate aggregate)
    {
        int hash = KeyHash.Of(member);
        int index = scores.Find(member, hash);
        if (index < 0) scores.Insert(member.ToArray(), hash, value);
        else scores.ValueAt(index) = Combine(aggregate, scores.ValueAt(index), value);
    }

    private static SortedSetValue Intersect(List<Source> sources, Aggregate aggregate)
    {
        var result = SortedSetValue.CreateSkiplist();
        foreach (var source in sources)
        {
            if (source.Value is null) return result;
        }
        SortBySize(sources);
        switch (sources[0].Value)
        {
            case SortedSetValue z:
                foreach (var entry in z) AddIfInAll(result, sources, entry.Member, entry.Score, aggregate);
                break;
            case SetValue s:
                foreach (var member in s) AddIfInAll(result, sources, member, 1, aggregate);
                break;
        }
        return result;
    }

    private static void AddIfInAll(SortedSetValue result, List<Source> sources, ReadOnlySpan<byte> member, double score, Aggregate aggregate)
    {
        double value = Weighted(score, sources[0].Weight);
        for (int i = 1; i < sources.Count; i++)
        {
            if (!sources[i].TryGetScore(member, out double other)) return;
            value = Combine(aggregate, value, Weighted(other, sources[i].Weight));
        }
        result.Set(member, value, long.MaxValue, long.MaxValue);
    }

    /// <summary>The first input's members that no other input has, with the first input's scores.</summary>
    private static SortedSetValue Difference(List<Source> sources)
    {
        var result = SortedSetValue.CreateSkiplist();
        switch (sources[0].Value)
        {
            case SortedSetValue z:
                foreach (var entry in z)
                {
                    if (InNoOther(sources, entry.Member)) result.Set(entry.Member, entry.Score, long.MaxValue, long.MaxValue);
                }
                break;
            case SetValue s:
                foreach (var member in s)
                {
                    if (InNoOther(sources, member)) result.Set(member, 1, long.MaxValue, long.MaxValue);
                }
                break;
        }
        return result;
    }

    private static bool InNoOther(List<Source> sources, ReadOnlySpan<byte> member)
    {
        for (int i = 1; i < sources.Count; i++)
        {
            if (sources[i].TryGetScore(member, out _)) return false;
        }
        return true;
    }

    private static void WriteResult(CommandContext ctx, SortedSetValue result, bool withScores)
    {
        var reply = ctx.Reply;
        bool pairs = withScores && reply.Protocol == 3;
        reply.WriteArrayHeader(withScores && !pairs ? result.Count * 2L : result.Count);
        foreach (var entry in result)
        {
            if (pairs) reply.WriteArrayHeader(2);
            reply.WriteBulk(entry.Member);
            if (withScores) reply.WriteDouble(entry.Score);
        }
    }

    /// <summary>The *STORE ending: a non-empty result replaces the destination (as a listpack when it fits); an empty one deletes it.</summary>
    private static void Store(CommandContext ctx, SortedSetValue result, Operation op)
    {
        var destination = ctx.Arg(1);
        if (result.Count > 0)
        {
            var config = ctx.Server.Config;
            result.ConvertToListpackIfFits(config.ZsetMaxListpackEntries, config.ZsetMaxListpackValue);
            ctx.Db.Set(destination, result);
            ctx.KeyChanged(destination, op switch
            {
                Operation.Union => "zunionstore",
                Operation.Inter => "zinterstore",
                _ => "zdiffstore",
            });
        }
        else if (ctx.Db.Delete(destination))
        {
            ctx.KeyChanged(destination, "del");
        }
        ctx.Reply.WriteInteger(result.Count);
    }

    /// <summary>ZINTERCARD numkeys key [key ...] [LIMIT limit]: the intersection's size, counting stopped at limit (0: no limit).</summary>
    private static void Zintercard(CommandContext ctx)
    {
        if (!TryCollect(ctx, 1, out var sources)) return;
        long limit = 0;
        for (int i = 2 + sources.Count; i < ctx.ArgCount; i++)
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
        long count = 0;
        foreach (var source in sources)
        {
            if (source.Value is null)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
        }
        SortBySize(sources);
        switch (sources[0].Value)
        {
            case SortedSetValue z:
                foreach (var entry in z)
                {
                    if (InAllOthers(sources, entry.Member) && ++count == limit) break;
                }
                break;
            case SetValue s:
                foreach (var member in s)
                {
                    if (InAllOthers(sources, member) && ++count == limit) break;
                }
                break;
        }
        ctx.Reply.WriteInteger(count);
    }

    private static bool InAllOthers(List<Source> sources, ReadOnlySpan<byte> member)
    {
        for (int i = 1; i < sources.Count; i++)
        {
            if (!sources[i].TryGetScore(member, out _)) return false;
        }
        return true;
    }
}
