namespace Spinel.Scripting.Lua.Libraries;

/// <summary>
/// The conversions of Lua 5.1's string.format, producing what glibc's sprintf produces for the C format 5.1 builds
/// (integers go through a C cast to long, %c through a cast to int, and each item is cut at its first zero byte).
/// </summary>
public static class LuaStringFormat
{
    /// <summary>5.1 copies a %s argument of 100 bytes or more unformatted when the item has no precision.</summary>
    public const int LongStringLength = 100;

    /// <summary>The C cast (long)d on x86-64: out-of-range values and NaN give the "integer indefinite" value.</summary>
    public static long CastToLong(double d) =>
        d >= -9223372036854775808.0 && d < 9223372036854775808.0 ? (long)d : long.MinValue;

    /// <summary>The C cast (unsigned long)d as gcc emits it on x86-64: values from 2^63 up go through a subtraction, so 2^64 and beyond give 0.</summary>
    public static ulong CastToUnsignedLong(double d) =>
        d >= 9223372036854775808.0 ? (ulong)CastToLong(d - 9223372036854775808.0) ^ 0x8000000000000000UL : (ulong)CastToLong(d);

    /// <summary>The C cast (int)d on x86-64.</summary>
    public static int CastToInt(double d) => d > -2147483649.0 && d < 2147483648.0 ? (int)d : int.MinValue;

    /// <summary>The error for an unknown conversion; a zero byte (the format ended) prints as nothing, as in C.</summary>
    public static string InvalidOption(byte conversion) =>
        conversion == 0 ? "invalid option '%' to 'format'" : $"invalid option '%{(char)conversion}' to 'format'";

    /// <summary>Appends one numeric item (d i o u x X c e E f g G) for <paramref name="value"/>.</summary>
    public static void AppendNumber(ref LuaByteBuffer output, in LuaFormatSpec spec, double value)
    {
        switch (spec.Conversion)
        {
            case (byte)'d' or (byte)'i':
                AppendInteger(ref output, spec, CastToLong(value));
                break;
            case (byte)'o' or (byte)'u' or (byte)'x' or (byte)'X':
                AppendUnsigned(ref output, spec, CastToUnsignedLong(value));
                break;
            case (byte)'c':
                AppendChar(ref output, spec, (byte)CastToInt(value));
                break;
            default:
                AppendFloat(ref output, spec, value);
                break;
        }
    }

    public static void AppendInteger(ref LuaByteBuffer output, in LuaFormatSpec spec, long value)
    {
        Span<byte> digits = stackalloc byte[24];
        ulong magnitude = value < 0 ? (ulong)-(value + 1) + 1 : (ulong)value;
        int n = WriteDigits(digits, magnitude, 10, false);
        byte sign = value < 0 ? (byte)'-' : spec.Plus ? (byte)'+' : spec.Space ? (byte)' ' : (byte)0;
        AppendIntegerParts(ref output, spec, sign, default, digits[(digits.Length - n)..], magnitude == 0);
    }

    public static void AppendUnsigned(ref LuaByteBuffer output, in LuaFormatSpec spec, ulong value)
    {
        Span<byte> digits = stackalloc byte[24];
        byte conversion = spec.Conversion;
        int radix = conversion == (byte)'o' ? 8 : conversion == (byte)'u' ? 10 : 16;
        int n = WriteDigits(digits, value, radix, conversion == (byte)'X');
        var text = digits[(digits.Length - n)..];
        ReadOnlySpan<byte> prefix = default;
        if (spec.Alternate && value != 0 && radix == 16) prefix = conversion == (byte)'X' ? "0X"u8 : "0x"u8;
        var adjusted = spec;
        // '#' with %o makes sure the number starts with a 0 digit.
        if (spec.Alternate && radix == 8 && (value != 0 || spec.Precision == 0))
            adjusted.Precision = Math.Max(spec.Precision, n + (value == 0 ? 0 : 1));
        AppendIntegerParts(ref output, adjusted, 0, prefix, text, value == 0);
    }

    private static void AppendIntegerParts(ref LuaByteBuffer output, in LuaFormatSpec spec, byte sign, scoped ReadOnlySpan<byte> prefix, scoped ReadOnlySpan<byte> digits, bool isZero)
    {
        // An explicit precision of 0 prints nothing for zero.
        if (isZero && spec.Precision == 0) digits = default;
        int zeros = Math.Max(0, spec.Precision - digits.Length);
        int body = (sign != 0 ? 1 : 0) + prefix.Length + zeros + digits.Length;
        int pad = Math.Max(0, spec.Width - body);
        if (spec.ZeroPad && !spec.LeftAlign && spec.Precision < 0)
        {
            zeros += pad;
            pad = 0;
        }
        if (!spec.LeftAlign) output.Append((byte)' ', pad);
        if (sign != 0) output.Append(sign);
        output.Append(prefix);
        output.Append((byte)'0', zeros);
        output.Append(digits);
        if (spec.LeftAlign) output.Append((byte)' ', pad);
    }

