namespace Spinel.Scripting.Lua;

/// <summary>
/// C printf's floating-point conversions (%e, %f, %g) byte for byte as glibc prints them: rounding to nearest with
/// ties to even on the exact binary value, exponents of at least two digits. The one implementation behind tostring
/// (<c>%.14g</c>), cjson's <c>%.Ng</c> and string.format.
/// </summary>
public static class CFormat
{
    /// <summary>Room <see cref="FormatG"/> needs for a precision up to 25 (precision + 7: sign, "0.000" or "e-308", the digits).</summary>
    public const int GeneralMaxLength = 32;

    /// <summary>Room <see cref="WriteBody"/> needs for a precision up to 99 (what string.format allows).</summary>
    public const int BodyMaxLength = LuaExactDecimal.MaxDigits + 32;

    /// <summary>Largest precision whose integers the fast path prints (they stay exact in a long and a double).</summary>
    private const int MaxFastPrecision = 15;

    private static readonly double[] PowersOfTen = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    /// <summary>
    /// C's <c>%.{precision}g</c> of <paramref name="value"/>, with "nan"/"-nan"/"inf"/"-inf" as glibc spells them.
    /// <paramref name="dest"/> needs <see cref="GeneralMaxLength"/> bytes for a precision up to 25, precision + 7 beyond.
    /// Everything but integers goes through the exact decimal expansion: measured, that is about as fast as starting from
    /// .NET's shortest round-trip digits and needs no argument for why those would round the same way.
    /// </summary>
    public static int FormatG(double value, int precision, Span<byte> dest)
    {
        int pos = 0;
        if (double.IsNegative(value))
        {
            dest[pos++] = (byte)'-';
            value = -value;
        }
        if (double.IsNaN(value)) return pos + Ascii("nan"u8, dest[pos..]);
        if (double.IsInfinity(value)) return pos + Ascii("inf"u8, dest[pos..]);
        if (precision == 0) precision = 1;

        // Integers that fit the precision print as their plain digits: the common case of tostring.
        if (precision <= MaxFastPrecision && value < PowersOfTen[precision] && value == Math.Floor(value))
        {
            long n = (long)value;
            int count = 1;
            for (long rest = n; rest >= 10; rest /= 10) count++;
            for (int i = pos + count - 1; i >= pos; i--, n /= 10) dest[i] = (byte)('0' + n % 10);
            return pos + count;
        }

        return pos + WriteBody(dest[pos..], value, (byte)'g', precision, false);
    }

    /// <summary>
    /// The text of %e/%E/%f/%g/%G (<paramref name="conversion"/>) for a finite, non-negative <paramref name="magnitude"/>,
    /// without sign or padding; <paramref name="precision"/> is already defaulted (6 when absent).
    /// </summary>
    public static int WriteBody(Span<byte> body, double magnitude, byte conversion, int precision, bool alternate)
    {
        bool upper = conversion is (byte)'E' or (byte)'G';
        Span<byte> digits = stackalloc byte[LuaExactDecimal.MaxDigits];
        int count = LuaExactDecimal.Digits(magnitude, digits, out int exponent);
        switch (conversion)
        {
            case (byte)'f':
                count = LuaExactDecimal.Round(digits, count, exponent + 1 + precision, ref exponent);
                if (count == 0) exponent = 0;
                return WriteFixed(body, digits[..count], exponent, precision, alternate);
            case (byte)'e' or (byte)'E':
                count = LuaExactDecimal.Round(digits, count, precision + 1, ref exponent);
                if (count == 0) exponent = 0;
                return WriteExponential(body, digits[..count], exponent, precision, alternate, upper);
            default:
                {
                    int significant = precision == 0 ? 1 : precision;
                    int unrounded = exponent;
                    count = LuaExactDecimal.Round(digits, count, significant, ref exponent);
                    if (count == 0) exponent = 0;
                    return WriteGeneral(body, digits[..count], exponent, unrounded, significant, alternate, upper);
                }
        }
    }

    /// <summary>%g's layout of digits already rounded to <paramref name="significant"/> digits.</summary>
    private static int WriteGeneral(Span<byte> body, ReadOnlySpan<byte> digits, int exponent, int unrounded, int significant, bool alternate, bool upper = false)
    {
        bool fixedStyle = exponent < significant && exponent >= -4;
        // glibc picks the style before rounding: when the carry then pushes a fixed-style number with no
        // fraction digits past the precision, it prints the exponential form without fraction digits ("1.e+06").
        int exponentialPrecision = unrounded == significant - 1 && exponent == significant ? 0 : significant - 1;
        int length = fixedStyle
            ? WriteFixed(body, digits, exponent, significant - 1 - exponent, alternate)
            : WriteExponential(body, digits, exponent, exponentialPrecision, alternate, upper);
        return alternate ? length : TrimFraction(body[..length], fixedStyle);
    }

    /// <summary>Digit at power of ten <paramref name="power"/> of the number whose first digit has power <paramref name="exponent"/>.</summary>
    private static byte DigitAt(ReadOnlySpan<byte> digits, int exponent, int power)
    {
        int index = exponent - power;
        return index >= 0 && index < digits.Length ? digits[index] : (byte)'0';
    }

    private static int WriteFixed(Span<byte> body, ReadOnlySpan<byte> digits, int exponent, int precision, bool alternate)
    {
        int pos = 0;
        if (exponent < 0 || digits.IsEmpty) body[pos++] = (byte)'0';
        else
            for (int power = exponent; power >= 0; power--) body[pos++] = DigitAt(digits, exponent, power);
        if (precision > 0 || alternate) body[pos++] = (byte)'.';
        for (int j = 1; j <= precision; j++) body[pos++] = digits.IsEmpty ? (byte)'0' : DigitAt(digits, exponent, -j);
        return pos;
    }

    private static int WriteExponential(Span<byte> body, ReadOnlySpan<byte> digits, int exponent, int precision, bool alternate, bool upper)
    {
        int pos = 0;
        body[pos++] = digits.IsEmpty ? (byte)'0' : digits[0];
        if (precision > 0 || alternate) body[pos++] = (byte)'.';
        for (int j = 1; j <= precision; j++) body[pos++] = j < digits.Length ? digits[j] : (byte)'0';
        body[pos++] = upper ? (byte)'E' : (byte)'e';
        body[pos++] = exponent < 0 ? (byte)'-' : (byte)'+';
        int magnitude = Math.Abs(exponent);
        if (magnitude >= 100) body[pos++] = (byte)('0' + magnitude / 100);
        body[pos++] = (byte)('0' + magnitude / 10 % 10);
        body[pos++] = (byte)('0' + magnitude % 10);
        return pos;
    }

    /// <summary>%g without '#': drops trailing zeros of the fraction, and the point when nothing follows it.</summary>
    private static int TrimFraction(Span<byte> body, bool fixedStyle)
    {
        int point = body.IndexOf((byte)'.');
        if (point < 0) return body.Length;
        int fractionEnd = fixedStyle ? body.Length : body.IndexOfAny((byte)'e', (byte)'E');
        int end = fractionEnd;
        while (end > point + 1 && body[end - 1] == (byte)'0') end--;
        if (end == point + 1) end = point;
        int tail = body.Length - fractionEnd;
        body[fractionEnd..].CopyTo(body[end..]);
        return end + tail;
    }

    private static int Ascii(ReadOnlySpan<byte> s, Span<byte> dest)
    {
        s.CopyTo(dest);
        return s.Length;
    }
}
