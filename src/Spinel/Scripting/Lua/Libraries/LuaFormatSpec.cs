namespace Spinel.Scripting.Lua.Libraries;

/// <summary>One parsed '%' item of string.format: flags, width, precision (-1 when absent) and the conversion letter.</summary>
public struct LuaFormatSpec
{
    public bool LeftAlign;
    public bool Plus;
    public bool Space;
    public bool Alternate;
    public bool ZeroPad;
    public int Width;
    public int Precision;
    public byte Conversion;

    /// <summary>
    /// Parses the item after a '%' at <paramref name="index"/> (which is left just past the conversion letter) with 5.1's limits:
    /// at most 5 flag characters, width and precision of at most 2 digits. The conversion letter is not validated here.
    /// </summary>
    public static LuaFormatSpec Parse(ReadOnlySpan<byte> format, ref int index)
    {
        var spec = new LuaFormatSpec { Precision = -1 };
        int i = index;
        int flagStart = i;
        while (i < format.Length && "-+ #0"u8.IndexOf(format[i]) >= 0)
        {
            switch (format[i])
            {
                case (byte)'-': spec.LeftAlign = true; break;
                case (byte)'+': spec.Plus = true; break;
                case (byte)' ': spec.Space = true; break;
                case (byte)'#': spec.Alternate = true; break;
                default: spec.ZeroPad = true; break;
            }
            i++;
        }
        if (i - flagStart >= 6) throw new LuaStringException("invalid format (repeated flags)");
        spec.Width = ReadNumber(format, ref i);
        if (i < format.Length && format[i] == (byte)'.')
        {
            i++;
            spec.Precision = ReadNumber(format, ref i);
        }
        if (i < format.Length && IsDigit(format[i])) throw new LuaStringException("invalid format (width or precision too long)");
        // Past the end the C format string has its terminating zero, which is then the (invalid) conversion.
        spec.Conversion = i < format.Length ? format[i] : (byte)0;
        index = i + 1;
        return spec;
    }

    private static int ReadNumber(ReadOnlySpan<byte> format, ref int i)
    {
        int value = 0;
        for (int digits = 0; digits < 2 && i < format.Length && IsDigit(format[i]); digits++, i++) value = value * 10 + (format[i] - '0');
        return value;
    }

    private static bool IsDigit(byte c) => c >= '0' && c <= '9';
}
