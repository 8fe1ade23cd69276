using System.Numerics;
using Spinel.Storage;
using Spinel.Util;

namespace Spinel.Commands.Families;

/// <summary>
/// The string group. Values are byte[] (immutable, shareable) until APPEND or SETRANGE turn them into a
/// <see cref="StringBuffer"/> that grows in place; see <see cref="StringEncoding"/> for what OBJECT ENCODING reports.
/// </summary>
public static class StringCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("append", 3, "write denyoom fast", "@string", Append, "RW INSERT: index 1 range 0 1 0") { Group = "string", Since = "2.0.0" },
        new("decr", 2, "write denyoom fast", "@string", Decr, "RW ACCESS UPDATE: index 1 range 0 1 0") { Group = "string", Since = "1.0.0" },
        new("decrby", 3, "write denyoom fast", "@string", Decrby, "RW ACCESS UPDATE: index 1 range 0 1 0") { Group = "string", Since = "1.0.0" },
        new("get", 2, "readonly fast", "@string", Get, "RO ACCESS: index 1 range 0 1 0") { Group = "string", Since = "1.0.0" },
        new("getdel", 2, "write fast", "@string", Getdel, "RW ACCESS DELETE: index 1 range 0 1 0") { Group = "string", Since = "6.2.0" },
        new("getex", -2, "write fast", "@string", Getex, "RW ACCESS UPDATE: index 1 range 0 1 0 | RW and UPDATE because it changes the TTL") { Group = "string", Since = "6.2.0" },
        new("getrange", 4, "readonly", "@string", Getrange, "RO ACCESS: index 1 range 0 1 0") { Group = "string", Since = "2.4.0" },
        new("getset", 3, "write denyoom fast", "@string", Getset, "RW ACCESS UPDATE: index 1 range 0 1 0") { Group = "string", Since = "1.0.0", DocFlags = ["deprecated"], DeprecatedSince = "6.2.0", ReplacedBy = "`SET` with the `!GET` argument" },
        new("incr", 2, "write denyoom fast", "@string", Incr, "RW ACCESS UPDATE: index 1 range 0 1 0") { Group = "string", Since = "1.0.0" },
        new("incrby", 3, "write denyoom fast", "@string", Incrby, "RW ACCESS UPDATE: index 1 range 0 1 0") { Group = "string", Since = "1.0.0" },
        new("incrbyfloat", 3, "write denyoom fast", "@string", Incrbyfloat, "RW ACCESS UPDATE: index 1 range 0 1 0") { Group = "string", Since = "2.6.0" },
        new("lcs", -3, "readonly", "@string", Lcs, "RO ACCESS: index 1 range 1 1 0") { Group = "string", Since = "7.0.0" },
        new("mget", -2, "readonly fast", "@string", Mget, "RO ACCESS: index 1 range -1 1 0") { Tips = ["request_policy:multi_shard"], Group = "string", Since = "1.0.0" },
        new("mset", -3, "write denyoom", "@string", Mset, "OW UPDATE: index 1 range -1 2 0") { Tips = ["request_policy:multi_shard", "response_policy:all_succeeded"], Group = "string", Since = "1.0.1" },
        // 7.0 still declares routing tips for MSETNX (7.2 dropped them).
        new("msetnx", -3, "write denyoom", "@string", Msetnx, "OW INSERT: index 1 range -1 2 0") { Tips = ["request_policy:multi_shard", "response_policy:agg_min"], Group = "string", Since = "1.0.1" },
        new("psetex", 4, "write denyoom", "@string", Psetex, "OW UPDATE: index 1 range 0 1 0") { Group = "string", Since = "2.6.0" },
        new("set", -3, "write denyoom", "@string", Set, "RW ACCESS UPDATE VARIABLE_FLAGS: index 1 range 0 1 0 | RW and ACCESS due to the optional `GET` argument") { Group = "string", Since = "1.0.0" },
        new("setex", 4, "write denyoom", "@string", Setex, "OW UPDATE: index 1 range 0 1 0") { Group = "string", Since = "2.0.0" },
        new("setnx", 3, "write denyoom fast", "@string", Setnx, "OW INSERT: index 1 range 0 1 0") { Group = "string", Since = "1.0.0" },
        new("setrange", 4, "write denyoom", "@string", Setrange, "RW UPDATE: index 1 range 0 1 0") { Group = "string", Since = "2.2.0" },
        new("strlen", 2, "readonly fast", "@string", Strlen, "RO: index 1 range 0 1 0") { Group = "string", Since = "2.2.0" },
        new("substr", 4, "readonly", "@string", Getrange, "RO ACCESS: index 1 range 0 1 0") { Group = "string", Since = "1.0.0", DocFlags = ["deprecated"], DeprecatedSince = "2.0.0", ReplacedBy = "`GETRANGE`" },
    ];

    private const string StringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    private const string OffsetOutOfRange = "ERR offset is out of range";
    private const string DecrementOverflow = "ERR decrement would overflow";
    private const string IncrNaNOrInfinity = "ERR increment would produce NaN or Infinity";
    private const string LcsNotStrings = "ERR The specified keys must contain string values";
    private const string LcsIdxAndLen = "ERR If you want both the length and indexes, please just use IDX.";
    private const string LcsNoMemory = "ERR Insufficient memory, failed allocating transient memory for LCS";

    // ---- reads ----

    private static void Get(CommandContext ctx) => ReplyValue(ctx, ctx.Db.Get(ctx.Arg(1)));

    /// <summary>Replies with a string value or null; false (after replying WRONGTYPE) for other types.</summary>
    private static bool ReplyValue(CommandContext ctx, object? value)
    {
        if (value is null) ctx.Reply.WriteNull();
        else if (Values.TryGetString(value, out var bytes)) ctx.Reply.WriteBulk(bytes);
        else
        {
            ctx.Reply.WriteError(Errors.WrongType);
            return false;
        }
        return true;
    }

    private static void Strlen(CommandContext ctx)
    {
        var value = ctx.Db.Get(ctx.Arg(1));
        if (value is null) ctx.Reply.WriteInteger(0);
        else if (Values.TryGetString(value, out var bytes)) ctx.Reply.WriteInteger(bytes.Length);
        else ctx.Reply.WriteError(Errors.WrongType);
    }

    /// <summary>GETRANGE and SUBSTR: inclusive, negative indexes count from the end, clamped to the string.</summary>
    private static void Getrange(CommandContext ctx)
    {
        if (!ctx.TryGetLong(2, out long start) || !ctx.TryGetLong(3, out long end)) return;
        var value = ctx.Db.Get(ctx.Arg(1));
        if (value is null)
        {
            ctx.Reply.WriteBulk(ReadOnlySpan<byte>.Empty);
            return;
        }
        if (!Values.TryGetString(value, out var bytes))
        {
            ctx.Reply.WriteError(Errors.WrongType);
            return;
        }
        long length = bytes.Length;
        // Both from the end and crossed: empty, before clamping could turn them into a valid range.
        if (start < 0 && end < 0 && start > end)
        {
            ctx.Reply.WriteBulk(ReadOnlySpan<byte>.Empty);
            return;
        }
        if (start < 0) start += length;
        if (end < 0) end += length;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= length) end = length - 1;
        if (start > end || length == 0) ctx.Reply.WriteBulk(ReadOnlySpan<byte>.Empty);
        else ctx.Reply.WriteBulk(bytes.Slice((int)start, (int)(end - start + 1)));
    }

    private static void Mget(CommandContext ctx)
    {
        var db = ctx.Db;
        ctx.Reply.WriteArrayHeader(ctx.ArgCount - 1);
        for (int i = 1; i < ctx.ArgCount; i++)
        {
            // Missing keys and keys of other types both read as null.
            if (Values.TryGetString(db.Get(ctx.Arg(i)), out var bytes)) ctx.Reply.WriteBulk(bytes);
            else ctx.Reply.WriteNull();
        }
    }

    // ---- SET and its variants ----

    [Flags]
    private enum SetFlags
    {
        None = 0,
        Nx = 1,
        Xx = 2,
        Get = 4,
        KeepTtl = 8,
        Persist = 16,
        Ex = 32,
        Px = 64,
        ExAt = 128,
        PxAt = 256,
        AnyExpire = Ex | Px | ExAt | PxAt,
    }

    private static void Set(CommandContext ctx)
    {
        if (!TryParseOptions(ctx, isSet: true, out var flags, out int expireArg)) return;
        SetGeneric(ctx, flags, 2, expireArg, integerReply: false);
    }

    private static void Setnx(CommandContext ctx) => SetGeneric(ctx, SetFlags.Nx, 2, -1, integerReply: true);

    private static void Setex(CommandContext ctx) => SetGeneric(ctx, SetFlags.Ex, 3, 2, integerReply: false);

    private static void Psetex(CommandContext ctx) => SetGeneric(ctx, SetFlags.Px, 3, 2, integerReply: false);

    /// <summary>
    /// The shared body of SET, SETNX, SETEX and PSETEX. Replies OK / null for SET and 1 / 0 for SETNX
    /// (<paramref name="integerReply"/>); with GET it replies the old value instead.
    /// </summary>
    private static void SetGeneric(CommandContext ctx, SetFlags flags, int valueArg, int expireArg, bool integerReply)
    {
        long deadline = -1;
        if (expireArg > 0 && !TryGetDeadline(ctx, expireArg, flags, out deadline)) return;

        var db = ctx.Db;
        var key = ctx.Arg(1);
        object? old;
        if ((flags & SetFlags.Get) != 0)
        {
            // GET reads like the GET command (hit/miss counted) and fails on other types before writing.
            old = db.Get(key);
            if (!ReplyValue(ctx, old)) return;
        }
        else old = (flags & (SetFlags.Nx | SetFlags.Xx)) != 0 ? db.GetForWrite(key) : null;

        if (((flags & SetFlags.Nx) != 0 && old is not null) || ((flags & SetFlags.Xx) != 0 && old is null))
        {
            if ((flags & SetFlags.Get) != 0) return;
            if (integerReply) ctx.Reply.WriteInteger(0);
            else ctx.Reply.WriteNull();
            return;
        }

        db.Set(key, ctx.Args.ToValueArray(valueArg), keepTtl: (flags & SetFlags.KeepTtl) != 0);
        ctx.KeyChanged(key, "set");
        if (deadline >= 0)
        {
            db.SetExpire(key, deadline);
            ctx.Notify(key, "expire");
        }
        if ((flags & SetFlags.Get) != 0) return;
        if (integerReply) ctx.Reply.WriteInteger(1);
        else ctx.Reply.WriteOk();
    }

    /// <summary>
    /// Parses the options of SET (from argument 3) or GETEX (from argument 2), with Redis's rules: options
    /// may repeat (the last expire value wins), but conflicting ones (NX with XX, two different expire
    /// units, KEEPTTL or PERSIST with an expire) are a syntax error.
    /// </summary>
    private static bool TryParseOptions(CommandContext ctx, bool isSet, out SetFlags flags, out int expireArg)
    {
        flags = SetFlags.None;
        expireArg = -1;
        for (int i = isSet ? 3 : 2; i < ctx.ArgCount; i++)
        {
            bool hasNext = i + 1 < ctx.ArgCount;
            SetFlags unit;
            if (isSet && ctx.ArgIs(i, "NX") && (flags & SetFlags.Xx) == 0) flags |= SetFlags.Nx;
            else if (isSet && ctx.ArgIs(i, "XX") && (flags & SetFlags.Nx) == 0) flags |= SetFlags.Xx;
            else if (isSet && ctx.ArgIs(i, "GET")) flags |= SetFlags.Get;
            else if (isSet && ctx.ArgIs(i, "KEEPTTL") && (flags & SetFlags.AnyExpire) == 0) flags |= SetFlags.KeepTtl;
            else if (!isSet && ctx.ArgIs(i, "PERSIST") && (flags & SetFlags.AnyExpire) == 0) flags |= SetFlags.Persist;
            else if (hasNext && (unit = ExpireUnit(ctx, i)) != SetFlags.None
                && (flags & ((SetFlags.AnyExpire & ~unit) | SetFlags.KeepTtl | SetFlags.Persist)) == 0)
            {
                flags |= unit;
                expireArg = ++i;
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return false;
            }
        }
        return true;
    }

    private static SetFlags ExpireUnit(CommandContext ctx, int i) =>
        ctx.ArgIs(i, "EX") ? SetFlags.Ex
        : ctx.ArgIs(i, "PX") ? SetFlags.Px
        : ctx.ArgIs(i, "EXAT") ? SetFlags.ExAt
        : ctx.ArgIs(i, "PXAT") ? SetFlags.PxAt
        : SetFlags.None;

    /// <summary>Turns an EX/PX/EXAT/PXAT argument into an absolute deadline, with Redis's errors.</summary>
    private static bool TryGetDeadline(CommandContext ctx, int arg, SetFlags flags, out long deadline)
    {
        deadline = -1;
        if (!ctx.TryGetLong(arg, out long n)) return false;
        bool seconds = (flags & (SetFlags.Ex | SetFlags.ExAt)) != 0;
        bool relative = (flags & (SetFlags.Ex | SetFlags.Px)) != 0;
        if (n <= 0 || (seconds && n > long.MaxValue / 1000) || (relative && (seconds ? n * 1000 : n) > long.MaxValue - ctx.NowMs))
        {
            ctx.Reply.WriteError(string.Format(Errors.InvalidExpire, ctx.Command.FullName));
            return false;
        }
        deadline = (seconds ? n * 1000 : n) + (relative ? ctx.NowMs : 0);
        return true;
    }

    private static void Getset(CommandContext ctx)
    {
        var key = ctx.Arg(1);
        if (!ReplyValue(ctx, ctx.Db.Get(key))) return;
        ctx.Db.Set(key, ctx.Args.ToValueArray(2));
        ctx.KeyChanged(key, "set");
    }

    private static void Getdel(CommandContext ctx)
    {
        var key = ctx.Arg(1);
        var value = ctx.Db.Get(key);
        if (!ReplyValue(ctx, value) || value is null) return;
        ctx.Db.Delete(key);
        ctx.KeyChanged(key, "del");
    }

    private static void Getex(CommandContext ctx)
    {
        if (!TryParseOptions(ctx, isSet: false, out var flags, out int expireArg)) return;
        var db = ctx.Db;
        var key = ctx.Arg(1);
        var value = db.Get(key);
        if (value is null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        if (!Values.TryGetString(value, out var bytes))
        {
            ctx.Reply.WriteError(Errors.WrongType);
            return;
        }
        // Redis validates the expire value only once it knows the key is a string.
        long deadline = -1;
        if (expireArg > 0 && !TryGetDeadline(ctx, expireArg, flags, out deadline)) return;
        ctx.Reply.WriteBulk(bytes);

        if ((flags & (SetFlags.ExAt | SetFlags.PxAt)) != 0 && deadline <= ctx.NowMs)
        {
            // An absolute time already past deletes the key right away.
            db.Delete(key);
            ctx.KeyChanged(key, "del");
        }
        else if (deadline >= 0)
        {
            db.SetExpire(key, deadline);
            ctx.Notify(key, "expire");
        }
        else if ((flags & SetFlags.Persist) != 0 && db.Persist(key))
        {
            ctx.KeyChanged(key, "persist");
        }
    }

    private static void Mset(CommandContext ctx) => MsetGeneric(ctx, nx: false);

    private static void Msetnx(CommandContext ctx) => MsetGeneric(ctx, nx: true);

    private static void MsetGeneric(CommandContext ctx, bool nx)
    {
        if (ctx.ArgCount % 2 == 0)
        {
            ctx.Reply.WriteError(Errors.WrongArity(ctx.Command.FullName));
            return;
        }
        var db = ctx.Db;
        if (nx)
        {
            for (int i = 1; i < ctx.ArgCount; i += 2)
            {
                if (db.GetForWrite(ctx.Arg(i)) is not null)
                {
                    ctx.Reply.WriteInteger(0);
                    return;
                }
            }
        }
        for (int i = 1; i < ctx.ArgCount; i += 2)
        {
            db.Set(ctx.Arg(i), ctx.Args.ToValueArray(i + 1));
            ctx.KeyChanged(ctx.Arg(i), "set");
        }
        if (nx) ctx.Reply.WriteInteger(1);
        else ctx.Reply.WriteOk();
    }

    // ---- in-place edits: APPEND, SETRANGE ----

    /// <summary>Checks that <paramref name="start"/> + <paramref name="extra"/> bytes fit proto-max-bulk-len (and an array), without overflowing.</summary>
    private static bool CheckLength(CommandContext ctx, long start, int extra)
    {
        if (start <= Math.Min(ctx.Server.Config.ProtoMaxBulkLen, Array.MaxLength) - extra) return true;
        ctx.Reply.WriteError(StringTooLong);
        return false;
    }

    /// <summary>
    /// The key's value as a mutable buffer of at least <paramref name="length"/> bytes: an existing
    /// StringBuffer grows in place; an immutable byte[] is copied once into a new one with spare room.
    /// </summary>
    internal static StringBuffer MutableBuffer(Database db, ReadOnlySpan<byte> key, object value, int length)
    {
        if (value is StringBuffer buffer)
        {
            buffer.EnsureLength(length);
            return buffer;
        }
        var bytes = (byte[])value;
        // When growing, leave room as StringBuffer.EnsureLength would, so the next APPEND does not copy again.
        int capacity = length <= bytes.Length ? bytes.Length
            : (int)Math.Min(length < 1024 * 1024 ? (long)length * 2 : (long)length + 1024 * 1024, Array.MaxLength);
        buffer = new StringBuffer(bytes, capacity);
        buffer.EnsureLength(length);
        db.Set(key, buffer, keepTtl: true);
        return buffer;
    }

    private static void Append(CommandContext ctx)
    {
        var db = ctx.Db;
        var key = ctx.Arg(1);
        var suffix = ctx.Arg(2);
        var value = db.GetForWrite(key);
        if (value is null)
        {
            db.Set(key, suffix.ToArray());
            ctx.KeyChanged(key, "append");
            ctx.Reply.WriteInteger(suffix.Length);
            return;
        }
        if (!Values.TryGetString(value, out var bytes))
        {
            ctx.Reply.WriteError(Errors.WrongType);
            return;
        }
        int oldLength = bytes.Length;
        if (!CheckLength(ctx, oldLength, suffix.Length)) return;
        var buffer = MutableBuffer(db, key, value, oldLength + suffix.Length);
        suffix.CopyTo(buffer.Data.AsSpan(oldLength));
        ctx.KeyChanged(key, "append");
        ctx.Reply.WriteInteger(buffer.Length);
    }

    private static void Setrange(CommandContext ctx)
    {
        if (!ctx.TryGetLong(2, out long offset)) return;
        if (offset < 0)
        {
            ctx.Reply.WriteError(OffsetOutOfRange);
            return;
        }
        var db = ctx.Db;
        var key = ctx.Arg(1);
        var patch = ctx.Arg(3);
        var value = db.GetForWrite(key);
        StringBuffer buffer;
        if (value is null)
        {
            // Writing nothing to a missing key creates nothing.
            if (patch.IsEmpty)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
            if (!CheckLength(ctx, offset, patch.Length)) return;
            // Grown as an APPEND would grow it (with room to spare, as Redis's sdsgrowzero leaves), so a following
            // APPEND does not copy the whole string.
            buffer = new StringBuffer([], 0);
            buffer.EnsureLength((int)offset + patch.Length);
            db.Set(key, buffer);
        }
        else
        {
            if (!Values.TryGetString(value, out var bytes))
            {
                ctx.Reply.WriteError(Errors.WrongType);
                return;
            }
            if (patch.IsEmpty)
            {
                ctx.Reply.WriteInteger(bytes.Length);
                return;
            }
            if (!CheckLength(ctx, offset, patch.Length)) return;
            buffer = MutableBuffer(db, key, value, Math.Max(bytes.Length, (int)offset + patch.Length));
        }
        patch.CopyTo(buffer.Data.AsSpan((int)offset));
        ctx.KeyChanged(key, "setrange");
        ctx.Reply.WriteInteger(buffer.Length);
    }

    // ---- counters ----

    private static void Incr(CommandContext ctx) => IncrDecr(ctx, 1);

    private static void Decr(CommandContext ctx) => IncrDecr(ctx, -1);

    private static void Incrby(CommandContext ctx)
    {
        if (ctx.TryGetLong(2, out long by)) IncrDecr(ctx, by);
    }

    private static void Decrby(CommandContext ctx)
    {
        if (!ctx.TryGetLong(2, out long by)) return;
        if (by == long.MinValue)
        {
            ctx.Reply.WriteError(DecrementOverflow);
            return;
        }
        IncrDecr(ctx, -by);
    }

    private static void IncrDecr(CommandContext ctx, long by)
    {
        var db = ctx.Db;
        var key = ctx.Arg(1);
        var old = db.GetForWrite(key);
        long value = 0;
        if (old is not null)
        {
            if (!Values.TryGetString(old, out var bytes))
            {
                ctx.Reply.WriteError(Errors.WrongType);
                return;
            }
            if (!RedisNumbers.TryParseInt64(bytes, out value))
            {
                ctx.Reply.WriteError(Errors.NotInteger);
                return;
            }
        }
        if ((by < 0 && value < 0 && by < long.MinValue - value) || (by > 0 && value > 0 && by > long.MaxValue - value))
        {
            ctx.Reply.WriteError(Errors.Overflow);
            return;
        }
        value += by;
        db.Set(key, IntegerBytes(value), keepTtl: true);
        ctx.KeyChanged(key, "incrby");
        ctx.Reply.WriteInteger(value);
    }

    // Like Redis's shared integers: small counter values share one immutable array.
    private const int SharedIntegers = 10000;
    private static readonly byte[]?[] SharedIntegerBytes = new byte[SharedIntegers][];

    /// <summary>The decimal digits of a value, as a byte[] string value.</summary>
    internal static byte[] IntegerBytes(long value)
    {
        if ((ulong)value < SharedIntegers) return SharedIntegerBytes[value] ??= Format(value);
        return Format(value);

        static byte[] Format(long value)
        {
            Span<byte> digits = stackalloc byte[24];
            return digits[..RedisNumbers.FormatInt64(value, digits)].ToArray();
        }
    }

    /// <summary>INCRBYFLOAT computes in 80-bit long double, as Redis on x86-64 does, and stores the "%.17Lf"-trimmed text.</summary>
    private static void Incrbyfloat(CommandContext ctx)
    {
        var db = ctx.Db;
        var key = ctx.Arg(1);
        var old = db.GetForWrite(key);
        LongDouble value = LongDouble.Zero;
        if (old is not null)
        {
            if (!Values.TryGetString(old, out var bytes))
            {
                ctx.Reply.WriteError(Errors.WrongType);
                return;
            }
            if (!LongDouble.TryParse(bytes, out value))
            {
                ctx.Reply.WriteError(Errors.NotFloat);
                return;
            }
        }
        if (!LongDouble.TryParse(ctx.Arg(2), out var by))
        {
            ctx.Reply.WriteError(Errors.NotFloat);
            return;
        }
        if (FloatSum(ctx, value, by) is not { } result) return;
        db.Set(key, result, keepTtl: true);
        ctx.KeyChanged(key, "incrbyfloat");
        ctx.Reply.WriteBulk(result);
    }

    /// <summary>value + by as the text INCRBYFLOAT and HINCRBYFLOAT store, or null (after Redis's error) when not finite.</summary>
    internal static byte[]? FloatSum(CommandContext ctx, LongDouble value, LongDouble by)
    {
        value += by;
        if (!value.IsFinite)
        {
            ctx.Reply.WriteError(IncrNaNOrInfinity);
            return null;
        }
        Span<byte> text = stackalloc byte[LongDouble.MaxFormattedChars];
        return text[..value.Format(text)].ToArray();
    }

    // ---- LCS ----

    private static void Lcs(CommandContext ctx)
    {
        var db = ctx.Db;
        var objA = db.Get(ctx.Arg(1));
        var objB = db.Get(ctx.Arg(2));
        // Types are checked before the options are parsed; missing keys count as empty strings.
        ReadOnlySpan<byte> a = default, b = default;
        if ((objA is not null && !Values.TryGetString(objA, out a)) || (objB is not null && !Values.TryGetString(objB, out b)))
        {
            ctx.Reply.WriteError(LcsNotStrings);
            return;
        }

        bool getIdx = false, getLen = false, withMatchLen = false;
        long minMatchLen = 0;
        for (int i = 3; i < ctx.ArgCount; i++)
        {
            if (ctx.ArgIs(i, "IDX")) getIdx = true;
            else if (ctx.ArgIs(i, "LEN")) getLen = true;
            else if (ctx.ArgIs(i, "WITHMATCHLEN")) withMatchLen = true;
            else if (ctx.ArgIs(i, "MINMATCHLEN") && i + 1 < ctx.ArgCount)
            {
                if (!ctx.TryGetLong(++i, out minMatchLen)) return;
                if (minMatchLen < 0) minMatchLen = 0;
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        if (getIdx && getLen)
        {
            ctx.Reply.WriteError(LcsIdxAndLen);
            return;
        }

        // The table's cells hold LCS lengths, which never exceed the shorter string: use the narrowest type.
        // ushort is always wide enough: with both strings longer than 65535 the table cannot be allocated anyway.
        var options = new LcsOptions(getIdx, getLen, withMatchLen, minMatchLen);
        if (Math.Min(a.Length, b.Length) <= byte.MaxValue) Lcs<byte>(ctx, a, b, options);
        else Lcs<ushort>(ctx, a, b, options);
    }

    private readonly record struct LcsOptions(bool GetIdx, bool GetLen, bool WithMatchLen, long MinMatchLen);

    /// <summary>
    /// The classic O(n*m) dynamic program (dp[i, j] = LCS length of a[..i] and b[..j]), then a walk back
    /// from the end that rebuilds the subsequence and the matching ranges, last range first, as Redis does.
    /// </summary>
    private static void Lcs<T>(CommandContext ctx, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, LcsOptions options)
        where T : unmanaged, IBinaryInteger<T>
    {
        int alen = a.Length, blen = b.Length, width = blen + 1;
        long cells = (long)(alen + 1) * width;
        T[] dp;
        try
        {
            if (cells > Array.MaxLength) throw new OutOfMemoryException();
            dp = GC.AllocateUninitializedArray<T>((int)cells);
        }
        catch (OutOfMemoryException)
        {
            ctx.Reply.WriteError(LcsNoMemory);
            return;
        }
        dp.AsSpan(0, width).Clear();
        for (int i = 1; i <= alen; i++)
        {
            var row = dp.AsSpan(i * width, width);
            var above = dp.AsSpan((i - 1) * width, width);
            byte ai = a[i - 1];
            row[0] = T.Zero;
            for (int j = 1; j <= blen; j++)
                row[j] = ai == b[j - 1] ? above[j - 1] + T.One : T.Max(above[j], row[j - 1]);
        }
        int total = int.CreateTruncating(dp[alen * width + blen]);

        if (options.GetLen)
        {
            ctx.Reply.WriteInteger(total);
            return;
        }

        byte[]? result = options.GetIdx ? null : new byte[total];
        List<int>? ranges = options.GetIdx ? [] : null; // aStart, aEnd, bStart, bEnd per match
        int idx = total, ii = alen, jj = blen;
        int aStart = -1, aEnd = 0, bStart = 0, bEnd = 0;
        while (ii > 0 && jj > 0)
        {
            bool emit = false;
            if (a[ii - 1] == b[jj - 1])
            {
                if (result is not null) result[idx - 1] = a[ii - 1];
                if (aStart < 0)
                {
                    aStart = aEnd = ii - 1;
                    bStart = bEnd = jj - 1;
                }
                else if (aStart == ii && bStart == jj)
                {
                    aStart--;
                    bStart--;
                }
                else emit = true;
                if (aStart == 0 || bStart == 0) emit = true;
                idx--;
                ii--;
                jj--;
            }
            else
            {
                if (dp[(ii - 1) * width + jj] > dp[ii * width + jj - 1]) ii--;
                else jj--;
                if (aStart >= 0) emit = true;
            }
            if (emit)
            {
                int matchLen = aEnd - aStart + 1;
                if (ranges is not null && (options.MinMatchLen == 0 || matchLen >= options.MinMatchLen))
                {
                    ranges.Add(aStart);
                    ranges.Add(aEnd);
                    ranges.Add(bStart);
                    ranges.Add(bEnd);
                }
                aStart = -1;
            }
        }

        if (ranges is null)
        {
            ctx.Reply.WriteBulk(result);
            return;
        }
        var reply = ctx.Reply;
        reply.WriteMapHeader(2);
        reply.WriteBulk("matches"u8);
        reply.WriteArrayHeader(ranges.Count / 4);
        for (int r = 0; r < ranges.Count; r += 4)
        {
            reply.WriteArrayHeader(options.WithMatchLen ? 3 : 2);
            reply.WriteArrayHeader(2);
            reply.WriteInteger(ranges[r]);
            reply.WriteInteger(ranges[r + 1]);
            reply.WriteArrayHeader(2);
            reply.WriteInteger(ranges[r + 2]);
            reply.WriteInteger(ranges[r + 3]);
            if (options.WithMatchLen) reply.WriteInteger(ranges[r + 1] - ranges[r] + 1);
        }
        reply.WriteBulk("len"u8);
        reply.WriteInteger(total);
    }
}
