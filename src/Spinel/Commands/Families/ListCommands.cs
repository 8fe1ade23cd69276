using System.Buffers;
using Spinel.Storage;
using Spinel.Util;

namespace Spinel.Commands.Families;

/// <summary>
/// The list group (LPUSH, LPOP, LRANGE, LINSERT, LMOVE, LMPOP, ...) over <see cref="ListValue"/>. The pops and
/// moves are internal helpers (<see cref="TryServePop"/>, <see cref="TryServeMove"/>, <see cref="TryServeMultiPop"/>)
/// so the blocking variants can serve a client with the same replies, events and change counts.
/// </summary>
public static class ListCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("lpush", -3, "write denyoom fast", "@list", Lpush, "RW INSERT: index 1 range 0 1 0") { Group = "list", Since = "1.0.0" },
        new("rpush", -3, "write denyoom fast", "@list", Rpush, "RW INSERT: index 1 range 0 1 0") { Group = "list", Since = "1.0.0" },
        new("lpushx", -3, "write denyoom fast", "@list", Lpushx, "RW INSERT: index 1 range 0 1 0") { Group = "list", Since = "2.2.0" },
        new("rpushx", -3, "write denyoom fast", "@list", Rpushx, "RW INSERT: index 1 range 0 1 0") { Group = "list", Since = "2.2.0" },
        new("lpop", -2, "write fast", "@list", Lpop, "RW ACCESS DELETE: index 1 range 0 1 0") { Group = "list", Since = "1.0.0" },
        new("rpop", -2, "write fast", "@list", Rpop, "RW ACCESS DELETE: index 1 range 0 1 0") { Group = "list", Since = "1.0.0" },
        new("llen", 2, "readonly fast", "@list", Llen, "RO: index 1 range 0 1 0") { Group = "list", Since = "1.0.0" },
        new("lrange", 4, "readonly", "@list", Lrange, "RO ACCESS: index 1 range 0 1 0") { Group = "list", Since = "1.0.0" },
        new("lindex", 3, "readonly", "@list", Lindex, "RO ACCESS: index 1 range 0 1 0") { Group = "list", Since = "1.0.0" },
        new("lset", 4, "write denyoom", "@list", Lset, "RW UPDATE: index 1 range 0 1 0") { Group = "list", Since = "1.0.0" },
        new("linsert", 5, "write denyoom", "@list", Linsert, "RW INSERT: index 1 range 0 1 0") { Group = "list", Since = "2.2.0" },
        new("lrem", 4, "write", "@list", Lrem, "RW DELETE: index 1 range 0 1 0") { Group = "list", Since = "1.0.0" },
        new("ltrim", 4, "write", "@list", Ltrim, "RW DELETE: index 1 range 0 1 0") { Group = "list", Since = "1.0.0" },
        new("lpos", -3, "readonly", "@list", Lpos, "RO ACCESS: index 1 range 0 1 0") { Group = "list", Since = "6.0.6" },
        new("lmove", 5, "write denyoom", "@list", Lmove, "RW ACCESS DELETE: index 1 range 0 1 0", "RW INSERT: index 2 range 0 1 0") { Group = "list", Since = "6.2.0" },
        new("rpoplpush", 3, "write denyoom", "@list", Rpoplpush, "RW ACCESS DELETE: index 1 range 0 1 0", "RW INSERT: index 2 range 0 1 0") { Group = "list", Since = "1.2.0", DocFlags = ["deprecated"], DeprecatedSince = "6.2.0", ReplacedBy = "`LMOVE` with the `RIGHT` and `LEFT` arguments" },
        new("lmpop", -4, "write", "@list", Lmpop, "RW ACCESS DELETE: index 1 keynum 0 1 1") { Group = "list", Since = "7.0.0" },
    ];

    private const string IndexOutOfRange = "ERR index out of range";
    private const string NotPositive = "ERR value is out of range, must be positive";
    private const string RankZero = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
    private const string CountNegative = "ERR COUNT can't be negative";
    private const string MaxlenNegative = "ERR MAXLEN can't be negative";

    /// <summary>Reads a key expected to hold a list: false after replying WRONGTYPE; <paramref name="list"/> is null when the key is missing.</summary>
    private static bool TryGetList(CommandContext ctx, object? value, out ListValue? list)
    {
        list = value as ListValue;
        if (value is null || list is not null) return true;
        ctx.Reply.WriteError(Errors.WrongType);
        return false;
    }

    private static ListValue NewList(CommandContext ctx) => new(ctx.Server.Config.ListMaxListpackSize);

    /// <summary>Drops a list that a command emptied, as Redis never keeps an empty list.</summary>
    private static void DeleteIfEmpty(CommandContext ctx, ReadOnlySpan<byte> key, ListValue list)
    {
        if (list.Count > 0) return;
        ctx.Db.Delete(key);
        ctx.Notify(key, "del");
    }

    /// <summary>LEFT or RIGHT (any case); false after replying a syntax error.</summary>
    internal static bool TryReadEnd(CommandContext ctx, int index, out bool left)
    {
        left = ctx.ArgIs(index, "LEFT");
        if (left || ctx.ArgIs(index, "RIGHT")) return true;
        ctx.Reply.WriteError(Errors.Syntax);
        return false;
    }

    // ---- pushes ----

    private static void Lpush(CommandContext ctx) => Push(ctx, left: true, onlyExisting: false);

    private static void Rpush(CommandContext ctx) => Push(ctx, left: false, onlyExisting: false);

    private static void Lpushx(CommandContext ctx) => Push(ctx, left: true, onlyExisting: true);

    private static void Rpushx(CommandContext ctx) => Push(ctx, left: false, onlyExisting: true);

    private static void Push(CommandContext ctx, bool left, bool onlyExisting)
    {
        var key = ctx.Arg(1);
        var db = ctx.Db;
        var value = db.GetForWrite(key);
        if (value is not ListValue list)
        {
            if (value is not null)
            {
                ctx.Reply.WriteError(Errors.WrongType);
                return;
            }
            if (onlyExisting)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
            list = NewList(ctx);
            db.Add(key.ToArray(), list);  // the lookup just found it absent
        }
        int argCount = ctx.ArgCount;
        // Elements are copied straight from the request buffer into the list's nodes.
        if (left)
        {
            for (int i = 2; i < argCount; i++) list.PushFront(ctx.Arg(i));
        }
        else
        {
            for (int i = 2; i < argCount; i++) list.PushBack(ctx.Arg(i));
        }
        ctx.Reply.WriteInteger(list.Count);
        ctx.KeyChanged(key, left ? "lpush" : "rpush");
        ctx.Keyspace.Dirty += argCount - 3;  // Redis counts every element pushed
    }

    // ---- pops ----

    private static void Lpop(CommandContext ctx) => Pop(ctx, left: true);

    private static void Rpop(CommandContext ctx) => Pop(ctx, left: false);

    private static void Pop(CommandContext ctx, bool left)
    {
        if (ctx.ArgCount > 3)
        {
            ctx.Reply.WriteError(Errors.WrongArity(ctx.Command.FullName));
            return;
        }
        long count = -1;
        if (ctx.ArgCount == 3 && (!RedisNumbers.TryParseInt64(ctx.Arg(2), out count) || count < 0))
        {
            ctx.Reply.WriteError(NotPositive);
            return;
        }
        if (TryServePop(ctx, ctx.Arg(1), left, count)) return;
        if (count < 0) ctx.Reply.WriteNull();
        else ctx.Reply.WriteNullArray();
    }

    /// <summary>
    /// Pops from the list at <paramref name="key"/> and writes the reply, counting the change as Redis does
    /// ("lpop"/"rpop" event, the key deleted with a "del" event once empty, the change counter up by the
    /// number popped). <paramref name="count"/> &lt; 0 pops one element and replies it as a bulk string (LPOP
    /// key); otherwise replies an array of up to <paramref name="count"/> elements in pop order (LPOP key count;
    /// 0 gives an empty array and changes nothing). With <paramref name="withKey"/> the reply is wrapped as
    /// [key, element] (BLPOP/BRPOP, with count &lt; 0) or [key, [elements]] (LMPOP/BLMPOP).
    /// Returns true once a reply is written: the elements, or WRONGTYPE when the key holds another type.
    /// Returns false, writing nothing, when the key is missing (or an empty list), so the caller replies its
    /// null or blocks.
    /// </summary>
    internal static bool TryServePop(CommandContext ctx, ReadOnlySpan<byte> key, bool left, long count, bool withKey = false)
    {
        var value = ctx.Db.GetForWrite(key);
        if (value is null) return false;
        if (value is not ListValue list)
        {
            ctx.Reply.WriteError(Errors.WrongType);
            return true;
        }
        if (list.Count == 0) return false;
        PopFrom(ctx, key, list, left, count, withKey);
        return true;
    }

    private static void PopFrom(CommandContext ctx, ReadOnlySpan<byte> key, ListValue list, bool left, long count, bool withKey)
    {
        var reply = ctx.Reply;
        if (count == 0)
        {
            reply.WriteArrayHeader(0);
            return;
        }
        if (withKey)
        {
            reply.WriteArrayHeader(2);
            reply.WriteBulk(key);
        }
        long popped;
        if (count < 0)
        {
            reply.WriteBulk(list.Pop(left));
            popped = 1;
        }
        else
        {
            popped = Math.Min(count, list.Count);
            reply.WriteArrayHeader(popped);
            var walk = left ? list.Walk(0) : list.Walk(-1, reverse: true);
            for (long i = 0; i < popped && walk.MoveNext(); i++) reply.WriteBulk(walk.Current);
            if (left) list.RemoveFirst(popped);
            else list.RemoveLast(popped);
        }
        ctx.KeyChanged(key, left ? "lpop" : "rpop");
        DeleteIfEmpty(ctx, key, list);
        ctx.Keyspace.Dirty += popped - 1;
    }

    private static void Lmpop(CommandContext ctx)
    {
        if (!MultiPopArguments.TryParse(ctx, 1, "LEFT", "RIGHT", out int numKeys, out bool left, out long count)) return;
        if (!TryServeMultiPop(ctx, 2, numKeys, left, count)) ctx.Reply.WriteNullArray();
    }

    /// <summary>
    /// Pops up to <paramref name="count"/> elements from the first non-empty list among the
    /// <paramref name="numKeys"/> keys starting at argument <paramref name="firstKey"/>, replying [key, [elements]]
    /// (LMPOP, BLMPOP). Returns true once a reply is written: that, or WRONGTYPE for a key of another type met
    /// before a non-empty list. Returns false, writing nothing, when every key is missing.
    /// </summary>
    internal static bool TryServeMultiPop(CommandContext ctx, int firstKey, int numKeys, bool left, long count)
    {
        var db = ctx.Db;
        for (int i = firstKey; i < firstKey + numKeys; i++)
        {
            var key = ctx.Arg(i);
            if (!ctx.MayServeFrom(key)) continue;
            var value = db.GetForWrite(key);
            if (value is null) continue;
            if (value is not ListValue list)
            {
                ctx.Reply.WriteError(Errors.WrongType);
                return true;
            }
            if (list.Count == 0) continue;
            PopFrom(ctx, key, list, left, count, withKey: true);
            return true;
        }
        return false;
    }

    // ---- moves ----

    private static void Lmove(CommandContext ctx)
    {
        if (!TryReadEnd(ctx, 3, out bool fromLeft) || !TryReadEnd(ctx, 4, out bool toLeft)) return;
        if (!TryServeMove(ctx, ctx.Arg(1), ctx.Arg(2), fromLeft, toLeft)) ctx.Reply.WriteNull();
    }

    private static void Rpoplpush(CommandContext ctx)
    {
        if (!TryServeMove(ctx, ctx.Arg(1), ctx.Arg(2), fromLeft: false, toLeft: true)) ctx.Reply.WriteNull();
    }

    /// <summary>
    /// Moves one element from an end of the list at <paramref name="source"/> to an end of the list at
    /// <paramref name="destination"/> (created if missing; the same key rotates the list) and replies it as a
    /// bulk string (LMOVE, RPOPLPUSH, BLMOVE, BRPOPLPUSH). Events as in Redis: "lpush"/"rpush" on the
    /// destination, then "lpop"/"rpop" on the source, and "del" if that emptied it; one change counted.
    /// Returns true once a reply is written: the element, or WRONGTYPE when either key holds another type
    /// (then nothing moves). Returns false, writing nothing, when the source is missing.
    /// </summary>
    internal static bool TryServeMove(CommandContext ctx, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, bool fromLeft, bool toLeft)
    {
        var db = ctx.Db;
        var sourceValue = db.GetForWrite(source);
        if (sourceValue is null) return false;
        if (sourceValue is not ListValue from)
        {
            ctx.Reply.WriteError(Errors.WrongType);
            return true;
        }
        if (from.Count == 0) return false;
        var destinationValue = db.GetForWrite(destination);
        var to = destinationValue as ListValue;
        if (destinationValue is not null && to is null)
        {
            ctx.Reply.WriteError(Errors.WrongType);
            return true;
        }
        if (to is null)
        {
            to = NewList(ctx);
            db.Add(destination.ToArray(), to);
        }
        if (ReferenceEquals(from, to))
        {
            // The popped bytes live in the list's own nodes, which the push may move: copy them out first.
            var popped = from.Pop(fromLeft);
            byte[] copy = ArrayPool<byte>.Shared.Rent(popped.Length);
            var element = copy.AsSpan(0, popped.Length);
            popped.CopyTo(element);
            to.Push(element, toLeft);
            ctx.Reply.WriteBulk(element);
            ArrayPool<byte>.Shared.Return(copy);
        }
        else
        {
            var element = from.Pop(fromLeft);
            to.Push(element, toLeft);
            ctx.Reply.WriteBulk(element);
        }
        ctx.Notify(destination, toLeft ? "lpush" : "rpush");
        ctx.KeyChanged(source, fromLeft ? "lpop" : "rpop");
        DeleteIfEmpty(ctx, source, from);
        return true;
    }

    // ---- reads ----

    private static void Llen(CommandContext ctx)
    {
        if (!TryGetList(ctx, ctx.Db.Get(ctx.Arg(1)), out var list)) return;
        ctx.Reply.WriteInteger(list?.Count ?? 0);
    }

    private static void Lindex(CommandContext ctx)
    {
        if (!TryGetList(ctx, ctx.Db.Get(ctx.Arg(1)), out var list)) return;
        if (list is null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        if (!ctx.TryGetLong(2, out long index)) return;
        if (list.TryGet(index, out var element)) ctx.Reply.WriteBulk(element);
        else ctx.Reply.WriteNull();
    }

    /// <summary>Clamps a start/stop pair as LRANGE and LTRIM do; false when the range is empty.</summary>
    private static bool TryClampRange(long length, long start, long stop, out long first, out long count)
    {
        if (start < 0) start += length;
        if (stop < 0) stop += length;
        if (start < 0) start = 0;
        first = start;
        if (start > stop || start >= length)
        {
            count = 0;
            return false;
        }
        if (stop >= length) stop = length - 1;
        count = stop - start + 1;
        return true;
    }

    private static void Lrange(CommandContext ctx)
    {
        if (!ctx.TryGetLong(2, out long start) || !ctx.TryGetLong(3, out long stop)) return;
        if (!TryGetList(ctx, ctx.Db.Get(ctx.Arg(1)), out var list)) return;
        if (list is null || !TryClampRange(list.Count, start, stop, out long first, out long count))
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }
        var reply = ctx.Reply;
        reply.WriteArrayHeader(count);
        var walk = list.Walk(first);
        for (long i = 0; i < count && walk.MoveNext(); i++) reply.WriteBulk(walk.Current);
    }

    // Scratch for LPOS match indices; commands run one at a time under the keyspace lock.
    [ThreadStatic] private static List<long>? t_positions;

    private static void Lpos(CommandContext ctx)
    {
        long rank = 1, count = -1, maxLength = 0;  // count -1: no COUNT option
        for (int j = 3; j < ctx.ArgCount; j++)
        {
            bool more = j + 1 < ctx.ArgCount;
            if (more && ctx.ArgIs(j, "RANK"))
            {
                if (!ctx.TryGetLong(++j, out rank)) return;
                if (rank == 0)
                {
                    ctx.Reply.WriteError(RankZero);
                    return;
                }
            }
            else if (more && ctx.ArgIs(j, "COUNT"))
            {
                if (!RedisNumbers.TryParseInt64(ctx.Arg(++j), out count) || count < 0)
                {
                    ctx.Reply.WriteError(CountNegative);
                    return;
                }
            }
            else if (more && ctx.ArgIs(j, "MAXLEN"))
            {
                if (!RedisNumbers.TryParseInt64(ctx.Arg(++j), out maxLength) || maxLength < 0)
                {
                    ctx.Reply.WriteError(MaxlenNegative);
                    return;
                }
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        bool fromTail = rank < 0;
        // Negating long.MinValue leaves it negative, as in Redis: then every match counts from the first.
        if (fromTail) rank = unchecked(-rank);

        if (!TryGetList(ctx, ctx.Db.Get(ctx.Arg(1)), out var list)) return;
        if (list is null)
        {
            if (count != -1) ctx.Reply.WriteArrayHeader(0);
            else ctx.Reply.WriteNull();
            return;
        }
        var element = ctx.Arg(2);
        var positions = t_positions ??= [];
        positions.Clear();
        long length = list.Count, index = 0, matches = 0, matchIndex = -1;
        var walk = fromTail ? list.Walk(-1, reverse: true) : list.Walk(0);
        while (walk.MoveNext() && (maxLength == 0 || index < maxLength))
        {
            if (walk.Current.SequenceEqual(element))
            {
                matches++;
                matchIndex = fromTail ? length - index - 1 : index;
                if (matches >= rank)
                {
                    if (count == -1) break;
                    positions.Add(matchIndex);
                    if (count != 0 && unchecked(matches - rank + 1) >= count) break;
                }
            }
            index++;
            matchIndex = -1;
        }
        if (count == -1)
        {
            if (matchIndex != -1) ctx.Reply.WriteInteger(matchIndex);
            else ctx.Reply.WriteNull();
            return;
        }
        ctx.Reply.WriteArrayHeader(positions.Count);
        foreach (long position in positions) ctx.Reply.WriteInteger(position);
        positions.Clear();
    }

    // ---- edits ----

    private static void Lset(CommandContext ctx)
    {
        var key = ctx.Arg(1);
        var value = ctx.Db.GetForWrite(key);
        if (value is null)
        {
            ctx.Reply.WriteError(Errors.NoSuchKey);
            return;
        }
        if (!TryGetList(ctx, value, out var list) || !ctx.TryGetLong(2, out long index)) return;
        if (!list!.TrySet(index, ctx.Arg(3)))
        {
            ctx.Reply.WriteError(IndexOutOfRange);
            return;
        }
        ctx.KeyChanged(key, "lset");
        ctx.Reply.WriteOk();
    }

    private static void Linsert(CommandContext ctx)
    {
        bool after = ctx.ArgIs(2, "AFTER");
        if (!after && !ctx.ArgIs(2, "BEFORE"))
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        var key = ctx.Arg(1);
        if (!TryGetList(ctx, ctx.Db.GetForWrite(key), out var list)) return;
        if (list is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        if (!list.Insert(ctx.Arg(3), ctx.Arg(4), after))
        {
            ctx.Reply.WriteInteger(-1);
            return;
        }
        ctx.KeyChanged(key, "linsert");
        ctx.Reply.WriteInteger(list.Count);
    }

    private static void Lrem(CommandContext ctx)
    {
        if (!ctx.TryGetLong(2, out long count)) return;
        var key = ctx.Arg(1);
        if (!TryGetList(ctx, ctx.Db.GetForWrite(key), out var list)) return;
        if (list is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        // A negative count removes from the tail; negating long.MinValue leaves it negative, which removes all, as in Redis.
        long removed = list.Remove(ctx.Arg(3), count < 0 ? unchecked(-count) : count, fromTail: count < 0);
        if (removed > 0)
        {
            ctx.KeyChanged(key, "lrem");
            ctx.Keyspace.Dirty += removed - 1;  // one per element removed
            DeleteIfEmpty(ctx, key, list);
        }
        ctx.Reply.WriteInteger(removed);
    }

    private static void Ltrim(CommandContext ctx)
    {
        if (!ctx.TryGetLong(2, out long start) || !ctx.TryGetLong(3, out long stop)) return;
        var key = ctx.Arg(1);
        if (!TryGetList(ctx, ctx.Db.GetForWrite(key), out var list)) return;
        if (list is null)
        {
            ctx.Reply.WriteOk();
            return;
        }
        long length = list.Count;
        long dropFront = length, dropBack = 0;
        if (TryClampRange(length, start, stop, out long first, out long count))
        {
            dropFront = first;
            dropBack = length - first - count;
        }
        list.RemoveFirst(dropFront);
        list.RemoveLast(dropBack);
        // Redis sends the event and counts one change per element removed, even when none was.
        ctx.KeyChanged(key, "ltrim");
        ctx.Keyspace.Dirty += dropFront + dropBack - 1;
        DeleteIfEmpty(ctx, key, list);
        ctx.Reply.WriteOk();
    }
}
