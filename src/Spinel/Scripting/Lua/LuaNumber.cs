using System.Globalization;

namespace Spinel.Scripting.Lua;

/// <summary>Lua 5.1's number-to-string (<c>"%.14g"</c> as glibc prints it) and string-to-number rules.</summary>
public static class LuaNumber
{
    private static readonly LuaString[] SmallInts = BuildSmallInts();

    private static LuaString[] BuildSmallInts()
    {
        var r = new LuaString[256];
        for (var i = 0; i < r.Length; i++)
            r[i] = LuaString.FromAscii(i.ToString(CultureInfo.InvariantCulture));
        return r;
    }

    public static LuaString Format(double d)
    {
        if (d >= 0 && d < 256 && d == (int)d && !(d == 0 && double.IsNegative(d)))
            return SmallInts[(int)d];
        return LuaString.FromAscii(FormatString(d));
    }

    /// <summary>The same text as <see cref="Format"/>, as a .NET string.</summary>
    public static string FormatString(double d)
    {
        if (double.IsNaN(d))
            return double.IsNegative(d) ? "-nan" : "nan";
        if (double.IsInfinity(d))
            return d > 0 ? "inf" : "-inf";
        if (d == Math.Floor(d) && Math.Abs(d) < 1e14)
        {
            if (d == 0)
                return double.IsNegative(d) ? "-0" : "0";
            return ((long)d).ToString(CultureInfo.InvariantCulture);
        }
        return FormatG(d, 14);
    }

