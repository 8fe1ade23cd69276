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
    /// The field's new value after SET or INCRBY under the operation's overflow mode; false when FAIL refuses it.
    /// The sum is exact (128-bit); an unsigned SET takes its argument as a 64-bit unsigned number, so -1 is
    /// an overflow (saturating to the maximum), as in Redis.
    /// </summary>
    private static bool TryApply(in Operation op, long old, out long updated)
    {
        Int128 exact = op.Kind == OpKind.Incrby ? (Int128)old + op.Value
            : op.Signed ? op.Value : (Int128)(ulong)op.Value;
        Int128 max = op.Signed ? (Int128.One << (op.Bits - 1)) - 1 : (Int128.One << op.Bits) - 1;
        Int128 min = op.Signed ? -(Int128.One << (op.Bits - 1)) : Int128.Zero;
        if (exact >= min && exact <= max)
        {
            updated = (long)exact;
            return true;
        }
        switch (op.Overflow)
        {
            case Overflow.Sat:
                updated = (long)(exact > max ? max : min);
                return true;
            case Overflow.Wrap:
                ulong low = ulong.CreateTruncating(exact);
                updated = op.Signed ? SignExtend(low, op.Bits) : (long)(low & (ulong.MaxValue >> (64 - op.Bits)));
                return true;
            default:
                updated = 0;
                return false;
        }
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
