using System.Text;
using Spinel.Geo;
using Spinel.Util;

namespace Spinel.Tests.Geo;

// Expected values come from redis-server 7.0.15: GEOADD, then ZSCORE / GEOPOS / GEOHASH / GEODIST
// (and ZADD of arbitrary scores for the decoding of scores GEOADD never produces).
public class GeoHashTests
{
    private static string Human(double d)
    {
        Span<byte> buf = stackalloc byte[RedisNumbers.MaxDoubleHumanChars];
        return Encoding.ASCII.GetString(buf[..RedisNumbers.FormatDoubleHuman(d, buf)]);
    }

    private static string Hash(double score)
    {
        Span<byte> buf = stackalloc byte[11];
        GeoHash.FormatHashString(score, buf);
        return Encoding.ASCII.GetString(buf);
    }

    private static string Dist(double meters)
    {
        Span<byte> buf = stackalloc byte[64];
        return Encoding.ASCII.GetString(buf[..GeoUnits.FormatDistance(meters, buf)]);
    }

    [Theory]
    [InlineData(0, 0, 3377699720527872L, "0.00000268220901489", "0.00000126736058093", "s0000000000")]
    [InlineData(180, 0, 10133099161583616L, "180", "0.00000126736058093", "80000000000")]
    [InlineData(-180, 0, 1125899906842624L, "-179.99999731779098511", "0.00000126736058093", "80000000000")]
    [InlineData(180, 85.05112878, 13510798882111488L, "180", "85.0511287799999991", "bp05b5048p0")]
    [InlineData(-180, -85.05112878, 0L, "-179.99999731779098511", "-85.05112751263942528", "00bh0hbj200")]
    [InlineData(0, 85.05112878, 6755399441055744L, "0.00000268220901489", "85.0511287799999991", "up05b5048p0")]
    [InlineData(0, -85.05112878, 2251799813685248L, "0.00000268220901489", "-85.05112751263942528", "h0bh0hbj200")]
    [InlineData(13.361389, 38.115556, 3479099956230698L, "13.36138933897018433", "38.11555639549629859", "sqc8b49rny0")]
    [InlineData(15.087269, 37.502669, 3479447370796909L, "15.08726745843887329", "37.50266842333162032", "sqdtr74hyu0")]
    [InlineData(179.9999999, -10, 3371858480835306L, "179.99999731779098511", "-10.00000092823272979", "rypzpgxczb0")]
    [InlineData(-179.9999999, 10, 1131741146535189L, "-179.99999731779098511", "10.00000092823272979", "81b0bh2n0p0")]
    [InlineData(10, 80, 3754425983690091L, "10.00000208616256714", "80.00000108905889817", "unpp5e9cbc0")]
    [InlineData(10, -30, 2554050588942702L, "10.00000208616256714", "-30.00000024997701331", "k4xj7d9v2f0")]
    public void Point_ScorePositionAndHash_MatchRedis(double lon, double lat, long score, string posLon, string posLat, string hash)
    {
        Assert.True(GeoHash.TryScore(lon, lat, out ulong bits));
        Assert.Equal((ulong)score, bits);
        var (dlon, dlat) = GeoHash.DecodeScore(bits);
        Assert.Equal(posLon, Human(dlon));
        Assert.Equal(posLat, Human(dlat));
        Assert.Equal(hash, Hash(bits));
    }

    [Theory]
    [InlineData(180.0000001, 0)]
    [InlineData(-180.0000001, 0)]
    [InlineData(0, 85.05112879)]
    [InlineData(0, -85.05112879)]
    [InlineData(0, 90)]
    public void OutsideTheRanges_DoesNotEncode(double lon, double lat) =>
        Assert.False(GeoHash.TryScore(lon, lat, out _));

    // Scores set with ZADD decode however their bits fall; negative and huge ones through C's double-to-uint64.
    [Theory]
    [InlineData(-1.0, "180", "85.0511287799999991", "bp05b5048p0")]
    [InlineData(1e300, "-179.99999731779098511", "-85.05112751263942528", "00bh0hbj200")]
    [InlineData(9007199254740992.0, "180", "-85.05112751263942528", "00bh0hbj200")]
    [InlineData(18014398509481984.0, "-179.99999731779098511", "85.0511287799999991", "bp05b5048p0")]
    [InlineData(4503599627370495.0, "179.99999731779098511", "85.05112751263942528", "zzpgzgpfxz0")]
    public void ArbitraryScores_DecodeLikeRedis(double score, string lon, string lat, string hash)
    {
        var (dlon, dlat) = GeoHash.DecodeScore(score);
        Assert.Equal(lon, Human(dlon));
        Assert.Equal(lat, Human(dlat));
        Assert.Equal(hash, Hash(score));
    }

