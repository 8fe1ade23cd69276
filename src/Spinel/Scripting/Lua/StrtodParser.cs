using System.Globalization;

namespace Spinel.Scripting.Lua;

/// <summary>
/// C's <c>strtod</c> in the C locale: the longest prefix that is a decimal or hexadecimal float, "inf",
/// "infinity" or "nan" / "nan(chars)" (letters case-insensitive), with an optional sign. The one number parser: cjson
/// carries on after the number, and <see cref="LuaNumber.TryParse"/> (5.1's string-to-number) requires only spaces after it.
/// Past the end of the span it reads a zero byte, as at the end of a C string, so a NUL inside the text stops it too.
/// </summary>
internal static class StrtodParser
{
    /// <summary>Parses at <paramref name="start"/>; returns the index after the number, or <paramref name="start"/> when there is none.</summary>
    public static int Parse(ReadOnlySpan<byte> s, int start, out double value)
    {
        value = 0;
        int i = start;
        bool negative = false;
        if (At(s, i) is (byte)'+' or (byte)'-')
        {
            negative = At(s, i) == '-';
            i++;
        }
        int end;
        if (At(s, i) == '0' && (At(s, i + 1) | 0x20) == 'x' && IsHexDigitOrPointedHex(s, i + 2))
            end = ParseHex(s, i + 2, out value);
        else if (IsDigit(At(s, i)) || (At(s, i) == '.' && IsDigit(At(s, i + 1))))
            end = ParseDecimal(s, i, out value);
        else if (MatchesWord(s, i, "inf"))
        {
            end = MatchesWord(s, i, "infinity") ? i + 8 : i + 3;
            value = double.PositiveInfinity;
        }
        else if (MatchesWord(s, i, "nan"))
        {
            end = i + 3;
            if (At(s, end) == '(')
            {
                int j = end + 1;
                while (IsAsciiLetterOrDigit(At(s, j)) || At(s, j) == '_') j++;
                if (At(s, j) == ')') end = j + 1;
            }
            // strtod("nan") is the positive quiet NaN; .NET's NaN constant has the sign bit set.
            value = BitConverter.Int64BitsToDouble(0x7FF8000000000000);
        }
        else return start;
        if (negative) value = -value;
        return end;
    }

    private static int ParseDecimal(ReadOnlySpan<byte> s, int i, out double value)
    {
        int begin = i;
        while (IsDigit(At(s, i))) i++;
        if (At(s, i) == '.')
        {
            i++;
            while (IsDigit(At(s, i))) i++;
        }
        if ((At(s, i) | 0x20) == 'e')
        {
            int j = i + 1;
            if (At(s, j) is (byte)'+' or (byte)'-') j++;
            if (IsDigit(At(s, j)))
            {
                while (IsDigit(At(s, j))) j++;
                i = j;
            }
        }
        value = double.Parse(s[begin..i], NumberStyles.Float, CultureInfo.InvariantCulture);
        return i;
    }

    private static int ParseHex(ReadOnlySpan<byte> s, int i, out double value)
    {
        // Keep the first 60 significant bits; any further nonzero digit only sets a sticky bit for rounding.
        ulong mantissa = 0;
        int exponent = 0;
        bool sticky = false, seenPoint = false;
        while (true)
        {
            byte c = At(s, i);
            int d = HexValue(c);
            if (d >= 0)
            {
                if (mantissa >> 56 == 0)
                {
                    mantissa = (mantissa << 4) | (uint)d;
                    if (seenPoint) exponent -= 4;
                }
                else
                {
                    if (d != 0) sticky = true;
                    if (!seenPoint) exponent += 4;
                }
                i++;
            }
            else if (c == '.' && !seenPoint)
            {
                seenPoint = true;
                i++;
            }
            else break;
        }
        if ((At(s, i) | 0x20) == 'p')
        {
            int j = i + 1;
            bool negExp = false;
            if (At(s, j) is (byte)'+' or (byte)'-')
            {
                negExp = At(s, j) == '-';
                j++;
            }
            if (IsDigit(At(s, j)))
            {
                int e = 0;
                while (IsDigit(At(s, j)))
                {
                    if (e < 100000) e = e * 10 + (At(s, j) - '0');
                    j++;
                }
                exponent += negExp ? -e : e;
                i = j;
            }
        }
        if (sticky) mantissa |= 1;
        value = Math.ScaleB(mantissa, exponent);
        return i;
    }

    private static bool IsHexDigitOrPointedHex(ReadOnlySpan<byte> s, int i) =>
        HexValue(At(s, i)) >= 0 || (At(s, i) == '.' && HexValue(At(s, i + 1)) >= 0);

    private static bool MatchesWord(ReadOnlySpan<byte> s, int i, string word)
    {
        for (int k = 0; k < word.Length; k++)
            if ((At(s, i + k) | 0x20) != word[k]) return false;
        return true;
    }

    private static byte At(ReadOnlySpan<byte> s, int i) => (uint)i < (uint)s.Length ? s[i] : (byte)0;

    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    private static bool IsAsciiLetterOrDigit(byte c) => IsDigit(c) || (uint)((c | 0x20) - 'a') <= 25;

    private static int HexValue(byte c)
    {
        if (IsDigit(c)) return c - '0';
        int lower = c | 0x20;
        return lower is >= 'a' and <= 'f' ? lower - 'a' + 10 : -1;
    }
}
