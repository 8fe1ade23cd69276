using Spinel.Storage;

namespace Spinel.Commands.Families;

/// <summary>
/// The hyperloglog group. An HLL is a plain string in Redis's byte format (<see cref="HyperLogLog"/>), so GET,
/// SET, DUMP-free copies between servers and every string command see the same bytes as in Redis. Commands that
/// change one (including PFCOUNT when it refreshes the cached cardinality) first make the key own a
/// <see cref="StringBuffer"/>, as Redis unshares the string, and then edit it in place.
/// </summary>
public static class HyperLogLogCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("pfadd", -2, "write denyoom fast", "@hyperloglog", Pfadd, "RW INSERT: index 1 range 0 1 0") { Group = "hyperloglog", Since = "2.8.9" },
        // 7.0 flags PFCOUNT readonly only (7.2 adds may_replicate), though it may rewrite the cached cardinality.
        new("pfcount", -2, "readonly", "@hyperloglog", Pfcount, "RW ACCESS: index 1 range -1 1 0 | RW because it may change the internal representation of the key, and propagate to replicas") { Group = "hyperloglog", Since = "2.8.9" },
        new("pfmerge", -2, "write denyoom", "@hyperloglog", Pfmerge, "RW ACCESS INSERT: index 1 range 0 1 0", "RO ACCESS: index 2 range -1 1 0") { Group = "hyperloglog", Since = "2.8.9" },
        new("pfdebug", 3, "write denyoom admin", "@hyperloglog", Pfdebug, "RW ACCESS: index 2 range 0 1 0") { Group = "hyperloglog", Since = "2.8.9", DocFlags = ["syscmd"] },
        new("pfselftest", 1, "admin", "@hyperloglog", Pfselftest) { Group = "hyperloglog", Since = "2.8.9", DocFlags = ["syscmd"] },
    ];

    private const string NotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
    private const string Corrupt = "INVALIDOBJ Corrupted HLL object detected";

    private static void Pfadd(CommandContext ctx)
    {
        var db = ctx.Db;
        var key = ctx.Arg(1);
        var value = db.GetForWrite(key);
        long updated = 0;
        StringBuffer hll;
        if (value is null)
        {
            var empty = HyperLogLog.CreateEmpty();
            hll = new StringBuffer(empty, empty.Length + HyperLogLogSparse.SetHeadroom);
            db.Set(key, hll);
            updated++;
        }
        else
        {
            if (!CheckHll(ctx, value)) return;
            hll = Unshare(db, key, value);
        }

        long maxBytes = ctx.Server.Config.HllSparseMaxBytes;
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            int count = HyperLogLogHash.Pattern(ctx.Arg(i), out int index);
            int result = SetRegister(hll, index, count, maxBytes);
            if (result < 0)
            {
                // Like Redis: registers already raised stay raised, but nothing is signalled or counted.
                ctx.Reply.WriteError(Corrupt);
                return;
            }
            updated += result;
        }
        if (updated > 0)
        {
            HyperLogLog.InvalidateCache(hll.Span);
            // Redis counts one change per raised register (and one for creating the key).
            ctx.Keyspace.Dirty += updated - 1;
            ctx.KeyChanged(key, "pfadd");
        }
        ctx.Reply.WriteInteger(updated > 0 ? 1 : 0);
    }

    private static void Pfcount(CommandContext ctx)
    {
        var db = ctx.Db;
        if (ctx.ArgCount > 2)
        {
            // Several keys: the union's registers in a scratch set, never cached.
            Span<byte> max = stackalloc byte[HyperLogLog.Registers];
            max.Clear();
            for (int i = 1; i < ctx.ArgCount; i++)
            {
                var value = db.Get(ctx.Arg(i));
                if (value is null) continue;
                if (!CheckHll(ctx, value)) return;
                if (!HyperLogLog.TryMergeInto(Bytes(value, out byte terminator), max, terminator))
                {
                    ctx.Reply.WriteError(Corrupt);
                    return;
                }
            }
            ctx.Reply.WriteInteger(unchecked((long)HyperLogLog.CountRaw(max)));
            return;
        }

        var key = ctx.Arg(1);
        var found = db.Get(key);
        if (found is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        if (!CheckHll(ctx, found)) return;
        var buffer = Unshare(db, key, found);
        var hll = buffer.Span;
        ulong cardinality;
        if (HyperLogLog.IsCacheValid(hll)) cardinality = HyperLogLog.CachedCardinality(hll);
        else
        {
            if (!HyperLogLog.TryCount(hll, out cardinality, Terminator(buffer)))
            {
                ctx.Reply.WriteError(Corrupt);
                return;
            }
            HyperLogLog.SetCachedCardinality(hll, cardinality);
            // The value changed (Redis propagates it), but no keyspace event is raised for a cache refresh.
            ctx.Keyspace.Dirty++;
        }
        ctx.Reply.WriteInteger(unchecked((long)cardinality));
    }

    private static void Pfmerge(CommandContext ctx)
    {
        var db = ctx.Db;
        Span<byte> max = stackalloc byte[HyperLogLog.Registers];
        max.Clear();
        bool anyDense = false;
        // The destination (argument 1) is merged too, as in Redis.
        for (int i = 1; i < ctx.ArgCount; i++)
        {
            var value = db.Get(ctx.Arg(i));
            if (value is null) continue;
            if (!CheckHll(ctx, value)) return;
            var bytes = Bytes(value, out byte terminator);
            // One dense input makes the destination dense from the start: cheaper than promoting it later.
            anyDense |= HyperLogLog.IsDense(bytes);
            if (!HyperLogLog.TryMergeInto(bytes, max, terminator))
            {
                ctx.Reply.WriteError(Corrupt);
                return;
            }
        }

        var key = ctx.Arg(1);
        var existing = db.GetForWrite(key);
        StringBuffer hll;
        if (existing is null)
        {
            var empty = HyperLogLog.CreateEmpty();
            hll = new StringBuffer(empty, empty.Length + HyperLogLogSparse.SetHeadroom);
            db.Set(key, hll);
        }
        else hll = Unshare(db, key, existing);
        if (anyDense && !HyperLogLog.IsDense(hll.Span) && !Promote(hll))
        {
            ctx.Reply.WriteError(Corrupt);
            return;
        }

        // Registers are written in index order, one by one: a sparse destination then ends in Redis's bytes.
        long maxBytes = ctx.Server.Config.HllSparseMaxBytes;
        for (int j = 0; j < HyperLogLog.Registers; j++)
        {
            if (max[j] != 0) SetRegister(hll, j, max[j], maxBytes);
        }
        HyperLogLog.InvalidateCache(hll.Span);
        ctx.KeyChanged(key, "pfadd");
        ctx.Reply.WriteOk();
    }

    private static void Pfdebug(CommandContext ctx)
    {
        var db = ctx.Db;
        var key = ctx.Arg(2);
        var value = db.GetForWrite(key);
        if (value is null)
        {
            ctx.Reply.WriteError("ERR The specified key does not exist");
            return;
        }
        if (!CheckHll(ctx, value)) return;
        var hll = Unshare(db, key, value);

        if (ctx.ArgIs(1, "GETREG"))
        {
            if (!ToDense(ctx, hll, out _)) return;
            var registers = hll.Span[HyperLogLog.HeaderSize..];
            ctx.Reply.WriteArrayHeader(HyperLogLog.Registers);
            for (int j = 0; j < HyperLogLog.Registers; j++) ctx.Reply.WriteInteger(HyperLogLog.GetDense(registers, j));
        }
        else if (ctx.ArgIs(1, "DECODE"))
        {
            if (HyperLogLog.IsDense(hll.Span)) ctx.Reply.WriteError("ERR HLL encoding is not sparse");
            else ctx.Reply.WriteBulk(HyperLogLogSparse.Decode(hll.Span, Terminator(hll)));
        }
        else if (ctx.ArgIs(1, "ENCODING"))
        {
            ctx.Reply.WriteSimpleString(HyperLogLog.IsDense(hll.Span) ? "dense" : "sparse");
        }
        else if (ctx.ArgIs(1, "TODENSE"))
        {
            if (ToDense(ctx, hll, out bool converted)) ctx.Reply.WriteInteger(converted ? 1 : 0);
        }
        else ctx.Reply.WriteError($"ERR Unknown PFDEBUG subcommand '{ctx.ArgString(1)}'");
    }

    /// <summary>PFDEBUG's conversion: counted as a change (Redis propagates it) but not signalled.</summary>
    private static bool ToDense(CommandContext ctx, StringBuffer hll, out bool converted)
    {
        converted = false;
        if (HyperLogLog.IsDense(hll.Span)) return true;
        if (!Promote(hll))
        {
            ctx.Reply.WriteError(Corrupt);
            return false;
        }
        converted = true;
        ctx.Keyspace.Dirty++;
        return true;
    }

    private static void Pfselftest(CommandContext ctx)
    {
        if (HyperLogLogSelfTest.Run() is { } failure) ctx.Reply.WriteError("TESTFAILED " + failure);
        else ctx.Reply.WriteOk();
    }

    // ---- helpers ----

    /// <summary>True for a string Redis accepts as an HLL; otherwise replies WRONGTYPE (with the HLL wording for strings).</summary>
    private static bool CheckHll(CommandContext ctx, object value)
    {
        if (!Values.TryGetString(value, out var bytes))
        {
            ctx.Reply.WriteError(Errors.WrongType);
            return false;
        }
        if (HyperLogLog.IsValid(bytes)) return true;
        ctx.Reply.WriteError(NotHll);
        return false;
    }

    /// <summary>The bytes of a string value and the byte Redis would find after them (see <see cref="HyperLogLogSparse.Read"/>).</summary>
    private static ReadOnlySpan<byte> Bytes(object value, out byte terminator)
    {
        if (value is StringBuffer buffer)
        {
            terminator = Terminator(buffer);
            return buffer.Span;
        }
        terminator = 0;
        return (byte[])value;
    }

    /// <summary>
    /// The byte after a buffer's content, standing for Redis's NUL terminator: zero, except where an edit of a
    /// corrupt sparse HLL wrote into it (as Redis would).
    /// </summary>
    private static byte Terminator(StringBuffer buffer) => buffer.Length < buffer.Data.Length ? buffer.Data[buffer.Length] : (byte)0;

    /// <summary>The key's value as a buffer only it holds, so it can be edited in place (a byte[] may be shared).</summary>
    private static StringBuffer Unshare(Database db, ReadOnlySpan<byte> key, object value)
    {
        if (value is StringBuffer buffer) return buffer;
        var bytes = (byte[])value;
        bool sparse = !HyperLogLog.IsDense(bytes);
        buffer = new StringBuffer(bytes, bytes.Length + (sparse ? HyperLogLogSparse.SetHeadroom : 0));
        db.Set(key, buffer, keepTtl: true);
        return buffer;
    }

    /// <summary>Raises one register: 1 when it changed, 0 when not, -1 when the sparse body is corrupt.</summary>
    private static int SetRegister(StringBuffer hll, int index, int count, long maxBytes)
    {
        if (HyperLogLog.IsDense(hll.Span)) return HyperLogLog.UpdateDense(hll.Span[HyperLogLog.HeaderSize..], index, count) ? 1 : 0;
        if (hll.Data.Length < hll.Length + HyperLogLogSparse.SetHeadroom)
        {
            Array.Resize(ref hll.Data, Math.Max(hll.Length + HyperLogLogSparse.SetHeadroom, hll.Length + hll.Length / 2));
        }
        switch (HyperLogLogSparse.Set(hll.Data, ref hll.Length, index, count, maxBytes))
        {
            case SparseSetResult.Unchanged: return 0;
            case SparseSetResult.Updated: return 1;
            case SparseSetResult.Corrupt: return -1;
        }
        if (!Promote(hll)) return -1;
        // Promotion only happens for a register that needs raising.
        HyperLogLog.UpdateDense(hll.Span[HyperLogLog.HeaderSize..], index, count);
        return 1;
    }

    /// <summary>Converts a sparse HLL to dense in place; false (nothing changed) when the sparse body is corrupt.</summary>
    private static bool Promote(StringBuffer hll)
    {
        var dense = new byte[HyperLogLog.DenseSize];
        if (!HyperLogLog.TrySparseToDense(hll.Span, dense, Terminator(hll))) return false;
        hll.Data = dense;
        hll.Length = dense.Length;
        return true;
    }
}
