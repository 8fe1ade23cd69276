using System.Globalization;

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

    public static string? ParseLong(string value, long min, long max, out long result)
    {
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result))
            return "argument couldn't be parsed into an integer";
        if (result < min || result > max) return $"argument must be between {min} and {max} inclusive";
        return null;
    }

    /// <summary>Memory sizes as Redis writes them: 100, 1k, 1kb, 5mb, 1gb (k = 1000, kb = 1024).</summary>
    public static string? ParseMemory(string value, long min, long max, out long result)
    {
        result = 0;
        string v = value.ToLowerInvariant();
        long multiplier = 1;
        foreach (var (suffix, mul) in Units)
        {
            if (v.EndsWith(suffix, StringComparison.Ordinal))
            {
                v = v[..^suffix.Length];
                multiplier = mul;
                break;
            }
        }
        if (!long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
            return "argument must be a memory value";
        result = n * multiplier;
        if (result < min || result > max) return $"argument must be between {min} and {max} inclusive";
        return null;
    }

    private static readonly (string, long)[] Units =
    [
        ("kb", 1024L), ("mb", 1024L * 1024), ("gb", 1024L * 1024 * 1024),
        ("k", 1000L), ("m", 1000L * 1000), ("g", 1000L * 1000 * 1000),
    ];

    /// <summary>Shows a memory size the way CONFIG GET does: plain bytes.</summary>
    public static string ShowMemory(long bytes) => bytes.ToString(CultureInfo.InvariantCulture);
}
