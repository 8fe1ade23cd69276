namespace Spinel.Geo;

/// <summary>
/// Redis's geohash: a point's longitude and latitude each become a <c>step</c>-bit cell index over a fixed
/// range, and the two indexes are interleaved (latitude in the even bits, longitude in the odd bits). At 26
/// steps that is 52 bits, small enough to be stored exactly as a sorted-set score. Every operation is done
/// in the same order of floating-point operations as Redis, so scores and coordinates agree to the bit.
/// </summary>
public static class GeoHash
{
    public const int MaxStep = 26;
    public const double LonMin = -180;
    public const double LonMax = 180;
    /// <summary>The latitude limits of the (square) Web Mercator projection, which Redis uses as its range.</summary>
    public const double LatMin = -85.05112878;
    public const double LatMax = 85.05112878;

    /// <summary>
    /// The cell of (lon, lat) at <paramref name="step"/> bits per coordinate over Redis's ranges, or false for a
    /// point outside them. A coordinate exactly at its maximum gets index 2^step (one past the last cell), as in
    /// Redis: the extra bit is kept, which is why the score of latitude 85.05112878 reaches bit 52.
    /// </summary>
    public static bool TryEncode(double lon, double lat, int step, out ulong bits) =>
        TryEncode(lon, lat, step, LatMin, LatMax, out bits);

    /// <summary>Encodes over longitude ±180 and the given latitude range (GEOHASH re-encodes with ±90).</summary>
    public static bool TryEncode(double lon, double lat, int step, double latMin, double latMax, out ulong bits)
    {
        bits = 0;
        if (lon > LonMax || lon < LonMin || lat > LatMax || lat < LatMin) return false;
        if (lat < latMin || lat > latMax) return false;
        double latOffset = (lat - latMin) / (latMax - latMin);
        double lonOffset = (lon - LonMin) / (LonMax - LonMin);
        double cells = 1UL << step;
        latOffset *= cells;
        lonOffset *= cells;
        // A C double-to-uint32 conversion: truncation (the offsets are within [0, 2^26]).
        bits = Interleave((uint)(long)latOffset, (uint)(long)lonOffset);
        return true;
    }

    /// <summary>The 52-bit score of a point: its 26-step cell.</summary>
    public static bool TryScore(double lon, double lat, out ulong score) => TryEncode(lon, lat, MaxStep, out score);

    /// <summary>The corners of a cell; <paramref name="bits"/> has <paramref name="step"/> bits per coordinate.</summary>
    public static GeoCell Decode(ulong bits, int step) => Decode(bits, step, LatMin, LatMax);

    public static GeoCell Decode(ulong bits, int step, double latMin, double latMax)
    {
        ulong split = Deinterleave(bits);
        uint latIndex = (uint)split;
        uint lonIndex = (uint)(split >> 32);
        double cells = 1UL << step;
        double latScale = latMax - latMin;
        double lonScale = LonMax - LonMin;
        // uint arithmetic for index + 1, as in C (it only wraps for scores no GEOADD produces).
        return new GeoCell(
            LonMin + (lonIndex * 1.0 / cells) * lonScale,
            LonMin + ((lonIndex + 1) * 1.0 / cells) * lonScale,
            latMin + (latIndex * 1.0 / cells) * latScale,
            latMin + ((latIndex + 1) * 1.0 / cells) * latScale);
    }

    /// <summary>
    /// The coordinates GEOPOS reports for a score: the center of its 26-step cell, clamped to the ranges.
    /// Any score decodes (a member added with ZADD gets whatever its bits say), as in Redis.
    /// </summary>
    public static (double Lon, double Lat) DecodeScore(double score)
    {
        var cell = Decode(ScoreBits(score), MaxStep);
        double lon = (cell.LonMin + cell.LonMax) / 2;
        lon = Math.Min(lon, LonMax);
        lon = Math.Max(lon, LonMin);
        double lat = (cell.LatMin + cell.LatMax) / 2;
        lat = Math.Min(lat, LatMax);
        lat = Math.Max(lat, LatMin);
        return (lon, lat);
    }

    /// <summary>
    /// A score as the unsigned 64-bit integer Redis's C conversion gives on x86-64 (gcc's sequence for
    /// double to uint64): out-of-range values become 2^63 instead of saturating as .NET's cast does, and
    /// negative values wrap. Only scores a user set with ZADD are ever out of range.
    /// </summary>
    public static ulong ScoreBits(double score)
    {
        const double TwoPow63 = 9223372036854775808.0;
        if (score >= TwoPow63) return TruncateToInt64(score - TwoPow63) ^ 0x8000_0000_0000_0000UL;
        return TruncateToInt64(score);
    }

    /// <summary>C's double-to-int64 conversion on x86-64 (WITHHASH): truncation, or long.MinValue when out of range.</summary>
    public static long ScoreAsInt64(double score) => (long)TruncateToInt64(score);

    // cvttsd2si: truncation, or 0x8000000000000000 for NaN and anything outside the long range.
    private static ulong TruncateToInt64(double d) =>
        d > -9223372036854777856.0 && d < 9223372036854775808.0 ? (ulong)(long)d : 0x8000_0000_0000_0000UL;

    private const string Base32 = "0123456789bcdefghjkmnpqrstuvwxyz";

    /// <summary>
    /// GEOHASH's 11-character string. The score is decoded and re-encoded over the standard latitude range
    /// ±90, so the text is a regular geohash; its 52 bits fill ten characters and the eleventh is always '0'.
    /// </summary>
    public static void FormatHashString(double score, Span<byte> dest)
    {
        var (lon, lat) = DecodeScore(score);
        TryEncode(lon, lat, MaxStep, -90, 90, out ulong bits);
        for (int i = 0; i < 10; i++) dest[i] = (byte)Base32[(int)((bits >> (52 - ((i + 1) * 5))) & 0x1f)];
        dest[10] = (byte)'0';
    }

    /// <summary>Spreads the low 32 bits of each argument: <paramref name="even"/> into even bit positions.</summary>
    public static ulong Interleave(uint even, uint odd) => Spread(even) | (Spread(odd) << 1);

    /// <summary>The inverse of <see cref="Interleave"/>: even bits in the low half, odd bits in the high half.</summary>
    public static ulong Deinterleave(ulong bits) => Squeeze(bits) | ((ulong)Squeeze(bits >> 1) << 32);

    private static ulong Spread(uint v)
    {
        ulong x = v;
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFUL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFUL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FUL;
        x = (x | (x << 2)) & 0x3333333333333333UL;
        x = (x | (x << 1)) & 0x5555555555555555UL;
        return x;
    }

    private static uint Squeeze(ulong x)
    {
        x &= 0x5555555555555555UL;
        x = (x | (x >> 1)) & 0x3333333333333333UL;
        x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FUL;
        x = (x | (x >> 4)) & 0x00FF00FF00FF00FFUL;
        x = (x | (x >> 8)) & 0x0000FFFF0000FFFFUL;
        x = (x | (x >> 16)) & 0x00000000FFFFFFFFUL;
        return (uint)x;
    }
}

/// <summary>A geohash cell's bounds in degrees.</summary>
public readonly record struct GeoCell(double LonMin, double LonMax, double LatMin, double LatMax);
