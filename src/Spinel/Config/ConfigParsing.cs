using System.Globalization;
using System.Text;
using Spinel.Util;

namespace Spinel.Config;

/// <summary>Value parsers shared by config entries, with Redis's error texts.</summary>
internal static class ConfigParsing
{
    public static string? ParseBool(string value, out bool result)
    {
        switch (value.ToLowerInvariant())
        {
            case "yes": result = true; return null;
            case "no": result = false; return null;
            default: result = false; return "argument must be 'yes' or 'no'";
        }
    }

    /// <summary>Strict integers as Redis's string2ll takes them: no '+', no spaces, no leading zeros.</summary>
    public static string? ParseLong(string value, long min, long max, out long result)
    {
        if (!RedisNumbers.TryParseInt64(Encoding.Latin1.GetBytes(value), out result))
            return "argument couldn't be parsed into an integer";
        return CheckRange(result, min, max);
    }

    public static string? CheckRange(long value, long min, long max) =>
        value < min || value > max ? $"argument must be between {min} and {max} inclusive" : null;

    /// <summary>
    /// Memory sizes as Redis writes them: digits then an optional unit (b, k, kb, m, mb, g, gb; k = 1000,
    /// kb = 1024, any case). Empty means 0; values beyond 64 bits saturate, as strtoull does.
    /// </summary>
    public static bool TryParseBytes(string value, out ulong result)
    {
        result = 0;
        int digits = 0;
        while (digits < value.Length && char.IsAsciiDigit(value[digits])) digits++;
        ulong multiplier;
        switch (value[digits..].ToLowerInvariant())
        {
            case "" or "b": multiplier = 1; break;
            case "k": multiplier = 1000; break;
            case "kb": multiplier = 1024; break;
            case "m": multiplier = 1000 * 1000; break;
            case "mb": multiplier = 1024 * 1024; break;
            case "g": multiplier = 1000L * 1000 * 1000; break;
            case "gb": multiplier = 1024L * 1024 * 1024; break;
            default: return false;
        }
        ulong n = 0;
        foreach (char c in value.AsSpan(0, digits))
        {
            ulong digit = (ulong)(c - '0');
            if (n > (ulong.MaxValue - digit) / 10)
            {
                n = ulong.MaxValue;
                break;
            }
            n = n * 10 + digit;
        }
        result = unchecked(n * multiplier); // Redis multiplies without an overflow check too
        return true;
    }

    public static string? ParseMemory(string value, long min, long max, out long result)
    {
        result = 0;
        if (!TryParseBytes(value, out ulong bytes)) return "argument must be a memory value";
        if (bytes > (ulong)long.MaxValue) return $"argument must be between {min} and {max} inclusive";
        result = (long)bytes;
        return CheckRange(result, min, max);
    }

    /// <summary>Shows a memory size the way CONFIG GET does: plain bytes.</summary>
    public static string ShowMemory(long bytes) => bytes.ToString(CultureInfo.InvariantCulture);

    /// <summary>Quotes a config file value when it is empty or has characters the file syntax treats specially.</summary>
    public static string QuoteForFile(string value)
    {
        if (value.Length > 0 && value.AsSpan().IndexOfAny(" \t\r\n\"'\\#") < 0)
        {
            bool printable = true;
            foreach (char c in value) printable &= c is >= '!' and <= '~';
            if (printable) return value;
        }
        var sb = new StringBuilder("\"");
        foreach (char c in value)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c is < ' ' or > '~') sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
