namespace Spinel.Commands;

/// <summary>The arguments SCAN, HSCAN and SSCAN share: a cursor, then COUNT and MATCH (and TYPE for SCAN).</summary>
internal static class ScanArguments
{
    /// <summary>Reads the cursor at <paramref name="arg"/>; on failure replies Redis's "invalid cursor" error.</summary>
    public static bool TryReadCursor(CommandContext ctx, int arg, out ulong cursor)
    {
        if (TryParseCursor(ctx.Arg(arg), out cursor)) return true;
        ctx.Reply.WriteError("ERR invalid cursor");
        return false;
    }

    /// <summary>Parses a cursor like C's strtoul in base 10, as Redis does: an optional sign ("-1" wraps), no leading space, nothing after the digits; "" is 0.</summary>
    public static bool TryParseCursor(ReadOnlySpan<byte> text, out ulong cursor)
    {
        cursor = 0;
        int i = 0;
        bool negative = false;
        if (text.Length > 0 && (text[0] == (byte)'+' || text[0] == (byte)'-'))
        {
            negative = text[0] == (byte)'-';
            i = 1;
        }
        int digitsStart = i;
        for (; i < text.Length; i++)
        {
            uint d = (uint)(text[i] - '0');
            if (d > 9) return false;
            if (cursor > (ulong.MaxValue - d) / 10) return false;
            cursor = cursor * 10 + d;
        }
        // strtoul parses nothing from a bare sign, leaving it unconsumed.
        if (i == digitsStart && digitsStart > 0) return false;
        if (negative) cursor = unchecked(0UL - cursor);
        return true;
    }

    /// <summary>
    /// Reads COUNT / MATCH (/ TYPE when <paramref name="allowType"/>) from argument <paramref name="first"/> on;
    /// on a bad option replies the error and returns false. A MATCH of "*" is dropped (-1): Redis skips
    /// matching for it, which also keeps an empty key or field.
    /// </summary>
    public static bool TryReadOptions(CommandContext ctx, int first, bool allowType, out long count, out int patternArg, out int typeArg)
    {
        count = 10;
        patternArg = typeArg = -1;
        for (int i = first; i < ctx.ArgCount; i++)
        {
            bool hasValue = i + 1 < ctx.ArgCount;
            if (hasValue && ctx.ArgIs(i, "COUNT"))
            {
                if (!ctx.TryGetLong(++i, out count)) return false;
                if (count < 1)
                {
                    ctx.Reply.WriteError(Errors.Syntax);
                    return false;
                }
            }
            else if (hasValue && ctx.ArgIs(i, "MATCH")) patternArg = ++i;
            else if (allowType && hasValue && ctx.ArgIs(i, "TYPE")) typeArg = ++i;
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return false;
            }
        }
        if (patternArg > 0 && ctx.Arg(patternArg) is [(byte)'*']) patternArg = -1;
        return true;
    }

    /// <summary>The reply of a scan over a missing key: cursor 0, no elements.</summary>
    public static void WriteEmpty(CommandContext ctx)
    {
        ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulk("0"u8);
        ctx.Reply.WriteArrayHeader(0);
    }
}