    [Theory]
    [InlineData(13.361389, 38.115556, 15.087269, 37.502669, 1, "166274.1516")]
    [InlineData(13.361389, 38.115556, 15.087269, 37.502669, 1000, "166.2742")]
    [InlineData(13.361389, 38.115556, 15.087269, 37.502669, 0.3048, "545518.8700")]
    [InlineData(13.361389, 38.115556, 15.087269, 37.502669, 1609.34, "103.3182")]
    [InlineData(0, 0, 0, 85.05112878, 1, "9459922.2241")]
    [InlineData(0, 85.05112878, 0, -85.05112878, 1000, "18919.8446")]
    [InlineData(180, 0, -180, 0, 1, "0.2983")]
    [InlineData(0, 0, 180, 0, 1, "20020733.6202")]
    [InlineData(0, 0, 0.0001, 0, 1, "10.7400")]
    [InlineData(0, 0, 0, 0, 1, "0.0000")]
    [InlineData(13.361389, 38.115556, 0, 0, 1609.34, "2768.0496")]
    public void Distance_BetweenStoredPoints_MatchesGeodist(double lon1, double lat1, double lon2, double lat2, double unit, string expected)
    {
        GeoHash.TryScore(lon1, lat1, out ulong a);
        GeoHash.TryScore(lon2, lat2, out ulong b);
        var (x1, y1) = GeoHash.DecodeScore(a);
        var (x2, y2) = GeoHash.DecodeScore(b);
        Assert.Equal(expected, Dist(GeoDistance.Meters(x1, y1, x2, y2) / unit));
    }

    [Theory]
    [InlineData(0.03125, "0.0312")]   // an exact tie rounds to even, as glibc's printf does
    [InlineData(0.09375, "0.0938")]
    [InlineData(123456.78125, "123456.7812")]
    [InlineData(0.00004999, "0.0000")]
    public void DistanceText_IsPrintfFixedFour(double d, string expected) => Assert.Equal(expected, Dist(d));

    [Theory]
    [InlineData("m", 1)]
    [InlineData("KM", 1000)]
    [InlineData("Ft", 0.3048)]
    [InlineData("mI", 1609.34)]
    [InlineData("m\0x", 1)]
    public void Units_ParseCaseInsensitively(string unit, double expected)
    {
        Assert.True(GeoUnits.TryParse(Encoding.Latin1.GetBytes(unit), out double toMeters));
        Assert.Equal(expected, toMeters);
    }

    [Theory]
    [InlineData("")]
    [InlineData("meters")]
    [InlineData("k")]
    [InlineData("\u00cdm")]
    public void Units_RejectOtherWords(string unit) =>
        Assert.False(GeoUnits.TryParse(Encoding.Latin1.GetBytes(unit), out _));

    [Fact]
    public void Interleave_RoundTrips()
    {
        var rng = new Random(3);
        for (int i = 0; i < 1000; i++)
        {
            uint lat = (uint)rng.NextInt64(0, 1L << 32), lon = (uint)rng.NextInt64(0, 1L << 32);
            ulong split = GeoHash.Deinterleave(GeoHash.Interleave(lat, lon));
            Assert.Equal(lat, (uint)split);
            Assert.Equal(lon, (uint)(split >> 32));
        }
        Assert.Equal(1UL, GeoHash.Interleave(1, 0));
        Assert.Equal(2UL, GeoHash.Interleave(0, 1));
    }

    [Theory]
    [InlineData(0, 0, 26)]
    [InlineData(1, 0, 24)]           // 1 m doubles 25 times to reach the Mercator half-width; minus 2 for margin
    [InlineData(1000, 0, 14)]
    [InlineData(1000, 70, 13)]       // beyond 66 degrees one step coarser
    [InlineData(1000, -85, 12)]      // beyond 80 degrees two
    [InlineData(5_000_000, 0, 2)]
    [InlineData(50_000_000, 0, 1)]   // never below 1
    public void EstimateStep_GrowsCoarserWithRadiusAndLatitude(double meters, double lat, int expected) =>
        Assert.Equal(expected, GeoSearchArea.EstimateStep(meters, lat));
}