    private static int WriteDigits(Span<byte> buffer, ulong value, int radix, bool upper)
    {
        var alphabet = upper ? "0123456789ABCDEF"u8 : "0123456789abcdef"u8;
        int pos = buffer.Length;
        do
        {
            buffer[--pos] = alphabet[(int)(value % (ulong)radix)];
            value /= (ulong)radix;
        } while (value != 0);
        return buffer.Length - pos;
    }

    /// <summary>%c: one byte, padded with spaces (glibc ignores '0' here); a zero byte ends the item as strlen would.</summary>
    public static void AppendChar(ref LuaByteBuffer output, in LuaFormatSpec spec, byte c)
    {
        int pad = Math.Max(0, spec.Width - 1);
        if (!spec.LeftAlign) output.Append((byte)' ', pad);
        if (c == 0) return;
        output.Append(c);
        if (spec.LeftAlign) output.Append((byte)' ', pad);
    }

    /// <summary>%s for an argument already converted to bytes (5.1 takes strings and numbers only); padded with spaces even with '0'.</summary>
    public static void AppendString(ref LuaByteBuffer output, in LuaFormatSpec spec, ReadOnlySpan<byte> text, bool formHasPrecision)
    {
        if (!formHasPrecision && text.Length >= LongStringLength)
        {
            output.Append(text);
            return;
        }
        // sprintf sees a C string: it stops at the first zero byte.
        int nul = text.IndexOf((byte)0);
        if (nul >= 0) text = text[..nul];
        if (spec.Precision >= 0 && text.Length > spec.Precision) text = text[..spec.Precision];
        int pad = Math.Max(0, spec.Width - text.Length);
        if (!spec.LeftAlign) output.Append((byte)' ', pad);
        output.Append(text);
        if (spec.LeftAlign) output.Append((byte)' ', pad);
    }

    /// <summary>%q: a double-quoted string that reads back as the same bytes.</summary>
    public static void AppendQuoted(ref LuaByteBuffer output, ReadOnlySpan<byte> text)
    {
        output.Append((byte)'"');
        foreach (byte b in text)
        {
            switch (b)
            {
                case (byte)'"': output.Append("\\\""u8); break;
                case (byte)'\\': output.Append("\\\\"u8); break;
                case (byte)'\n': output.Append("\\\n"u8); break;
                case (byte)'\r': output.Append("\\r"u8); break;
                case 0: output.Append("\\000"u8); break;
                default: output.Append(b); break;
            }
        }
        output.Append((byte)'"');
    }

    /// <summary>%e %E %f %g %G exactly as glibc prints them (round to nearest, ties to even, on the exact binary value).</summary>
    public static void AppendFloat(ref LuaByteBuffer output, in LuaFormatSpec spec, double value)
    {
        bool upper = spec.Conversion is (byte)'E' or (byte)'G';
        bool negative = BitConverter.DoubleToInt64Bits(value) < 0;
        byte sign = negative ? (byte)'-' : spec.Plus ? (byte)'+' : spec.Space ? (byte)' ' : (byte)0;
        if (!double.IsFinite(value))
        {
            var word = double.IsNaN(value) ? (upper ? "NAN"u8 : "nan"u8) : (upper ? "INF"u8 : "inf"u8);
            int length = word.Length + (sign != 0 ? 1 : 0);
            int spaces = Math.Max(0, spec.Width - length);
            if (!spec.LeftAlign) output.Append((byte)' ', spaces);
            if (sign != 0) output.Append(sign);
            output.Append(word);
            if (spec.LeftAlign) output.Append((byte)' ', spaces);
            return;
        }

        Span<byte> body = stackalloc byte[CFormat.BodyMaxLength];
        int precision = spec.Precision < 0 ? 6 : spec.Precision;
        int bodyLength = CFormat.WriteBody(body, Math.Abs(value), spec.Conversion, precision, spec.Alternate);

        int total = bodyLength + (sign != 0 ? 1 : 0);
        int pad = Math.Max(0, spec.Width - total);
        bool zeroPad = spec.ZeroPad && !spec.LeftAlign;
        if (!spec.LeftAlign && !zeroPad) output.Append((byte)' ', pad);
        if (sign != 0) output.Append(sign);
        if (zeroPad) output.Append((byte)'0', pad);
        output.Append(body[..bodyLength]);
        if (spec.LeftAlign) output.Append((byte)' ', pad);
    }
}