    /// <summary>C's <c>%.{precision}g</c>.</summary>
    internal static string FormatG(double d, int precision)
    {
        if (double.IsNaN(d))
            return double.IsNegative(d) ? "-nan" : "nan";
        if (double.IsInfinity(d))
            return d > 0 ? "inf" : "-inf";
        if (precision == 0)
            precision = 1;
        if (d == 0)
            return double.IsNegative(d) ? "-0" : "0";
        var e = d.ToString("E" + (precision - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var neg = e[0] == '-';
        var body = neg ? e.AsSpan(1) : e.AsSpan();
        var ePos = body.IndexOf('E');
        var exp = int.Parse(body[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        Span<char> digits = stackalloc char[precision];
        var n = 0;
        foreach (var c in body[..ePos])
        {
            if (c != '.')
                digits[n++] = c;
        }
        var sb = new System.Text.StringBuilder(32);
        if (neg)
            sb.Append('-');
        if (exp < -4 || exp >= precision)
        {
            var last = n;
            while (last > 1 && digits[last - 1] == '0')
                last--;
            sb.Append(digits[0]);
            if (last > 1)
            {
                sb.Append('.');
                sb.Append(digits[1..last]);
            }
            sb.Append('e');
            sb.Append(exp < 0 ? '-' : '+');
            var a = Math.Abs(exp);
            if (a < 10)
                sb.Append('0');
            sb.Append(a.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            // Fixed notation with precision-1-exp decimals, trailing zeros removed.
            var last = n;
            var intDigits = exp + 1;
            while (last > Math.Max(intDigits, 0) && digits[last - 1] == '0')
                last--;
            if (intDigits <= 0)
            {
                sb.Append("0.");
                sb.Append('0', -intDigits);
                sb.Append(digits[..last]);
            }
            else
            {
                sb.Append(digits[..intDigits]);
                if (last > intDigits)
                {
                    sb.Append('.');
                    sb.Append(digits[intDigits..last]);
                }
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// 5.1's <c>lua_str2number</c>: what C <c>strtod</c> accepts (leading spaces, sign, decimal with exponent,
    /// hex with optional binary exponent, inf, nan), then only spaces up to the end. A NUL byte ends the text
    /// as it does for the C string the real implementation sees.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        var nul = s.IndexOf((byte)0);
        if (nul >= 0)
            s = s[..nul];
        var i = 0;
        while (i < s.Length && IsSpace(s[i]))
            i++;
        var end = ParsePrefix(s, i, out value);
        if (end < 0)
            return false;
        while (end < s.Length && IsSpace(s[end]))
            end++;
        return end == s.Length;
    }

    internal static bool IsSpace(byte c) => c == ' ' || (c >= '\t' && c <= '\r');

    /// <summary>Parses the longest number <c>strtod</c> would at <paramref name="start"/>; returns its end, or -1.</summary>
    internal static int ParsePrefix(ReadOnlySpan<byte> s, int start, out double value)
    {
        value = 0;
        var i = start;
        var neg = false;
        if (i < s.Length && (s[i] == '+' || s[i] == '-'))
        {
            neg = s[i] == '-';
            i++;
        }
        if (i + 1 < s.Length && s[i] == '0' && (s[i + 1] | 0x20) == 'x')
        {
            var h = ParseHex(s, i + 2, out var hv);
            if (h > 0)
            {
                value = neg ? -hv : hv;
                return h;
            }
            // "0x" without digits: strtod reads the "0".
            value = neg ? -0.0 : 0.0;
            return i + 1;
        }
        if (i < s.Length && ((s[i] | 0x20) == 'i' || (s[i] | 0x20) == 'n'))
        {
            if (MatchWord(s, i, "infinity"))
            {
                value = neg ? double.NegativeInfinity : double.PositiveInfinity;
                return i + 8;
            }
            if (MatchWord(s, i, "inf"))
            {
                value = neg ? double.NegativeInfinity : double.PositiveInfinity;
                return i + 3;
            }
            if (MatchWord(s, i, "nan"))
            {
                var j = i + 3;
                if (j < s.Length && s[j] == '(')
                {
                    var k = j + 1;
                    while (k < s.Length && (char.IsAsciiLetterOrDigit((char)s[k]) || s[k] == '_'))
                        k++;
                    if (k < s.Length && s[k] == ')')
                        j = k + 1;
                }
                value = BitConverter.Int64BitsToDouble(neg ? unchecked((long)0xFFF8000000000000) : 0x7FF8000000000000);
                return j;
            }
            return -1;
        }
        var digitsStart = i;
        var sawDigit = false;
        while (i < s.Length && IsDigit(s[i]))
        {
            i++;
            sawDigit = true;
        }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && IsDigit(s[i]))
            {
                i++;
                sawDigit = true;
            }
        }
        if (!sawDigit)
            return -1;
        if (i < s.Length && (s[i] | 0x20) == 'e')
        {
            var j = i + 1;
            if (j < s.Length && (s[j] == '+' || s[j] == '-'))
                j++;
            if (j < s.Length && IsDigit(s[j]))
            {
                while (j < s.Length && IsDigit(s[j]))
                    j++;
                i = j;
            }
        }
        Span<char> chars = i - digitsStart <= 256 ? stackalloc char[i - digitsStart] : new char[i - digitsStart];
        for (var k = 0; k < chars.Length; k++)
            chars[k] = (char)s[digitsStart + k];
        var v = double.Parse(chars, NumberStyles.Float, CultureInfo.InvariantCulture);
        value = neg ? -v : v;
        return i;
    }

    private static int ParseHex(ReadOnlySpan<byte> s, int i, out double value)
    {
        value = 0;
        var any = false;
        var exp = 0;
        while (i < s.Length && HexVal(s[i]) >= 0)
        {
            value = value * 16 + HexVal(s[i]);
            i++;
            any = true;
        }
        if (i < s.Length && s[i] == '.')
        {
            var j = i + 1;
            var frac = false;
            while (j < s.Length && HexVal(s[j]) >= 0)
            {
                value = value * 16 + HexVal(s[j]);
                exp -= 4;
                j++;
                frac = true;
            }
            if (any || frac)
            {
                i = j;
                any = true;
            }
        }
        if (!any)
            return -1;
        if (i < s.Length && (s[i] | 0x20) == 'p')
        {
            var j = i + 1;
            var eneg = false;
            if (j < s.Length && (s[j] == '+' || s[j] == '-'))
            {
                eneg = s[j] == '-';
                j++;
            }
            if (j < s.Length && IsDigit(s[j]))
            {
                var e = 0;
                while (j < s.Length && IsDigit(s[j]))
                {
                    if (e < 100000)
                        e = e * 10 + (s[j] - '0');
                    j++;
                }
                exp += eneg ? -e : e;
                i = j;
            }
        }
        if (exp != 0)
            value = Math.ScaleB(value, exp);
        return i;
    }

    private static bool MatchWord(ReadOnlySpan<byte> s, int i, string w)
    {
        if (i + w.Length > s.Length)
            return false;
        for (var k = 0; k < w.Length; k++)
        {
            if ((s[i + k] | 0x20) != w[k])
                return false;
        }
        return true;
    }

    internal static bool IsDigit(byte c) => c >= '0' && c <= '9';

    internal static int HexVal(byte c)
    {
        if (c >= '0' && c <= '9')
            return c - '0';
        c |= 0x20;
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        return -1;
    }
}
