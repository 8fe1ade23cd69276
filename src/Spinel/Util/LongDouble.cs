using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Spinel.Util;

/// <summary>
/// Software x87 80-bit extended precision value (what C "long double" is on x86-64 Linux builds of
/// Redis): 64-bit mantissa with explicit integer bit, 15-bit exponent, round-to-nearest-even.
/// Provides exactly what INCRBYFLOAT / HINCRBYFLOAT need: string2ld parsing, addition, ld2string output.
/// </summary>
public readonly struct LongDouble : IEquatable<LongDouble>
{
    /// <summary>Redis MAX_LONG_DOUBLE_CHARS: inputs of this length or longer are rejected.</summary>
    public const int MaxInputChars = 5 * 1024;

    /// <summary>Longest output of <see cref="Format"/>: '-', 4933 integer digits, '.', 17 decimals.</summary>
    public const int MaxFormattedChars = 4952;

    /// <summary>Longest output of <see cref="FormatGeneral"/> ("-1.2345678901234567e-4951").</summary>
    public const int MaxGeneralChars = 26;

    private const int ExponentBias = 16383;
    private const int MaxBiasedExponent = 0x7FFF;
    private const ulong IntegerBit = 1UL << 63;
    private const ulong Pow10_17 = 100_000_000_000_000_000UL;

    private readonly ulong _mantissa;
    private readonly ushort _signExponent;

    private LongDouble(bool negative, int biasedExponent, ulong mantissa)
    {
        _mantissa = mantissa;
        _signExponent = (ushort)((negative ? 0x8000 : 0) | biasedExponent);
    }

    public static LongDouble Zero => default;

    public static LongDouble NegativeZero => new(true, 0, 0);

    public static LongDouble PositiveInfinity => new(false, MaxBiasedExponent, IntegerBit);

    public static LongDouble NegativeInfinity => new(true, MaxBiasedExponent, IntegerBit);

    public static LongDouble NaN => new(false, MaxBiasedExponent, IntegerBit | (1UL << 62));

    /// <summary>Raw 64-bit mantissa (explicit integer bit in bit 63 for normal numbers).</summary>
    public ulong Mantissa => _mantissa;

    /// <summary>Raw sign bit and 15-bit biased exponent, as stored in memory by x87.</summary>
    public ushort SignAndExponent => _signExponent;

    public bool IsNegative => (_signExponent & 0x8000) != 0;

    public bool IsFinite => BiasedExponent != MaxBiasedExponent;

    public bool IsInfinity => BiasedExponent == MaxBiasedExponent && _mantissa == IntegerBit;

    public bool IsNaN => BiasedExponent == MaxBiasedExponent && _mantissa != IntegerBit;

    public bool IsZero => BiasedExponent == 0 && _mantissa == 0;

    private int BiasedExponent => _signExponent & 0x7FFF;

    // Finite values are _mantissa * 2^Exponent2 (denormals share the exponent of biased exponent 1).
    private int Exponent2 => Math.Max(BiasedExponent, 1) - ExponentBias - 63;

    /// <summary>Exact conversion; how Redis reads an int-encoded string as a long double.</summary>
    public static LongDouble FromInt64(long value)
    {
        if (value == 0)
        {
            return Zero;
        }

        ulong mag = value < 0 ? unchecked(0UL - (ulong)value) : (ulong)value;
        int lz = BitOperations.LeadingZeroCount(mag);
        return new LongDouble(value < 0, ExponentBias + 63 - lz, mag << lz);
    }

    /// <summary>Exact conversion from double.</summary>
    public static LongDouble FromDouble(double value)
    {
        ulong bits = BitConverter.DoubleToUInt64Bits(value);
        bool negative = (bits >> 63) != 0;
        int exp = (int)((bits >> 52) & 0x7FF);
        ulong frac = bits & ((1UL << 52) - 1);
        if (exp == 0x7FF)
        {
            return frac == 0 ? (negative ? NegativeInfinity : PositiveInfinity) : NaN;
        }

        if (exp == 0 && frac == 0)
        {
            return negative ? NegativeZero : Zero;
        }

        ulong mant = exp == 0 ? frac : frac | (1UL << 52);
        int e2 = exp == 0 ? -1074 : exp - 1075;
        int lz = BitOperations.LeadingZeroCount(mant);
        return new LongDouble(negative, e2 - lz + ExponentBias + 63, mant << lz);
    }

    /// <summary>Nearest double (round half to even; overflow gives infinity).</summary>
    public double ToDouble()
    {
        if (IsNaN)
        {
            return double.NaN;
        }

        if (IsInfinity)
        {
            return IsNegative ? double.NegativeInfinity : double.PositiveInfinity;
        }

        double result;
        if (IsZero)
        {
            result = 0.0;
        }
        else
        {
            BinaryRounding.Status st = BinaryRounding.Round(_mantissa, Exponent2, false, BinaryFormat.Double, out ulong m, out int e);
            result = st switch
            {
                BinaryRounding.Status.Overflow => double.PositiveInfinity,
                BinaryRounding.Status.Zero => 0.0,
                _ => BinaryFormat.ComposeDouble(m, e),
            };
        }

        return IsNegative ? -result : result;
    }

    /// <summary>
    /// Redis string2ld (INCRBYFLOAT/HINCRBYFLOAT operands and stored values): strtold syntax (decimal,
    /// hex floats, inf/infinity, optional sign), length 1..5119, no leading whitespace, no trailing
    /// garbage, NaN rejected, overflow (e.g. "1e5000") rejected, underflow to zero ("1e-5000") rejected;
    /// subnormal results ("1e-4950") accepted.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out LongDouble value)
    {
        value = default;
        if (s.Length >= MaxInputChars || !FloatSyntax.TryScan(s, out FloatSyntax syn))
        {
            return false;
        }

        if (syn.Kind == FloatKind.Infinity)
        {
            value = syn.Negative ? NegativeInfinity : PositiveInfinity;
            return true;
        }

        bool zero;
        ulong mant;
        int exp;
        bool ok = syn.Kind == FloatKind.Hex
            ? FloatSyntax.TryHexToBinary(s, syn, BinaryFormat.X87, out zero, out mant, out exp)
            : FloatSyntax.TryDecimalToBinary(s, syn, BinaryFormat.X87, out zero, out mant, out exp);
        if (!ok)
        {
            return false;
        }

        value = zero ? (syn.Negative ? NegativeZero : Zero) : FromRounded(syn.Negative, mant, exp);
        return true;
    }

    // mant * 2^exp as produced by BinaryRounding with BinaryFormat.X87.
    private static LongDouble FromRounded(bool negative, ulong mant, int exp)
    {
        if ((mant & IntegerBit) == 0)
        {
            return new LongDouble(negative, 0, mant); // denormal (exp is the minimum)
        }

        return new LongDouble(negative, exp + ExponentBias + 63, mant);
    }

    public LongDouble Negate() => new(!IsNegative, BiasedExponent, _mantissa);

    public static LongDouble operator -(LongDouble a) => a.Negate();

    public static LongDouble operator +(LongDouble a, LongDouble b) => Add(a, b);

    public static LongDouble operator -(LongDouble a, LongDouble b) => Add(a, b.Negate());

    /// <summary>IEEE addition with round-to-nearest-even, as the x87 FPU does in extended precision.</summary>
    public static LongDouble Add(LongDouble a, LongDouble b)
    {
        if (a.IsNaN || b.IsNaN)
        {
            return NaN;
        }

        if (a.IsInfinity)
        {
            return b.IsInfinity && b.IsNegative != a.IsNegative ? NaN : a;
        }

        if (b.IsInfinity)
        {
            return b;
        }

        if (a.IsZero)
        {
            return b.IsZero ? (a.IsNegative && b.IsNegative ? NegativeZero : Zero) : b;
        }

        if (b.IsZero)
        {
            return a;
        }

        int ea = a.Exponent2;
        int eb = b.Exponent2;
        if (ea < eb)
        {
            (a, b) = (b, a);
            (ea, eb) = (eb, ea);
        }

        // Fast path: same sign and close exponents fit in 128 bits.
        int diff = ea - eb;
        if (a.IsNegative == b.IsNegative && diff <= 63)
        {
            UInt128 sum = ((UInt128)a._mantissa << diff) + b._mantissa;
            return RoundToX87(a.IsNegative, sum, eb);
        }

        BigInteger ma = a._mantissa;
        BigInteger mb = b._mantissa;
        if (diff > 130)
        {
            // |b| < 2^(ea-66) is below a quarter ulp of a: only its sign matters for rounding.
            mb = BigInteger.One;
            eb = ea - 130;
            diff = 130;
        }

        BigInteger total = (a.IsNegative ? -(ma << diff) : ma << diff) + (b.IsNegative ? -mb : mb);
        if (total.IsZero)
        {
            return Zero;
        }

        bool negative = total.Sign < 0;
        BinaryRounding.Status st = BinaryRounding.Round(BigInteger.Abs(total), eb, false, BinaryFormat.X87, out ulong m, out int e);
        return st == BinaryRounding.Status.Overflow ? (negative ? NegativeInfinity : PositiveInfinity) : FromRounded(negative, m, e);
    }

    private static LongDouble RoundToX87(bool negative, UInt128 mag, int exp)
    {
        BinaryRounding.Status st = BinaryRounding.Round(mag, exp, BinaryFormat.X87, out ulong m, out int e);
        return st == BinaryRounding.Status.Overflow ? (negative ? NegativeInfinity : PositiveInfinity) : FromRounded(negative, m, e);
    }

    /// <summary>
    /// Redis ld2string LD_STR_HUMAN, i.e. what INCRBYFLOAT/HINCRBYFLOAT return and store: "%.17Lf",
    /// trailing zeros (and a bare '.') trimmed, "-0" turned into "0". Huge values print every integer
    /// digit (1e4000 gives 4001 characters). Infinity gives "inf"/"-inf". Returns bytes written.
    /// </summary>
    public int Format(Span<byte> dest)
    {
        if (!IsFinite)
        {
            return Copy(IsNaN ? "nan"u8 : IsNegative ? "-inf"u8 : "inf"u8, dest);
        }

        int e2 = Exponent2;
        if (_mantissa == 0 || e2 < -127)
        {
            // Below 2^-66 rounds to zero at 17 decimals; "-0.000..." is trimmed to "0" by Redis.
            return Copy("0"u8, dest);
        }

        if (e2 <= 0)
        {
            UInt128 scaled = (UInt128)_mantissa * Pow10_17;
            UInt128 n = e2 == 0 ? scaled : RoundShiftRight(scaled, -e2);
            Span<byte> digits = stackalloc byte[40];
            if (!n.TryFormat(digits, out int count, default, CultureInfo.InvariantCulture))
            {
                throw new InvalidOperationException("UInt128 formatting failed");
            }

            return FloatText.WriteFixed17(IsNegative, digits[..count], dest);
        }

        // Integer valued: no fractional digits survive.
        if (e2 <= 64)
        {
            UInt128 n = (UInt128)_mantissa << e2;
            Span<byte> digits = stackalloc byte[40];
            if (!n.TryFormat(digits, out int count, default, CultureInfo.InvariantCulture))
            {
                throw new InvalidOperationException("UInt128 formatting failed");
            }

            return FloatText.WriteInteger(IsNegative, digits[..count], dest);
        }

        return FloatText.WriteBigInteger(IsNegative, (BigInteger)_mantissa << e2, dest);
    }

    /// <summary>"%.17Lg" (ld2string LD_STR_AUTO). Returns bytes written.</summary>
    public int FormatGeneral(Span<byte> dest)
    {
        if (!IsFinite)
        {
            return Copy(IsNaN ? "nan"u8 : IsNegative ? "-inf"u8 : "inf"u8, dest);
        }

        if (IsZero)
        {
            return Copy(IsNegative ? "-0"u8 : "0"u8, dest);
        }

        Span<byte> digits = stackalloc byte[17];
        int exp10 = DecimalDigits.Significant(_mantissa, Exponent2, digits);
        return FloatText.WriteGeneral(IsNegative, digits, exp10, dest);
    }

    /// <summary>Human format (<see cref="Format"/>) as a string; for tests and diagnostics.</summary>
    public override string ToString()
    {
        byte[] buf = ArrayPool<byte>.Shared.Rent(MaxFormattedChars);
        try
        {
            int n = Format(buf);
            return Encoding.ASCII.GetString(buf, 0, n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    public bool Equals(LongDouble other) => _mantissa == other._mantissa && _signExponent == other._signExponent;

    public override bool Equals(object? obj) => obj is LongDouble other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_mantissa, _signExponent);

    public static bool operator ==(LongDouble left, LongDouble right) => left.Equals(right);

    public static bool operator !=(LongDouble left, LongDouble right) => !left.Equals(right);

    private static UInt128 RoundShiftRight(UInt128 value, int shift)
    {
        UInt128 q = value >> shift;
        UInt128 rem = value - (q << shift);
        UInt128 half = UInt128.One << (shift - 1);
        if (rem > half || (rem == half && (q & UInt128.One) != UInt128.Zero))
        {
            q++;
        }

        return q;
    }

    private static int Copy(ReadOnlySpan<byte> src, Span<byte> dest)
    {
        if (!src.TryCopyTo(dest))
        {
            throw new ArgumentException("Destination buffer is too small.", nameof(dest));
        }

        return src.Length;
    }
}

internal enum FloatKind
{
    Decimal,
    Hex,
    Infinity,
}

/// <summary>Target binary format: precision and exponent range (value = mant * 2^exp).</summary>
internal readonly struct BinaryFormat
{
    public static readonly BinaryFormat Double = new(53, -1074, 1023, 310, -326);
    public static readonly BinaryFormat X87 = new(64, -16445, 16383, 4934, -4953);

    public BinaryFormat(int precision, int minExponent, int maxTopExponent, int overflowDecimal, int zeroDecimal)
    {
        Precision = precision;
        MinExponent = minExponent;
        MaxTopExponent = maxTopExponent;
        OverflowDecimal = overflowDecimal;
        ZeroDecimal = zeroDecimal;
    }

    public int Precision { get; }

    /// <summary>Exponent of the lowest mantissa bit of the smallest subnormal.</summary>
    public int MinExponent { get; }

    /// <summary>Largest exponent of the leading bit of a finite value.</summary>
    public int MaxTopExponent { get; }

    /// <summary>A decimal value >= 10^OverflowDecimal surely overflows.</summary>
    public int OverflowDecimal { get; }

    /// <summary>A decimal value &lt; 10^ZeroDecimal surely rounds to zero.</summary>
    public int ZeroDecimal { get; }

    public static double ComposeDouble(ulong mant, int exp)
    {
        if (mant >= 1UL << 52)
        {
            ulong biased = (ulong)(exp + 1075);
            return BitConverter.UInt64BitsToDouble((biased << 52) | (mant & ((1UL << 52) - 1)));
        }

        return BitConverter.UInt64BitsToDouble(mant); // subnormal: exp is -1074
    }
}

/// <summary>Exact round-half-even of mag * 2^exp (plus a sticky fraction below it) to a binary format.</summary>
internal static class BinaryRounding
{
    public enum Status
    {
        Ok,
        Overflow,
        Zero,
    }

    public static Status Round(UInt128 mag, int exp, BinaryFormat f, out ulong mant, out int outExp) =>
        Round(mag, exp, false, f, out mant, out outExp);

    /// <summary>Sticky requires the result to drop at least one bit (callers supply 66+ bits).</summary>
    public static Status Round(UInt128 mag, int exp, bool sticky, BinaryFormat f, out ulong mant, out int outExp)
    {
        int bitLen = 128 - (int)UInt128.LeadingZeroCount(mag);
        int shift = Math.Max(bitLen - f.Precision, f.MinExponent - exp);
        if (shift <= 0)
        {
            mant = (ulong)(mag << -shift);
            outExp = exp + shift;
            return CheckRange(mant, outExp, f);
        }

        if (shift > bitLen)
        {
            mant = 0;
            outExp = 0;
            return Status.Zero;
        }

        UInt128 q = shift >= 128 ? UInt128.Zero : mag >> shift;
        UInt128 rem = mag - (q << shift);
        UInt128 half = UInt128.One << (shift - 1);
        if (rem > half || (rem == half && (sticky || (q & UInt128.One) != UInt128.Zero)))
        {
            q++;
        }

        return Finish(q, exp + shift, f, out mant, out outExp);
    }

    public static Status Round(BigInteger mag, long exp, bool sticky, BinaryFormat f, out ulong mant, out int outExp)
    {
        long bitLen = (long)mag.GetBitLength();
        long shift = Math.Max(bitLen - f.Precision, f.MinExponent - exp);
        if (sticky && shift < 2)
        {
            // Make room so the sticky fraction lies strictly below the rounding bit.
            int t = (int)(2 - shift);
            mag <<= t;
            exp -= t;
            shift = 2;
        }

        if (shift <= 0)
        {
            mant = (ulong)(mag << (int)-shift);
            outExp = (int)(exp + shift);
            return CheckRange(mant, outExp, f);
        }

        if (shift > bitLen)
        {
            mant = 0;
            outExp = 0;
            return Status.Zero;
        }

        int s = (int)shift;
        BigInteger qb = mag >> s;
        bool roundBit = !(mag >> (s - 1)).IsEven;
        bool lowerNonZero = sticky || (s > 1 && (long)BigInteger.TrailingZeroCount(mag) < s - 1);
        UInt128 q = (UInt128)qb;
        if (roundBit && (lowerNonZero || (q & UInt128.One) != UInt128.Zero))
        {
            q++;
        }

        return Finish(q, exp + s, f, out mant, out outExp);
    }

    private static Status Finish(UInt128 q, long exp, BinaryFormat f, out ulong mant, out int outExp)
    {
        if (q >> f.Precision != UInt128.Zero)
        {
            q >>= 1; // carry out of the top bit
            exp++;
        }

        if (q == UInt128.Zero)
        {
            mant = 0;
            outExp = 0;
            return Status.Zero;
        }

        mant = (ulong)q;
        if (exp > int.MaxValue / 2)
        {
            outExp = 0;
            return Status.Overflow;
        }

        outExp = (int)exp;
        return CheckRange(mant, outExp, f);
    }

    private static Status CheckRange(ulong mant, int exp, BinaryFormat f)
    {
        int top = exp + 63 - BitOperations.LeadingZeroCount(mant);
        return top > f.MaxTopExponent ? Status.Overflow : Status.Ok;
    }
}

/// <summary>Validated strtod/strtold grammar of a whole input, located by offsets.</summary>
internal struct FloatSyntax
{
    public FloatKind Kind;
    public bool Negative;

    // Digit sequence = integer digits followed by fraction digits (the '.' skipped).
    public int IntStart;
    public int IntLength;
    public int FracStart;
    public int FracLength;

    // Significant digits: sequence index of the first non-zero digit and count after trailing zeros.
    public int SigStart;
    public int SignificantDigits;

    // Decimal: value = significant digits * 10^Exponent10. Hex: the 'p' exponent (saturated).
    public long Exponent10;
    public long ExponentValue;

    private const long ExponentClamp = 1_000_000_000;

    public static bool TryScan(ReadOnlySpan<byte> s, out FloatSyntax syn)
    {
        syn = default;
        int i = 0;
        if (s.IsEmpty)
        {
            return false;
        }

        if (s[0] == (byte)'+' || s[0] == (byte)'-')
        {
            syn.Negative = s[0] == (byte)'-';
            i = 1;
        }

        ReadOnlySpan<byte> rest = s[i..];
        if (rest.Length > 0 && (rest[0] | 0x20) == (byte)'i')
        {
            syn.Kind = FloatKind.Infinity;
            return rest.Length == 3 ? Ascii.EqualsIgnoreCase(rest, "inf"u8)
                : rest.Length == 8 && Ascii.EqualsIgnoreCase(rest, "infinity"u8);
        }

        bool hex = rest.Length >= 2 && rest[0] == (byte)'0' && (rest[1] | 0x20) == (byte)'x';
        if (hex)
        {
            syn.Kind = FloatKind.Hex;
            i += 2;
        }

        syn.IntStart = i;
        while (i < s.Length && IsDigit(s[i], hex))
        {
            i++;
        }

        syn.IntLength = i - syn.IntStart;
        syn.FracStart = i;
        if (i < s.Length && s[i] == (byte)'.')
        {
            i++;
            syn.FracStart = i;
            while (i < s.Length && IsDigit(s[i], hex))
            {
                i++;
            }

            syn.FracLength = i - syn.FracStart;
        }

        if (syn.IntLength + syn.FracLength == 0)
        {
            return false;
        }

        long expValue = 0;
        if (i < s.Length && (s[i] | 0x20) == (hex ? (byte)'p' : (byte)'e'))
        {
            i++;
            bool expNegative = false;
            if (i < s.Length && (s[i] == (byte)'+' || s[i] == (byte)'-'))
            {
                expNegative = s[i] == (byte)'-';
                i++;
            }

            int expStart = i;
            while (i < s.Length && (uint)(s[i] - (byte)'0') <= 9)
            {
                if (expValue < ExponentClamp)
                {
                    expValue = (expValue * 10) + (s[i] - (byte)'0');
                }

                i++;
            }

            if (i == expStart)
            {
                return false; // "1e", "0x1p+": strtod stops before the exponent, leaving garbage
            }

            if (expNegative)
            {
                expValue = -expValue;
            }
        }

        if (i != s.Length)
        {
            return false;
        }

        syn.ExponentValue = expValue;

        // Locate significant digits.
        int total = syn.IntLength + syn.FracLength;
        int first = 0;
        while (first < total && syn.DigitAt(s, first) == 0)
        {
            first++;
        }

        int last = total;
        while (last > first && syn.DigitAt(s, last - 1) == 0)
        {
            last--;
        }

        syn.SigStart = first;
        syn.SignificantDigits = last - first;
        if (!hex)
        {
            // Value = digits[first..last) * 10^(exp - fracLen + trailingZeros).
            syn.Exponent10 = expValue - syn.FracLength + (total - last);
        }

        return true;
    }

    private static bool IsDigit(byte b, bool hex) =>
        (uint)(b - (byte)'0') <= 9 || (hex && (uint)((b | 0x20) - (byte)'a') <= 5);

    public readonly int DigitAt(ReadOnlySpan<byte> s, int index)
    {
        byte b = index < IntLength ? s[IntStart + index] : s[FracStart + index - IntLength];
        return b <= (byte)'9' ? b - '0' : (b | 0x20) - 'a' + 10;
    }

    /// <summary>Significant decimal digits as an integer; caller guarantees at most 19 digits.</summary>
    public readonly ulong ReadSmallMantissa(ReadOnlySpan<byte> s)
    {
        ulong m = 0;
        for (int k = SigStart; k < SigStart + SignificantDigits; k++)
        {
            m = (m * 10) + (ulong)DigitAt(s, k);
        }

        return m;
    }

    private readonly BigInteger ReadBigMantissa(ReadOnlySpan<byte> s)
    {
        BigInteger result = BigInteger.Zero;
        int k = SigStart;
        int end = SigStart + SignificantDigits;
        while (k < end)
        {
            int chunk = Math.Min(18, end - k);
            ulong part = 0;
            for (int j = 0; j < chunk; j++)
            {
                part = (part * 10) + (ulong)DigitAt(s, k + j);
            }

            result = (result * BigInteger.Pow(10, chunk)) + part;
            k += chunk;
        }

        return result;
    }

    /// <summary>Correctly rounded decimal conversion. False on overflow or underflow of a non-zero value.</summary>
    public static bool TryDecimalToBinary(ReadOnlySpan<byte> s, in FloatSyntax syn, BinaryFormat f, out bool zero, out ulong mant, out int exp)
    {
        mant = 0;
        exp = 0;
        zero = syn.SignificantDigits == 0;
        if (zero)
        {
            return true;
        }

        // value is in [10^(magnitude-1), 10^magnitude).
        long magnitude = syn.SignificantDigits + syn.Exponent10;
        if (magnitude > f.OverflowDecimal || magnitude < f.ZeroDecimal)
        {
            return false;
        }

        // Allocation-free path for typical inputs ("0.1", "10.5", "1e20"): 19 digits fit a ulong.
        if (syn.SignificantDigits <= 19 && syn.Exponent10 >= -18 && syn.Exponent10 <= 19)
        {
            ulong small = syn.ReadSmallMantissa(s);
            ulong pow = 1;
            for (long k = Math.Abs(syn.Exponent10); k > 0; k--)
            {
                pow *= 10;
            }

            if (syn.Exponent10 >= 0)
            {
                return BinaryRounding.Round((UInt128)small * pow, 0, false, f, out mant, out exp) == BinaryRounding.Status.Ok;
            }

            // Normalized numerator 2^127 <= num < 2^128 over pow < 2^60 leaves a quotient of 67+ bits.
            int lz = BitOperations.LeadingZeroCount(small);
            UInt128 num = (UInt128)(small << lz) << 64;
            UInt128 q = num / pow;
            bool inexact = num - (q * pow) != UInt128.Zero;
            return BinaryRounding.Round(q, -(lz + 64), inexact, f, out mant, out exp) == BinaryRounding.Status.Ok;
        }

        BigInteger digits = syn.ReadBigMantissa(s);
        BinaryRounding.Status st;
        if (syn.Exponent10 >= 0)
        {
            st = BinaryRounding.Round(digits * BigInteger.Pow(10, (int)syn.Exponent10), 0, false, f, out mant, out exp);
        }
        else
        {
            BigInteger den = BigInteger.Pow(10, (int)-syn.Exponent10);
            long k = Math.Max(0, f.Precision + 3 + (long)den.GetBitLength() - (long)digits.GetBitLength());
            BigInteger q = BigInteger.DivRem(digits << (int)k, den, out BigInteger rem);
            st = BinaryRounding.Round(q, -k, !rem.IsZero, f, out mant, out exp);
        }

        return st == BinaryRounding.Status.Ok;
    }

    /// <summary>Correctly rounded hex-float conversion. False on overflow or underflow of a non-zero value.</summary>
    public static bool TryHexToBinary(ReadOnlySpan<byte> s, in FloatSyntax syn, BinaryFormat f, out bool zero, out ulong mant, out int exp)
    {
        mant = 0;
        exp = 0;
        zero = syn.SignificantDigits == 0;
        if (zero)
        {
            return true;
        }

        // Keep 30 hex digits (120 bits); the rest only matter as a sticky bit.
        UInt128 acc = UInt128.Zero;
        int used = Math.Min(30, syn.SignificantDigits);
        for (int k = 0; k < used; k++)
        {
            acc = (acc << 4) | (uint)syn.DigitAt(s, syn.SigStart + k);
        }

        bool sticky = syn.SignificantDigits > used; // trailing zeros were already excluded
        int total = syn.IntLength + syn.FracLength;
        long unconsumed = total - (syn.SigStart + used); // digits after the kept ones, incl. trailing zeros
        long e2 = syn.ExponentValue - (4L * syn.FracLength) + (4L * unconsumed);

        long top = e2 + 127 - (long)UInt128.LeadingZeroCount(acc);
        if (top > f.MaxTopExponent)
        {
            return false;
        }

        if (top < f.MinExponent - 2)
        {
            return false;
        }

        BinaryRounding.Status st = BinaryRounding.Round((BigInteger)acc, e2, sticky, f, out mant, out exp);
        return st == BinaryRounding.Status.Ok;
    }
}

/// <summary>Exact decimal digit generation for binary values mant * 2^exp2.</summary>
internal static class DecimalDigits
{
    /// <summary>Writes the 17 (digits.Length) correctly rounded significant digits; returns the decimal exponent.</summary>
    public static int Significant(ulong mant, int exp2, Span<byte> digits)
    {
        int n = digits.Length;
        int topBit = exp2 + 63 - BitOperations.LeadingZeroCount(mant);
        int exp10 = (int)Math.Floor(topBit * 0.30102999566398119521);
        BigInteger limit = BigInteger.Pow(10, n);
        BigInteger lower = BigInteger.Pow(10, n - 1);
        BigInteger scaled = ScaleRound(mant, exp2, n - 1 - exp10);
        while (scaled >= limit)
        {
            exp10++;
            scaled = ScaleRound(mant, exp2, n - 1 - exp10);
        }

        while (scaled < lower)
        {
            exp10--;
            scaled = ScaleRound(mant, exp2, n - 1 - exp10);
            if (scaled >= limit)
            {
                // Rounding pushed it over: the higher exponent is the right one.
                exp10++;
                scaled = ScaleRound(mant, exp2, n - 1 - exp10);
                break;
            }
        }

        Span<char> text = stackalloc char[n + 2];
        if (!scaled.TryFormat(text, out int written, default, CultureInfo.InvariantCulture) || written != n)
        {
            throw new InvalidOperationException("digit generation failed");
        }

        for (int i = 0; i < n; i++)
        {
            digits[i] = (byte)text[i];
        }

        return exp10;
    }

    /// <summary>round_half_even(mant * 2^exp2 * 10^pow10).</summary>
    public static BigInteger ScaleRound(ulong mant, int exp2, int pow10)
    {
        BigInteger num = mant;
        BigInteger den = BigInteger.One;
        if (exp2 >= 0)
        {
            num <<= exp2;
        }
        else
        {
            den <<= -exp2;
        }

        if (pow10 >= 0)
        {
            num *= BigInteger.Pow(10, pow10);
        }
        else
        {
            den *= BigInteger.Pow(10, -pow10);
        }

        BigInteger q = BigInteger.DivRem(num, den, out BigInteger rem);
        int cmp = (rem << 1).CompareTo(den);
        if (cmp > 0 || (cmp == 0 && !q.IsEven))
        {
            q += BigInteger.One;
        }

        return q;
    }
}

/// <summary>Text layouts shared by the double and long double formatters.</summary>
internal static class FloatText
{
    /// <summary>C "%.{n}g" layout for n correctly rounded significant digits d[0].d[1..] * 10^exp10.</summary>
    public static int WriteGeneral(bool negative, ReadOnlySpan<byte> digits, int exp10, Span<byte> dest)
    {
        int sig = digits.Length;
        while (sig > 1 && digits[sig - 1] == (byte)'0')
        {
            sig--;
        }

        int pos = 0;
        Span<byte> buf = stackalloc byte[64];
        if (negative)
        {
            buf[pos++] = (byte)'-';
        }

        if (exp10 < -4 || exp10 >= digits.Length)
        {
            buf[pos++] = digits[0];
            if (sig > 1)
            {
                buf[pos++] = (byte)'.';
                digits[1..sig].CopyTo(buf[pos..]);
                pos += sig - 1;
            }

            buf[pos++] = (byte)'e';
            buf[pos++] = exp10 < 0 ? (byte)'-' : (byte)'+';
            int ax = Math.Abs(exp10);
            if (ax < 10)
            {
                buf[pos++] = (byte)'0';
            }

            pos += RedisNumbers.FormatInt64(ax, buf[pos..]);
        }
        else if (exp10 >= 0)
        {
            int intDigits = exp10 + 1;
            for (int i = 0; i < intDigits; i++)
            {
                buf[pos++] = i < sig ? digits[i] : (byte)'0';
            }

            if (sig > intDigits)
            {
                buf[pos++] = (byte)'.';
                digits[intDigits..sig].CopyTo(buf[pos..]);
                pos += sig - intDigits;
            }
        }
        else
        {
            buf[pos++] = (byte)'0';
            buf[pos++] = (byte)'.';
            for (int i = 0; i < -exp10 - 1; i++)
            {
                buf[pos++] = (byte)'0';
            }

            digits[..sig].CopyTo(buf[pos..]);
            pos += sig;
        }

        return CopyOut(buf[..pos], dest);
    }

    /// <summary>
    /// Layout of n = value * 10^17 (decimal digits, no leading zeros) as Redis's trimmed "%.17Lf".
    /// </summary>
    public static int WriteFixed17(bool negative, ReadOnlySpan<byte> n, Span<byte> dest)
    {
        const int Decimals = 17;
        int fracEnd = n.Length;
        int minFrac = Math.Max(0, n.Length - Decimals); // index where fractional digits start
        while (fracEnd > minFrac && n[fracEnd - 1] == (byte)'0')
        {
            fracEnd--;
        }

        bool allZero = fracEnd == 0 || (n.Length == 1 && n[0] == (byte)'0');
        if (allZero)
        {
            return CopyOut("0"u8, dest); // "-0" also becomes "0"
        }

        int needed = (negative ? 1 : 0) + Math.Max(1, n.Length - Decimals) + (fracEnd > minFrac ? 1 + Decimals - (n.Length - fracEnd) : 0);
        if (dest.Length < needed)
        {
            throw new ArgumentException("Destination buffer is too small.", nameof(dest));
        }

        int pos = 0;
        if (negative)
        {
            dest[pos++] = (byte)'-';
        }

        if (n.Length > Decimals)
        {
            n[..minFrac].CopyTo(dest[pos..]);
            pos += minFrac;
        }
        else
        {
            dest[pos++] = (byte)'0';
        }

        if (fracEnd > minFrac)
        {
            dest[pos++] = (byte)'.';
            for (int i = n.Length; i < Decimals; i++)
            {
                dest[pos++] = (byte)'0'; // leading zeros of the fraction
            }

            n[minFrac..fracEnd].CopyTo(dest[pos..]);
            pos += fracEnd - minFrac;
        }

        return pos;
    }

    public static int WriteInteger(bool negative, ReadOnlySpan<byte> digits, Span<byte> dest)
    {
        int needed = digits.Length + (negative ? 1 : 0);
        if (dest.Length < needed)
        {
            throw new ArgumentException("Destination buffer is too small.", nameof(dest));
        }

        int pos = 0;
        if (negative)
        {
            dest[pos++] = (byte)'-';
        }

        digits.CopyTo(dest[pos..]);
        return needed;
    }

    public static int WriteBigInteger(bool negative, BigInteger value, Span<byte> dest)
    {
        char[] chars = ArrayPool<char>.Shared.Rent(LongDouble.MaxFormattedChars);
        byte[] bytes = ArrayPool<byte>.Shared.Rent(LongDouble.MaxFormattedChars);
        try
        {
            if (!value.TryFormat(chars, out int count, default, CultureInfo.InvariantCulture))
            {
                throw new InvalidOperationException("BigInteger formatting failed");
            }

            for (int i = 0; i < count; i++)
            {
                bytes[i] = (byte)chars[i];
            }

            return WriteInteger(negative, bytes.AsSpan(0, count), dest);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static int CopyOut(ReadOnlySpan<byte> src, Span<byte> dest)
    {
        if (!src.TryCopyTo(dest))
        {
            throw new ArgumentException("Destination buffer is too small.", nameof(dest));
        }

        return src.Length;
    }
}
