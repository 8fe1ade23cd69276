using System.Globalization;

namespace Spinel.Scripting.Lua;

/// <summary>Lua 5.1's number-to-string (<c>"%.14g"</c> as glibc prints it) and string-to-number rules.</summary>
public static class LuaNumber
{
    private const int Precision = 14;

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
        Span<byte> text = stackalloc byte[CFormat.GeneralMaxLength];
        return LuaString.From(text[..CFormat.FormatG(d, Precision, text)]);
    }

    /// <summary>The same text as <see cref="Format"/>, as a .NET string.</summary>
    public static string FormatString(double d)
    {
        Span<byte> text = stackalloc byte[CFormat.GeneralMaxLength];
        return System.Text.Encoding.ASCII.GetString(text[..CFormat.FormatG(d, Precision, text)]);
    }

    /// <summary>
    /// 5.1's <c>lua_str2number</c>: what C <c>strtod</c> accepts (leading spaces, sign, decimal with exponent,
    /// hex with optional binary exponent, inf, nan), then only spaces up to the end. A NUL byte ends the text
    /// as it does for the C string the real implementation sees.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out double value)
    {
        var nul = s.IndexOf((byte)0);
        if (nul >= 0)
            s = s[..nul];
        var i = 0;
        while (i < s.Length && IsSpace(s[i]))
            i++;
        var end = StrtodParser.Parse(s, i, out value);
        if (end == i)
            return false;
        while (end < s.Length && IsSpace(s[end]))
            end++;
        return end == s.Length;
    }

    internal static bool IsSpace(byte c) => c == ' ' || (c >= '\t' && c <= '\r');
}
