using System.Globalization;

namespace Spinel.Geo;

/// <summary>Distance units (m, km, ft, mi) and the distance text GEODIST and WITHDIST reply.</summary>
public static class GeoUnits
{
    public const string UnsupportedUnit = "ERR unsupported unit provided. please use M, KM, FT, MI";

    /// <summary>Meters per unit; false for anything else. Redis compares with strcasecmp, so a NUL ends the word.</summary>
    public static bool TryParse(ReadOnlySpan<byte> unit, out double toMeters)
    {
        toMeters = 0;
        if (GeoWords.Is(unit, "m")) toMeters = 1;
        else if (GeoWords.Is(unit, "km")) toMeters = 1000;
        else if (GeoWords.Is(unit, "ft")) toMeters = 0.3048;
        else if (GeoWords.Is(unit, "mi")) toMeters = 1609.34;
        else return false;
        return true;
    }

    /// <summary>C's "%.4f": .NET's "F4" gives the same exactly rounded digits (ties to even).</summary>
    public static int FormatDistance(double distance, Span<byte> dest)
    {
        if (double.IsNaN(distance)) return Copy(double.IsNegative(distance) ? "-nan"u8 : "nan"u8, dest);
        if (double.IsInfinity(distance)) return Copy(distance > 0 ? "inf"u8 : "-inf"u8, dest);
        if (!distance.TryFormat(dest, out int written, "F4", CultureInfo.InvariantCulture))
            throw new ArgumentException("Destination buffer is too small.", nameof(dest));
        return written;
    }

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> dest)
    {
        text.CopyTo(dest);
        return text.Length;
    }
}

/// <summary>Option words compared the way Redis's geo code does (strcasecmp: ASCII case folded, a NUL ends the argument).</summary>
public static class GeoWords
{
    public static bool Is(ReadOnlySpan<byte> arg, string word)
    {
        int nul = arg.IndexOf((byte)0);
        if (nul >= 0) arg = arg[..nul];
        if (arg.Length != word.Length) return false;
        for (int i = 0; i < arg.Length; i++)
        {
            byte b = arg[i];
            if (b >= (byte)'A' && b <= (byte)'Z') b += 32;
            if (b != word[i]) return false;
        }
        return true;
    }
}
