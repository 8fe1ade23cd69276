using Spinel.Storage;
using Spinel.Util;

namespace Spinel.Commands.Families;

/// <summary>
/// The bitmap group over string values: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP (BITFIELD is in
/// <see cref="BitfieldCommands"/>). Writes turn the value into a <see cref="StringBuffer"/>, which
/// OBJECT ENCODING reports as "raw", as Redis unshares the string before writing bits.
/// </summary>
public static class BitmapCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("setbit", 4, "write denyoom", "@bitmap", Setbit, "RW ACCESS UPDATE: index 1 range 0 1 0") { Group = "bitmap", Since = "2.2.0" },
        new("getbit", 3, "readonly fast", "@bitmap", Getbit, "RO ACCESS: index 1 range 0 1 0") { Group = "bitmap", Since = "2.2.0" },
        new("bitcount", -2, "readonly", "@bitmap", Bitcount, "RO ACCESS: index 1 range 0 1 0") { Group = "bitmap", Since = "2.6.0" },
        new("bitpos", -3, "readonly", "@bitmap", Bitpos, "RO ACCESS: index 1 range 0 1 0") { Group = "bitmap", Since = "2.8.7" },
        new("bitop", -4, "write denyoom", "@bitmap", Bitop, "OW UPDATE: index 2 range 0 1 0", "RO ACCESS: index 3 range -1 1 0") { Group = "bitmap", Since = "2.6.0" },
    ];

    internal const string BitOffsetError = "ERR bit offset is not an integer or out of range";
    private const string BitValueError = "ERR bit is not an integer or out of range";
    private const string BitArgumentError = "ERR The bit argument must be 1 or 0.";
    private const string BitopNotArity = "ERR BITOP NOT must be called with a single source key.";

    /// <summary>
    /// Parses a bit offset with Redis's rule: a non-negative integer whose byte lies below proto-max-bulk-len.
    /// With <paramref name="hashBits"/> &gt; 0 (BITFIELD), "#N" means N fields of that width; the product
    /// wraps like Redis's 64-bit multiplication. Arrays cap the limit a little below 2 GB.
    /// </summary>
    internal static bool TryGetBitOffset(CommandContext ctx, int index, int hashBits, out long offset)
    {
        var text = ctx.Arg(index);
        bool hash = hashBits > 0 && text.Length > 0 && text[0] == (byte)'#';
        if (RedisNumbers.TryParseInt64(hash ? text[1..] : text, out offset))
        {
            if (hash) offset = unchecked(offset * hashBits);
            long limit = Math.Min(ctx.Server.Config.ProtoMaxBulkLen, Array.MaxLength - 16);
            if (offset >= 0 && (offset >> 3) < limit) return true;
        }
        ctx.Reply.WriteError(BitOffsetError);
        return false;
    }

    /// <summary>
    /// Compares an option word as Redis's strcasecmp does: the argument ends at its first NUL byte.
    /// </summary>
    internal static bool WordIs(ReadOnlySpan<byte> arg, string word)
    {
        int nul = arg.IndexOf((byte)0);
        if (nul >= 0) arg = arg[..nul];
        if (arg.Length != word.Length) return false;
        for (int i = 0; i < arg.Length; i++)
        {
            if ((arg[i] | 0x20) != (word[i] | 0x20)) return false;
        }
        return true;
    }

    /// <summary>
    /// The string at argument 1 as a buffer that holds bit <paramref name="maxBit"/>: created or zero-extended
    /// as needed (<paramref name="resized"/> then true, which Redis counts as a change by itself). Null after
    /// replying WRONGTYPE.
    /// </summary>
    internal static StringBuffer? StringForBitWrite(CommandContext ctx, long maxBit, out bool resized)
    {
        int needed = (int)(maxBit >> 3) + 1;
        var db = ctx.Db;
        var key = ctx.Arg(1);
        var value = db.GetForWrite(key);
        if (value is null)
        {
            var created = new StringBuffer([], needed) { Length = needed };
            db.Set(key, created);
            resized = true;
            return created;
        }
        if (!Values.TryGetString(value, out var bytes))
        {
            ctx.Reply.WriteError(Errors.WrongType);
            resized = false;
            return null;
        }
        resized = needed > bytes.Length;
        return StringCommands.MutableBuffer(db, key, value, Math.Max(bytes.Length, needed));
    }

    private static void Setbit(CommandContext ctx)
    {
        if (!TryGetBitOffset(ctx, 2, 0, out long offset)) return;
        if (!RedisNumbers.TryParseInt64(ctx.Arg(3), out long on) || (on & ~1L) != 0)
        {
            ctx.Reply.WriteError(BitValueError);
            return;
        }
        if (StringForBitWrite(ctx, offset, out bool resized) is not { } buffer) return;
        bool was = BitOps.SetBit(buffer.Span, offset, on == 1);
        // Redis counts a change only when the string grew or the bit flipped.
        if (resized || was != (on == 1)) ctx.KeyChanged(ctx.Arg(1), "setbit");
        ctx.Reply.WriteInteger(was ? 1 : 0);
    }

    private static void Getbit(CommandContext ctx)
    {
        if (!TryGetBitOffset(ctx, 2, 0, out long offset)) return;
        var value = ctx.Db.Get(ctx.Arg(1));
        if (value is null) ctx.Reply.WriteInteger(0);
        else if (!Values.TryGetString(value, out var bytes)) ctx.Reply.WriteError(Errors.WrongType);
        else ctx.Reply.WriteInteger(BitOps.GetBit(bytes, offset) ? 1 : 0);
    }

    /// <summary>
    /// Turns BITCOUNT/BITPOS range arguments into an inclusive range within <paramref name="length"/> units
    /// (bytes or bits), as Redis does: negative indexes count from the end, then both are clamped.
    /// </summary>
    private static void ClampRange(ref long start, ref long end, long length)
    {
        if (start < 0) start += length;
        if (end < 0) end += length;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= length) end = length - 1;
    }

    /// <summary>Parses the BYTE|BIT unit at <paramref name="index"/>; false after a syntax error.</summary>
    private static bool TryGetUnit(CommandContext ctx, int index, out bool isBit)
    {
        isBit = WordIs(ctx.Arg(index), "bit");
        if (isBit || WordIs(ctx.Arg(index), "byte")) return true;
        ctx.Reply.WriteError(Errors.Syntax);
        return false;
    }

    /// <summary>
    /// In Redis 7.0 the key is looked up before the range is parsed: a missing key counts 0 whatever the
    /// arguments, and WRONGTYPE comes before argument errors.
    /// </summary>
    private static void Bitcount(CommandContext ctx)
    {
        var value = ctx.Db.Get(ctx.Arg(1));
        if (value is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        if (!Values.TryGetString(value, out var bytes))
        {
            ctx.Reply.WriteError(Errors.WrongType);
            return;
        }
        if (ctx.ArgCount == 2)
        {
            ctx.Reply.WriteInteger(BitOps.PopCount(bytes));
            return;
        }
        if (ctx.ArgCount is not (4 or 5))
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (!ctx.TryGetLong(2, out long start) || !ctx.TryGetLong(3, out long end)) return;
        // Both from the end and crossed: empty, decided before the unit is even read.
        if (start < 0 && end < 0 && start > end)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        bool isBit = false;
        if (ctx.ArgCount == 5 && !TryGetUnit(ctx, 4, out isBit)) return;
        ClampRange(ref start, ref end, isBit ? (long)bytes.Length << 3 : bytes.Length);
        long count = start > end ? 0
            : isBit ? BitOps.PopCount(bytes, start, end)
            : BitOps.PopCount(bytes.Slice((int)start, (int)(end - start + 1)));
        ctx.Reply.WriteInteger(count);
    }

    /// <summary>
    /// A missing key is an endless run of zeros. Past the end of a string, a clear bit is "found" at the
    /// string's end only when no end was given: an explicit range that holds no 0 answers -1.
    /// </summary>
    private static void Bitpos(CommandContext ctx)
    {
        if (!ctx.TryGetLong(2, out long bit)) return;
        if (bit is not (0 or 1))
        {
            ctx.Reply.WriteError(BitArgumentError);
            return;
        }
        var value = ctx.Db.Get(ctx.Arg(1));
        if (value is null)
        {
            ctx.Reply.WriteInteger(bit == 1 ? -1 : 0);
            return;
        }
        if (!Values.TryGetString(value, out var bytes))
        {
            ctx.Reply.WriteError(Errors.WrongType);
            return;
        }

        long start = 0, end = bytes.Length - 1;
        bool isBit = false, endGiven = false;
        if (ctx.ArgCount is 4 or 5 or 6)
        {
            if (!ctx.TryGetLong(3, out start)) return;
            if (ctx.ArgCount == 6 && !TryGetUnit(ctx, 5, out isBit)) return;
            if (ctx.ArgCount >= 5)
            {
                if (!ctx.TryGetLong(4, out end)) return;
                endGiven = true;
            }
            ClampRange(ref start, ref end, isBit ? (long)bytes.Length << 3 : bytes.Length);
        }
        else if (ctx.ArgCount != 3)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (start > end)
        {
            ctx.Reply.WriteInteger(-1);
            return;
        }
        long firstBit = isBit ? start : start << 3;
        long lastBit = isBit ? end : (end << 3) + 7;
        long found = BitOps.FindBit(bytes, firstBit, lastBit, bit == 1);
        if (found < 0 && bit == 0 && !endGiven) found = lastBit + 1;
        ctx.Reply.WriteInteger(found);
    }

    private enum BitOperation
    {
        And,
        Or,
        Xor,
        Not,
    }

    /// <summary>
    /// Missing sources are empty strings and shorter ones are zero-padded; the result is as long as the
    /// longest source. An empty result deletes the destination. The result is stored "raw", as Redis stores it.
    /// </summary>
    private static void Bitop(CommandContext ctx)
    {
        var name = ctx.Arg(1);
        BitOperation op;
        if (WordIs(name, "and")) op = BitOperation.And;
        else if (WordIs(name, "or")) op = BitOperation.Or;
        else if (WordIs(name, "xor")) op = BitOperation.Xor;
        else if (WordIs(name, "not")) op = BitOperation.Not;
        else
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (op == BitOperation.Not && ctx.ArgCount != 4)
        {
            ctx.Reply.WriteError(BitopNotArity);
            return;
        }

        var db = ctx.Db;
        int sourceCount = ctx.ArgCount - 3;
        var sources = new object?[sourceCount];
        int maxLength = 0, minLength = int.MaxValue;
        for (int j = 0; j < sourceCount; j++)
        {
            var value = db.Get(ctx.Arg(3 + j));
            ReadOnlySpan<byte> bytes = default;
            if (value is not null && !Values.TryGetString(value, out bytes))
            {
                ctx.Reply.WriteError(Errors.WrongType);
                return;
            }
            sources[j] = value;
            maxLength = Math.Max(maxLength, bytes.Length);
            minLength = Math.Min(minLength, bytes.Length);
        }

        var destination = ctx.Arg(2);
        if (maxLength == 0)
        {
            if (db.Delete(destination)) ctx.KeyChanged(destination, "del");
            ctx.Reply.WriteInteger(0);
            return;
        }
        var result = GC.AllocateUninitializedArray<byte>(maxLength);
        Compute(op, sources, minLength, result);
        db.Set(destination, new StringBuffer([], 0) { Data = result, Length = result.Length });
        ctx.KeyChanged(destination, "set");
        ctx.Reply.WriteInteger(maxLength);
    }

    private static void Compute(BitOperation op, object?[] sources, int minLength, Span<byte> result)
    {
        var first = Bytes(sources[0]);
        switch (op)
        {
            case BitOperation.Not:
                BitOps.Not(result, first);
                return;
            case BitOperation.And:
                // Past the shortest source some operand is a padding zero.
                first[..minLength].CopyTo(result);
                result[minLength..].Clear();
                for (int j = 1; j < sources.Length; j++) BitOps.AndInto(result[..minLength], Bytes(sources[j])[..minLength]);
                return;
            default:
                first.CopyTo(result);
                result[first.Length..].Clear();
                for (int j = 1; j < sources.Length; j++)
                {
                    if (op == BitOperation.Or) BitOps.OrInto(result, Bytes(sources[j]));
                    else BitOps.XorInto(result, Bytes(sources[j]));
                }
                return;
        }
    }

    private static ReadOnlySpan<byte> Bytes(object? value) => Values.TryGetString(value, out var bytes) ? bytes : default;
}
