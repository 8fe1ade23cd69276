namespace Spinel.Geo;

/// <summary>
/// Great-circle distances as Redis computes them: the haversine formula on a sphere of radius 6372797.560856 m,
/// with the same operation order (and the same shortcut for equal longitudes) so results agree to the last bit.
/// </summary>
public static class GeoDistance
{
    public const double EarthRadiusMeters = 6372797.560856;

    /// <summary>Degrees to radians with Redis's constant (pi / 180 rounded once).</summary>
    private const double DegToRad = Math.PI / 180.0;

    public static double ToRadians(double degrees) => degrees * DegToRad;

    public static double ToDegrees(double radians) => radians / DegToRad;

    /// <summary>The distance along a meridian between two latitudes.</summary>
    public static double LatitudeDistance(double lat1, double lat2) =>
        EarthRadiusMeters * Math.Abs(ToRadians(lat2) - ToRadians(lat1));

    /// <summary>Meters between two points (degrees).</summary>
    public static double Meters(double lon1, double lat1, double lon2, double lat2)
    {
        double lon1r = ToRadians(lon1);
        double lon2r = ToRadians(lon2);
        double v = Math.Sin((lon2r - lon1r) / 2);
        // Same meridian: Redis skips the trigonometry, which changes the last bits, so this must too.
        if (v == 0.0) return LatitudeDistance(lat1, lat2);
        double lat1r = ToRadians(lat1);
        double lat2r = ToRadians(lat2);
        double u = Math.Sin((lat2r - lat1r) / 2);
        double a = (u * u) + (Math.Cos(lat1r) * Math.Cos(lat2r) * v * v);
        return 2.0 * EarthRadiusMeters * Math.Asin(Math.Sqrt(a));
    }
}
