namespace Spinel.Scripting.Lua;

/// <summary>
/// The exact decimal expansion of a double, and rounding of it to nearest with ties to even, which is what glibc's
/// printf does for %e, %f and %g. Works on stack buffers: a double's expansion has at most 767 significant digits.
/// </summary>
public static class LuaExactDecimal
{
    /// <summary>Digit buffer size that holds any double's exact expansion plus a rounding carry.</summary>
    public const int MaxDigits = 800;

    /// <summary>
    /// Writes the significant digits ('0'..'9', no leading or trailing zeros) of |<paramref name="value"/>| and returns their count;
    /// <paramref name="exponent"/> is the power of ten of the first digit. Zero gives no digits and exponent 0. Finite values only;
    /// <paramref name="digits"/> must hold <see cref="MaxDigits"/> bytes (it is also the scratch space).
    /// </summary>
    public static int Digits(double value, Span<byte> digits, out int exponent)
    {
        long bits = BitConverter.DoubleToInt64Bits(value) & long.MaxValue;
        int biased = (int)(bits >> 52);
        ulong mantissa = (ulong)bits & ((1UL << 52) - 1);
        int binaryExponent;
        if (biased == 0) binaryExponent = -1074;
        else
        {
            mantissa |= 1UL << 52;
            binaryExponent = biased - 1075;
        }
        exponent = 0;
        if (mantissa == 0) return 0;
        while (binaryExponent < 0 && (mantissa & 1) == 0)
        {
            mantissa >>= 1;
            binaryExponent++;
        }

        // value = N * 10^-fractionDigits with N an integer: N = m * 2^e, or m * 5^-e when e < 0.
        Span<uint> limbs = stackalloc uint[88];
        limbs[0] = (uint)mantissa;
        limbs[1] = (uint)(mantissa >> 32);
        int count = limbs[1] != 0 ? 2 : 1;
        int fractionDigits = 0;
        if (binaryExponent > 0) count = ShiftLeft(limbs, count, binaryExponent);
        else if (binaryExponent < 0)
        {
            fractionDigits = -binaryExponent;
            int fives = fractionDigits;
            for (; fives >= 13; fives -= 13) count = MultiplySmall(limbs, count, 1220703125u);
            uint rest = 1;
            for (; fives > 0; fives--) rest *= 5;
            if (rest != 1) count = MultiplySmall(limbs, count, rest);
        }

        // Peel off nine decimal digits at a time from the least significant end, into the tail of the buffer,
        // then move them to its front.
        int pos = digits.Length;
        while (count > 0)
        {
            uint chunk = DivideSmall(limbs, ref count, 1_000_000_000u);
            for (int i = 0; i < 9; i++)
            {
                digits[--pos] = (byte)('0' + chunk % 10);
                chunk /= 10;
            }
        }
        while (digits[pos] == (byte)'0') pos++;
        int length = digits.Length - pos;
        exponent = length - 1 - fractionDigits;
        while (digits[pos + length - 1] == (byte)'0') length--;
        digits.Slice(pos, length).CopyTo(digits);
        return length;
    }

    /// <summary>
    /// Rounds the digits to <paramref name="keep"/> significant digits (which may be zero or negative: rounding above the
    /// first digit), nearest with ties to even on the exact value. Returns the new digit count (trailing zeros dropped); a
    /// carry past the first digit raises <paramref name="exponent"/>.
    /// </summary>
    public static int Round(Span<byte> digits, int length, int keep, ref int exponent)
    {
        if (keep >= length) return length;
        if (keep < 0) return 0;
        byte next = digits[keep];
        bool up;
        if (next > (byte)'5') up = true;
        else if (next < (byte)'5') up = false;
        else if (length > keep + 1) up = true; // trailing digits are non-zero: more than half
        else up = keep > 0 && ((digits[keep - 1] - '0') & 1) == 1;
        length = keep;
        if (!up)
        {
            while (length > 0 && digits[length - 1] == (byte)'0') length--;
            return length;
        }
        int i = keep - 1;
        while (i >= 0 && digits[i] == (byte)'9') i--;
        if (i < 0)
        {
            digits[0] = (byte)'1';
            exponent++;
            return 1;
        }
        digits[i]++;
        return i + 1;
    }

    private static int ShiftLeft(Span<uint> limbs, int count, int shift)
    {
        int words = shift / 32, bitsShift = shift % 32;
        if (bitsShift != 0)
        {
            uint carry = 0;
            for (int i = 0; i < count; i++)
            {
                uint v = limbs[i];
                limbs[i] = (v << bitsShift) | carry;
                carry = v >> (32 - bitsShift);
            }
            if (carry != 0) limbs[count++] = carry;
        }
        if (words != 0)
        {
            for (int i = count - 1; i >= 0; i--) limbs[i + words] = limbs[i];
            limbs[..words].Clear();
            count += words;
        }
        return count;
    }

    private static int MultiplySmall(Span<uint> limbs, int count, uint factor)
    {
        ulong carry = 0;
        for (int i = 0; i < count; i++)
        {
            ulong product = (ulong)limbs[i] * factor + carry;
            limbs[i] = (uint)product;
            carry = product >> 32;
        }
        if (carry != 0) limbs[count++] = (uint)carry;
        return count;
    }

    private static uint DivideSmall(Span<uint> limbs, ref int count, uint divisor)
    {
        ulong remainder = 0;
        for (int i = count - 1; i >= 0; i--)
        {
            ulong current = (remainder << 32) | limbs[i];
            limbs[i] = (uint)(current / divisor);
            remainder = current % divisor;
        }
        while (count > 0 && limbs[count - 1] == 0) count--;
        return (uint)remainder;
    }
}
