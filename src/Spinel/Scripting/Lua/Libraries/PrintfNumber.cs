using System.Globalization;
using System.Numerics;

namespace Spinel.Scripting.Lua.Libraries;

/// <summary>
/// C's <c>printf("%.Ng")</c> for a double (N = 1..15: the shortest round-trip digits are then exact enough to round from), byte for byte as glibc prints it: exact decimal
/// rounding with ties to even, <c>inf</c>/<c>-inf</c>/<c>nan</c>/<c>-nan</c>, exponents of at least two digits.
/// </summary>
internal static class PrintfNumber
{
    /// <summary>Longest output: sign, 17 digits, point, "e-308".</summary>
    public const int MaxLength = 32;

    private static readonly string[] PrecisionFormats = [.. Enumerable.Range(0, 18).Select(p => "E" + Math.Max(p - 1, 0))];

    public static int FormatG(double value, int precision, Span<byte> dest)
    {
        int pos = 0;
        if (double.IsNegative(value))
        {
            dest[pos++] = (byte)'-';
            value = -value;
        }
        if (double.IsNaN(value)) return pos + Ascii("nan", dest[pos..]);
        if (double.IsInfinity(value)) return pos + Ascii("inf", dest[pos..]);
        if (value == 0)
        {
            dest[pos++] = (byte)'0';
            return pos;
        }
        // Integers that fit the precision print as plain digits: the common case, without any rounding work.
        if (value < 1e15 && value == Math.Floor(value))
        {
            long n = (long)value;
            int count = DigitCount(n);
            if (count <= precision)
            {
                for (int i = pos + count - 1; i >= pos; i--, n /= 10) dest[i] = (byte)('0' + n % 10);
                return pos + count;
            }
        }
        Span<byte> digits = stackalloc byte[40];
        int length = RoundedDigits(value, precision, digits, out int exponent);
        if (exponent < -4 || exponent >= precision)
        {
            dest[pos++] = digits[0];
            if (length > 1)
            {
                dest[pos++] = (byte)'.';
                digits[1..length].CopyTo(dest[pos..]);
                pos += length - 1;
            }
            dest[pos++] = (byte)'e';
            dest[pos++] = exponent < 0 ? (byte)'-' : (byte)'+';
            int e = Math.Abs(exponent);
            if (e >= 100) dest[pos++] = (byte)('0' + e / 100);
            dest[pos++] = (byte)('0' + e / 10 % 10);
            dest[pos++] = (byte)('0' + e % 10);
            return pos;
        }
        if (exponent >= 0)
        {
            for (int i = 0; i <= exponent; i++) dest[pos++] = i < length ? digits[i] : (byte)'0';
            if (length > exponent + 1)
            {
                dest[pos++] = (byte)'.';
                digits[(exponent + 1)..length].CopyTo(dest[pos..]);
                pos += length - exponent - 1;
            }
            return pos;
        }
        dest[pos++] = (byte)'0';
        dest[pos++] = (byte)'.';
        for (int i = -1; i > exponent; i--) dest[pos++] = (byte)'0';
        digits[..length].CopyTo(dest[pos..]);
        return pos + length;
    }

    /// <summary>
    /// The significant digits of a positive finite value rounded to <paramref name="precision"/> digits, trailing
    /// zeros removed; <paramref name="exponent"/> is the power of ten of the first digit.
    /// Starts from .NET's shortest round-trip digits: when they are no longer than the precision they are the
    /// exact rounding too; otherwise they round the same way as the exact value except at an apparent tie,
    /// which is settled against the exact binary value.
    /// </summary>
    private static int RoundedDigits(double value, int precision, Span<byte> digits, out int exponent)
    {
        Span<char> shortest = stackalloc char[40];
        int shortWritten;
        // Subnormals carry fewer than 15 significant digits, so their shortest form may be shorter than the
        // precision yet not the rounding printf makes; their exact expansions are ~750 digits long, so
        // .NET's fixed-precision formatting (exact digits) can never meet a tie there.
        if (value < 2.2250738585072014E-308)
            value.TryFormat(shortest, out shortWritten, PrecisionFormats[precision], CultureInfo.InvariantCulture);
        else
            value.TryFormat(shortest, out shortWritten, "R", CultureInfo.InvariantCulture);
        int length = 0, pointIndex = -1, exp = 0;
        bool leading = true;
        int leadingZeros = 0;
        for (int i = 0; i < shortWritten; i++)
        {
            char c = shortest[i];
            if (c == '.') pointIndex = length + leadingZeros;
            else if (c is 'E' or 'e')
            {
                exp = int.Parse(shortest[(i + 1)..shortWritten], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                break;
            }
            else if (leading && c == '0') leadingZeros++;
            else
            {
                leading = false;
                digits[length++] = (byte)c;
            }
        }
        if (pointIndex < 0) pointIndex = length + leadingZeros;
        exponent = pointIndex - leadingZeros - 1 + exp;
        while (length > 1 && digits[length - 1] == '0') length--;
        if (length <= precision) return length;

        bool roundUp;
        if (digits[precision] > '5') roundUp = true;
        else if (digits[precision] < '5') roundUp = false;
        else if (length > precision + 1) roundUp = true;
        else
        {
            int cmp = CompareExact(value, digits[..length], exponent);
            roundUp = cmp > 0 || (cmp == 0 && (digits[precision - 1] - '0') % 2 == 1);
        }
        length = precision;
        if (roundUp)
        {
            int i = length - 1;
            while (i >= 0 && digits[i] == '9') digits[i--] = (byte)'0';
            if (i < 0)
            {
                digits[0] = (byte)'1';
                length = 1;
                exponent++;
            }
            else digits[i]++;
        }
        while (length > 1 && digits[length - 1] == '0') length--;
        return length;
    }

    /// <summary>Sign of (exact binary value − the decimal d1.d2d3… × 10^exponent).</summary>
    private static int CompareExact(double value, ReadOnlySpan<byte> digits, int exponent)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        int rawExp = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (rawExp == 0) rawExp = 1;
        else mantissa |= 1L << 52;
        int binExp = rawExp - 1075;
        BigInteger decimalDigits = BigInteger.Zero;
        foreach (byte d in digits) decimalDigits = decimalDigits * 10 + (d - '0');
        int decExp = exponent - (digits.Length - 1);
        BigInteger left = mantissa, right = decimalDigits;
        if (binExp >= 0) left <<= binExp;
        else right <<= -binExp;
        if (decExp >= 0) right *= BigInteger.Pow(10, decExp);
        else left *= BigInteger.Pow(10, -decExp);
        return left.CompareTo(right);
    }

    private static int DigitCount(long n)
    {
        int count = 1;
        while (n >= 10)
        {
            n /= 10;
            count++;
        }
        return count;
    }

    private static int Ascii(string s, Span<byte> dest)
    {
        for (int i = 0; i < s.Length; i++) dest[i] = (byte)s[i];
        return s.Length;
    }
}
