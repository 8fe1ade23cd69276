using System.Buffers.Text;
using System.Globalization;

namespace Spinel.Util;

// Temporary minimal version; replaced by the full Redis-exact implementation.
public static class RedisNumbers
{
    public static bool TryParseInt64(ReadOnlySpan<byte> s, out long v)
    {
        v = 0;
        if (s.IsEmpty || s.Length > 20) return false;
        if (s[0] == '+' || (s[0] == '0' && s.Length > 1) || (s[0] == '-' && (s.Length == 1 || s[1] == '0'))) return false;
        return Utf8Parser.TryParse(s, out v, out int n) && n == s.Length;
    }

    public static int FormatInt64(long v, Span<byte> dest)
    {
        Utf8Formatter.TryFormat(v, dest, out int n);
        return n;
    }

    public static bool TryParseDouble(ReadOnlySpan<byte> s, out double v)
    {
        v = 0;
        if (s.IsEmpty || s[0] == ' ') return false;
        return double.TryParse(System.Text.Encoding.ASCII.GetString(s), NumberStyles.Float, CultureInfo.InvariantCulture, out v) && !double.IsNaN(v);
    }

    public static int FormatDouble(double d, Span<byte> dest)
    {
        string s = double.IsPositiveInfinity(d) ? "inf" : double.IsNegativeInfinity(d) ? "-inf" : d.ToString("G17", CultureInfo.InvariantCulture).Replace("E", "e");
        for (int i = 0; i < s.Length; i++) dest[i] = (byte)s[i];
        return s.Length;
    }
}
