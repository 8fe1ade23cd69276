namespace Spinel.Protocol;

/// <summary>
/// Splits an inline command line the way redis-cli and telnet users expect: whitespace separates
/// arguments, "double quotes" understand \n \r \t \b \a \\ \" and \xHH, 'single quotes' understand \'.
/// A closing quote must be followed by whitespace or the end of the line.
/// </summary>
public static class InlineSplitter
{
    /// <summary>Writes unescaped arguments into <paramref name="scratch"/>; false on unbalanced quotes.</summary>
    public static bool Split(ReadOnlySpan<byte> line, byte[] scratch, ArgumentList args)
    {
        int p = 0, w = 0;
        while (true)
        {
            while (p < line.Length && IsSpace(line[p])) p++;
            if (p >= line.Length || line[p] == 0) return true;

            int argStart = w;
            bool inDouble = false, inSingle = false;
            while (true)
            {
                if (inDouble)
                {
                    if (p >= line.Length) return false;
                    byte c = line[p];
                    if (c == '\\' && p + 3 < line.Length && line[p + 1] == 'x' && IsHex(line[p + 2]) && IsHex(line[p + 3]))
                    {
                        scratch[w++] = (byte)(HexValue(line[p + 2]) * 16 + HexValue(line[p + 3]));
                        p += 3;
                    }
                    else if (c == '\\' && p + 1 < line.Length)
                    {
                        p++;
                        scratch[w++] = line[p] switch
                        {
                            (byte)'n' => (byte)'\n',
                            (byte)'r' => (byte)'\r',
                            (byte)'t' => (byte)'\t',
                            (byte)'b' => (byte)'\b',
                            (byte)'a' => (byte)'\a',
                            var other => other,
                        };
                    }
                    else if (c == '"')
                    {
                        if (p + 1 < line.Length && !IsSpace(line[p + 1])) return false;
                        p++;
                        break;
                    }
                    else scratch[w++] = c;
                    p++;
                }
                else if (inSingle)
                {
                    if (p >= line.Length) return false;
                    byte c = line[p];
                    if (c == '\\' && p + 1 < line.Length && line[p + 1] == '\'')
                    {
                        p++;
                        scratch[w++] = (byte)'\'';
                    }
                    else if (c == '\'')
                    {
                        if (p + 1 < line.Length && !IsSpace(line[p + 1])) return false;
                        p++;
                        break;
                    }
                    else scratch[w++] = c;
                    p++;
                }
                else
                {
                    if (p >= line.Length) break;
                    byte c = line[p];
                    if (c is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or 0) break;
                    if (c == '"') inDouble = true;
                    else if (c == '\'') inSingle = true;
                    else scratch[w++] = c;
                    p++;
                }
            }
            args.Add(argStart, w - argStart);
        }
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    private static bool IsHex(byte c) => char.IsAsciiHexDigit((char)c);

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
