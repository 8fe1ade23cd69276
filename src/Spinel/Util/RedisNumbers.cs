using System.Buffers;
using System.Globalization;

namespace Spinel.Util;

/// <summary>
/// Number parsing/formatting with the exact acceptance rules and output shapes of Redis 7.0
/// (string2ll, string2ull, string2d/getDoubleFromObject, "%.17g" double replies).
/// All input is raw ASCII bytes; nothing here allocates on the common paths.
/// </summary>
public static class RedisNumbers
{
    /// <summary>Longest possible output of <see cref="FormatInt64"/> ("-9223372036854775808").</summary>
    public const int MaxInt64Chars = 20;

    /// <summary>Longest possible output of <see cref="FormatUInt64"/>.</summary>
    public const int MaxUInt64Chars = 20;

    /// <summary>Longest possible output of <see cref="FormatDouble"/> ("-2.2250738585072014e-308").</summary>
    public const int MaxDoubleChars = 24;

    /// <summary>Longest possible output of <see cref="FormatDoubleHuman"/> (-DBL_MAX in fixed point).</summary>
    public const int MaxDoubleHumanChars = 330;

    private static readonly ulong[] s_powersOf10 =
    [
        1UL, 10UL, 100UL, 1000UL, 10000UL, 100000UL, 1000000UL, 10000000UL, 100000000UL, 1000000000UL,
        10000000000UL, 100000000000UL, 1000000000000UL, 10000000000000UL, 100000000000000UL,
        1000000000000000UL, 10000000000000000UL, 100000000000000000UL, 1000000000000000000UL,
        10000000000000000000UL,
    ];

    private static readonly double[] s_exactPowersOf10 =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    // ---------------------------------------------------------------- integers

    /// <summary>
    /// Redis string2ll: optional '-', no '+', no whitespace, no leading zeros ("0" only on its own),
    /// "-0" rejected, overflow rejected. This is the rule for INCR, int encoding, most integer arguments.
    /// </summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > MaxInt64Chars)
        {
            return false;
        }

        if (s.Length == 1 && s[0] == (byte)'0')
        {
            return true;
        }

        int i = 0;
        bool negative = false;
        if (s[0] == (byte)'-')
        {
            negative = true;
            i = 1;
            if (s.Length == 1)
            {
                return false;
            }
        }

        // First digit must be 1-9: rejects leading zeros and "-0".
        uint first = (uint)(s[i] - (byte)'1');
        if (first > 8)
        {
            return false;
        }

        ulong v = first + 1;
        for (i++; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - (byte)'0');
            if (d > 9)
            {
                return false;
            }

            if (v > ulong.MaxValue / 10)
            {
                return false;
            }

            v *= 10;
            if (v > ulong.MaxValue - d)
            {
                return false;
            }

