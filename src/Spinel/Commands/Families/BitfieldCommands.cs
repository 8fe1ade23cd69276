using Spinel.Storage;
using Spinel.Util;

namespace Spinel.Commands.Families;

/// <summary>
/// BITFIELD and BITFIELD_RO: integer fields of 1..64 bits (signed) or 1..63 bits (unsigned) at any bit
/// offset of a string. Every operation is parsed before any runs; then the string is grown once to the
/// highest bit any SET/INCRBY writes, and the operations run in order.
/// </summary>
public static class BitfieldCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("bitfield", -2, "write denyoom", "@bitmap", Bitfield, "RW UPDATE ACCESS VARIABLE_FLAGS: index 1 range 0 1 0 | This command allows both access and modification of the key") { Group = "bitmap", Since = "3.2.0" },
        new("bitfield_ro", -2, "readonly fast", "@bitmap", BitfieldRo, "RO ACCESS: index 1 range 0 1 0") { Group = "bitmap", Since = "6.0.0" },
    ];

    private const string InvalidType = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
    private const string InvalidOverflow = "ERR Invalid OVERFLOW type specified";
    private const string ReadOnlyOnlyGet = "ERR BITFIELD_RO only supports the GET subcommand";

    private enum OpKind : byte
    {
        Get,
        Set,
        Incrby,
    }

    /// <summary>What OVERFLOW chose for the operations after it.</summary>
    private enum Overflow : byte
    {
        Wrap,
        Sat,
        Fail,
    }

    private struct Operation
    {
        public long Offset;
        public long Value;
        public OpKind Kind;
        public Overflow Overflow;
        public byte Bits;
        public bool Signed;
    }

    private static void Bitfield(CommandContext ctx) => Run(ctx, readOnlyCommand: false);

    private static void BitfieldRo(CommandContext ctx) => Run(ctx, readOnlyCommand: true);

    private static void Run(CommandContext ctx, bool readOnlyCommand)
    {
        // Every operation takes at least three arguments.
        int maxOps = (ctx.ArgCount - 2) / 3;
        Span<Operation> ops = maxOps <= 16 ? stackalloc Operation[16] : new Operation[maxOps];
        int count = 0;
        var overflow = Overflow.Wrap;
        bool readOnly = true;
        long highestWrite = 0;
        for (int j = 2; j < ctx.ArgCount; j++)
        {
            int remaining = ctx.ArgCount - j - 1;
            var word = ctx.Arg(j);
            OpKind kind;
            if (BitmapCommands.WordIs(word, "get") && remaining >= 2) kind = OpKind.Get;
            else if (BitmapCommands.WordIs(word, "set") && remaining >= 3) kind = OpKind.Set;
            else if (BitmapCommands.WordIs(word, "incrby") && remaining >= 3) kind = OpKind.Incrby;
            else if (BitmapCommands.WordIs(word, "overflow") && remaining >= 1)
            {
                var mode = ctx.Arg(++j);
                if (BitmapCommands.WordIs(mode, "wrap")) overflow = Overflow.Wrap;
                else if (BitmapCommands.WordIs(mode, "sat")) overflow = Overflow.Sat;
                else if (BitmapCommands.WordIs(mode, "fail")) overflow = Overflow.Fail;
                else
                {
                    ctx.Reply.WriteError(InvalidOverflow);
                    return;
                }
                continue;
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }

            if (!TryGetType(ctx.Arg(j + 1), out bool signed, out int bits))
            {
                ctx.Reply.WriteError(InvalidType);
                return;
            }
            if (!BitmapCommands.TryGetBitOffset(ctx, j + 2, bits, out long offset)) return;
            long value = 0;
            if (kind != OpKind.Get)
            {
                readOnly = false;
                highestWrite = Math.Max(highestWrite, offset + bits - 1);
                if (!ctx.TryGetLong(j + 3, out value)) return;
            }
            ops[count++] = new Operation { Offset = offset, Value = value, Kind = kind, Overflow = overflow, Bits = (byte)bits, Signed = signed };
            j += kind == OpKind.Get ? 2 : 3;
        }

        StringBuffer? buffer = null;
        bool resized = false;
        ReadOnlySpan<byte> readBytes = default;
        if (readOnly)
        {
            // Reading a missing key reads zeros and creates nothing.
            var value = ctx.Db.Get(ctx.Arg(1));
            if (value is not null && !Values.TryGetString(value, out readBytes))
            {
                ctx.Reply.WriteError(Errors.WrongType);
                return;
            }
        }
        else
        {
            if (readOnlyCommand)
            {
                ctx.Reply.WriteError(ReadOnlyOnlyGet);
                return;
            }
            buffer = BitmapCommands.StringForBitWrite(ctx, highestWrite, out resized);
            if (buffer is null) return;
        }

        ctx.Reply.WriteArrayHeader(count);
        long changes = 0;
        foreach (ref readonly var op in ops[..count])
        {
            var bytes = buffer is null ? readBytes : buffer.Span;
            ulong raw = BitOps.ReadBits(bytes, op.Offset, op.Bits);
            long old = op.Signed ? SignExtend(raw, op.Bits) : (long)raw;
            if (op.Kind == OpKind.Get)
            {
                ctx.Reply.WriteInteger(old);
                continue;
            }
            if (!TryApply(op, old, out long updated))
            {
                ctx.Reply.WriteNull();
                continue;
            }
            BitOps.WriteBits(buffer!.Span, op.Offset, op.Bits, (ulong)updated);
            ctx.Reply.WriteInteger(op.Kind == OpKind.Set ? old : updated);
            // As in Redis: a write counts when it changed the field, or when the string was created or grown.
            if (resized || old != updated) changes++;
        }
        if (changes > 0)
        {
            ctx.KeyChanged(ctx.Arg(1), "setbit");
            ctx.Keyspace.Dirty += changes - 1;
        }
    }

    /// <summary>
    /// The field's new value after SET (value + 0) or INCRBY (old + increment) under the operation's overflow
    /// mode; false when FAIL refuses it. The range check is Redis's, in wrapping 64-bit arithmetic, quirks
    /// included: an unsigned SET takes its argument as unsigned (so -1 overflows, saturating to the maximum),
    /// and a signed SET far enough below the minimum that max - value wraps counts as an overflow upward.
    /// </summary>
    private static bool TryApply(in Operation op, long old, out long updated)
    {
        bool set = op.Kind == OpKind.Set;
        long increment = set ? 0 : op.Value;
        int direction = op.Signed
            ? SignedOverflow(set ? op.Value : old, increment, op.Bits, out long max, out long min)
            : UnsignedOverflow(set ? (ulong)op.Value : (ulong)old, increment, op.Bits, out max, out min);
        if (direction == 0)
        {
            updated = unchecked((set ? op.Value : old) + increment);
            return true;
        }
        switch (op.Overflow)
        {
            case Overflow.Sat:
                updated = direction > 0 ? max : min;
                return true;
            case Overflow.Wrap:
                ulong sum = unchecked((ulong)(set ? op.Value : old) + (ulong)increment);
                updated = op.Signed ? SignExtend(sum, op.Bits) : (long)(sum & (ulong.MaxValue >> (64 - op.Bits)));
                return true;
            default:
                updated = 0;
                return false;
        }
    }

    /// <summary>+1 when value + increment is above the signed range of <paramref name="bits"/>, -1 below, 0 inside.</summary>
    private static int SignedOverflow(long value, long increment, int bits, out long max, out long min)
    {
        max = bits == 64 ? long.MaxValue : (1L << (bits - 1)) - 1;
        min = -max - 1;
        long maxIncrement = unchecked((long)((ulong)max - (ulong)value));
        long minIncrement = unchecked(min - value);
        if (value > max || (bits != 64 && increment > maxIncrement) || (value >= 0 && increment > 0 && increment > maxIncrement)) return 1;
        if (value < min || (bits != 64 && increment < minIncrement) || (value < 0 && increment < 0 && increment < minIncrement)) return -1;
        return 0;
    }

    /// <summary>+1 when value + increment is above the unsigned range of <paramref name="bits"/>, -1 below zero, 0 inside.</summary>
    private static int UnsignedOverflow(ulong value, long increment, int bits, out long max, out long min)
    {
        ulong umax = (1UL << bits) - 1;
        max = (long)umax;
        min = 0;
        long maxIncrement = unchecked((long)(umax - value));
        long minIncrement = unchecked(-(long)value);
        if (value > umax || (increment > 0 && increment > maxIncrement)) return 1;
        if (increment < 0 && increment < minIncrement) return -1;
        return 0;
    }

    private static long SignExtend(ulong value, int bits) => (long)(value << (64 - bits)) >> (64 - bits);

    /// <summary>
    /// "i1".."i64" or "u1".."u63"; the prefix is case-sensitive and, as in Redis (which reads a C string),
    /// the type ends at a NUL byte.
    /// </summary>
    private static bool TryGetType(ReadOnlySpan<byte> text, out bool signed, out int bits)
    {
        int nul = text.IndexOf((byte)0);
        if (nul >= 0) text = text[..nul];
        signed = false;
        bits = 0;
        if (text.IsEmpty || (text[0] != (byte)'i' && text[0] != (byte)'u')) return false;
        signed = text[0] == (byte)'i';
        if (!RedisNumbers.TryParseInt64(text[1..], out long n) || n < 1 || n > (signed ? 64 : 63)) return false;
        bits = (int)n;
        return true;
    }
}