            v += d;
        }

        if (negative)
        {
            if (v > (ulong)long.MaxValue + 1)
            {
                return false;
            }

            value = unchecked((long)(0UL - v));
            return true;
        }

        if (v > long.MaxValue)
        {
            return false;
        }

        value = (long)v;
        return true;
    }

    /// <summary>
    /// Redis string2ull (used for stream ID parts): string2ll first (negative results rejected), then a
    /// strtoull(base 10) fallback which DOES accept leading whitespace, '+', leading zeros and even a '-'
    /// that wraps ("-01" = 18446744073709551615). Trailing garbage and overflow are rejected.
    /// </summary>
    public static bool TryParseUInt64(ReadOnlySpan<byte> s, out ulong value)
    {
        if (TryParseInt64(s, out long ll))
        {
            value = (ulong)ll;
            return ll >= 0;
        }

        value = 0;
        int i = 0;
        while (i < s.Length && IsCSpace(s[i]))
        {
            i++;
        }

        bool negative = false;
        if (i < s.Length && (s[i] == (byte)'+' || s[i] == (byte)'-'))
        {
            negative = s[i] == (byte)'-';
            i++;
        }

        int digitsStart = i;
        ulong v = 0;
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - (byte)'0');
            if (d > 9)
            {
                return false;
            }

            if (v > ulong.MaxValue / 10 || v * 10 > ulong.MaxValue - d)
            {
                return false; // ERANGE
            }

            v = v * 10 + d;
        }

        if (i == digitsStart)
        {
            return false;
        }

        value = negative ? unchecked(0UL - v) : v;
        return true;
    }

    /// <summary>Number of decimal digits of |v| (the '-' sign is not counted).</summary>
    public static int DigitCount(long v)
    {
        ulong u = v < 0 ? unchecked(0UL - (ulong)v) : (ulong)v;
        return DigitCount(u);
    }

    /// <summary>Number of decimal digits of v.</summary>
    public static int DigitCount(ulong v)
    {
        int n = 1;
        while (n < s_powersOf10.Length && v >= s_powersOf10[n])
        {
            n++;
        }

        return n;
    }

    /// <summary>Length of the decimal text of v including a '-' sign.</summary>
    public static int FormattedLength(long v) => DigitCount(v) + (v < 0 ? 1 : 0);

    /// <summary>Writes v in decimal; returns bytes written. Throws if dest is too small.</summary>
    public static int FormatInt64(long v, Span<byte> dest)
    {
        if (v >= 0)
        {
            return FormatUInt64((ulong)v, dest);
        }

        ulong u = unchecked(0UL - (ulong)v);
        int len = DigitCount(u) + 1;
        if (dest.Length < len)
        {
            ThrowTooSmall();
        }

        dest[0] = (byte)'-';
        WriteDigits(u, dest.Slice(1, len - 1));
        return len;
    }

    /// <summary>Writes v in decimal; returns bytes written. Throws if dest is too small.</summary>
    public static int FormatUInt64(ulong v, Span<byte> dest)
    {
        int len = DigitCount(v);
        if (dest.Length < len)
        {
            ThrowTooSmall();
        }

        WriteDigits(v, dest[..len]);
        return len;
    }

    /// <summary>Writes v in decimal to a buffer writer; returns bytes written.</summary>
    public static int WriteInt64(IBufferWriter<byte> writer, long v)
    {
        Span<byte> span = writer.GetSpan(MaxInt64Chars);
        int n = FormatInt64(v, span);
        writer.Advance(n);
        return n;
    }

    private static void WriteDigits(ulong v, Span<byte> dest)
    {
        for (int i = dest.Length - 1; i >= 0; i--)
        {
            ulong q = v / 10;
            dest[i] = (byte)('0' + (int)(v - (q * 10)));
            v = q;
        }
    }

    private static void ThrowTooSmall() =>
        throw new ArgumentException("Destination buffer is too small.", "dest");

    internal static bool IsCSpace(byte b) => b == (byte)' ' || (b >= (byte)'\t' && b <= (byte)'\r');

    // ---------------------------------------------------------------- doubles

    /// <summary>
    /// Redis string2d / getDoubleFromObject (ZADD scores, ZINCRBY, WITHSCORES limits...): strtod syntax
    /// (decimal, C99 hex floats, "inf"/"infinity" any case, optional sign incl. '+'), whole input must
    /// be consumed, no leading whitespace, NaN rejected, overflow to ±inf rejected, underflow to zero
    /// rejected (subnormal results are accepted). Literal "-0" is accepted and yields -0.0.
    /// </summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        if (!FloatSyntax.TryScan(s, out FloatSyntax syn))
        {
            return false;
        }

        if (syn.Kind == FloatKind.Infinity)
        {
            value = syn.Negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (syn.Kind == FloatKind.Hex)
        {
            if (!FloatSyntax.TryHexToBinary(s, syn, BinaryFormat.Double, out bool zero, out ulong mant, out int exp))
            {
                return false;
            }

            value = zero ? 0.0 : BinaryFormat.ComposeDouble(mant, exp);
            if (syn.Negative)
            {
                value = -value;
            }

            return true;
        }

        // Decimal. Exact fast path: small mantissa and power of ten are both exact doubles.
        if (syn.SignificantDigits == 0)
        {
            value = syn.Negative ? -0.0 : 0.0;
            return true;
        }

        if (syn.SignificantDigits <= 15 && syn.Exponent10 >= -22 && syn.Exponent10 <= 22)
        {
            ulong m = syn.ReadSmallMantissa(s);
            double d = m;
            d = syn.Exponent10 >= 0 ? d * s_exactPowersOf10[(int)syn.Exponent10] : d / s_exactPowersOf10[(int)-syn.Exponent10];
            value = syn.Negative ? -d : d;
            return true;
        }

        long magnitude = syn.SignificantDigits + syn.Exponent10;
        if (magnitude > BinaryFormat.Double.OverflowDecimal || magnitude < BinaryFormat.Double.ZeroDecimal)
        {
            return false; // certain overflow / underflow to zero
        }

        if (syn.SignificantDigits > 750)
        {
            // .NET truncates past 768 digits and then misrounds exact ties; use the exact path.
            if (!FloatSyntax.TryDecimalToBinary(s, syn, BinaryFormat.Double, out _, out ulong bm, out int be))
            {
                return false;
            }

            double exact = BinaryFormat.ComposeDouble(bm, be);
            value = syn.Negative ? -exact : exact;
            return true;
        }

        // Grammar is already validated, so .NET's correctly rounded parser sees only plain decimal text.
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed))
        {
            return false;
        }

        if (double.IsInfinity(parsed) || parsed == 0)
        {
            return false; // ERANGE: overflow, or underflow of a non-zero literal
        }

        value = parsed;
        return true;
    }

    /// <summary>
    /// C strtod as Redis 7.0's score-range parser (zslParseRange) uses it: the text ends at a NUL byte, leading
    /// whitespace is skipped, the rest must be a number; overflow gives ±inf and underflow ±0 (the range error
    /// is not checked), an empty string is 0 (nothing parsed, and the end pointer is at the terminator). NaN is
    /// rejected.
    /// </summary>
    public static bool TryParseStrtod(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        int nul = s.IndexOf((byte)0);
        if (nul >= 0) s = s[..nul];
        if (s.IsEmpty) return true;
        int i = 0;
        while (i < s.Length && IsCSpace(s[i])) i++;
        var rest = s[i..];
        if (!FloatSyntax.TryScan(rest, out FloatSyntax syn)) return false;
        if (TryParseDouble(rest, out value)) return true;
        // Valid syntax that string2d refuses is out of range: strtod saturates it instead.
        bool overflow = syn.Kind == FloatKind.Hex ? syn.ExponentValue > 0 : syn.SignificantDigits + syn.Exponent10 > 0;
        value = overflow ? double.PositiveInfinity : 0.0;
        if (syn.Negative) value = -value;
        return true;
    }

    /// <summary>
    /// What Redis 7.0 sends for a double reply (ZSCORE, ZINCRBY, ZADD INCR, WITHSCORES): C "%.17g",
    /// with "inf"/"-inf". Keeps the sign of -0 ("-0"). Returns bytes written.
    /// </summary>
    public static int FormatDouble(double d, Span<byte> dest)
    {
        if (!double.IsFinite(d))
        {
            ReadOnlySpan<byte> special = double.IsNaN(d) ? "nan"u8 : d > 0 ? "inf"u8 : "-inf"u8;
            return CopyOrThrow(special, dest);
        }

        if (d == 0)
        {
            return CopyOrThrow(double.IsNegative(d) ? "-0"u8 : "0"u8, dest);
        }

        // .NET "E16" yields the exact 17 significant digits, rounded half-to-even like glibc.
        Span<byte> e = stackalloc byte[32];
        if (!d.TryFormat(e, out int elen, "E16", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("double formatting failed");
        }

        // Layout: [-]D.DDDDDDDDDDDDDDDDE[+-]XXX
        int pos = 0;
        bool negative = e[0] == (byte)'-';
        if (negative)
        {
            pos = 1;
        }

        Span<byte> digits = stackalloc byte[17];
        digits[0] = e[pos];
        e.Slice(pos + 2, 16).CopyTo(digits[1..]);
        int ePos = pos + 18;
        int exp = 0;
        for (int i = ePos + 2; i < elen; i++)
        {
            exp = (exp * 10) + (e[i] - (byte)'0');
        }

        if (e[ePos + 1] == (byte)'-')
        {
            exp = -exp;
        }

        return FloatText.WriteGeneral(negative, digits, exp, dest);
    }

    /// <summary>
    /// Redis's "human" double text (addReplyHumanLongDouble / ld2string LD_STR_HUMAN of the double
    /// promoted to long double): "%.17Lf" with trailing zeros and dot trimmed, "-0" printed as "0".
    /// Used by GEOPOS coordinates. Other formats Redis 7.0 uses: GEODIST / WITHDIST are "%.4f" of the
    /// distance; INFO uses "%.2f"-style; INCRBYFLOAT / HINCRBYFLOAT use <see cref="LongDouble.Format"/>.
    /// </summary>
    public static int FormatDoubleHuman(double d, Span<byte> dest) => LongDouble.FromDouble(d).Format(dest);

    private static int CopyOrThrow(ReadOnlySpan<byte> src, Span<byte> dest)
    {
        if (!src.TryCopyTo(dest))
        {
            ThrowTooSmall();
        }

        return src.Length;
    }
}
