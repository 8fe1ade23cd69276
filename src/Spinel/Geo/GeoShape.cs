namespace Spinel.Geo;

/// <summary>
/// What a geo search looks for: a circle (BYRADIUS, GEORADIUS) or a box (BYBOX) around a center, with sizes in
/// the request's unit and <see cref="ToMeters"/> to convert them.
/// </summary>
public struct GeoShape
{
    public double CenterLon;
    public double CenterLat;
    public bool IsBox;
    public double Radius;
    public double Width;
    public double Height;
    public double ToMeters;

    /// <summary>
    /// Whether a member's point (already decoded) is inside the shape; <paramref name="meters"/> is then its
    /// distance from the center. Box: latitude first (cheap), then the east-west distance along the member's
    /// own parallel, as Redis tests them.
    /// </summary>
    public readonly bool Contains(double lon, double lat, out double meters)
    {
        meters = 0;
        if (!IsBox)
        {
            meters = GeoDistance.Meters(CenterLon, CenterLat, lon, lat);
            return !(meters > Radius * ToMeters);
        }
        double widthMeters = Width * ToMeters;
        double heightMeters = Height * ToMeters;
        if (GeoDistance.LatitudeDistance(lat, CenterLat) > heightMeters / 2) return false;
        if (GeoDistance.Meters(lon, lat, CenterLon, lat) > widthMeters / 2) return false;
        meters = GeoDistance.Meters(CenterLon, CenterLat, lon, lat);
        return true;
    }
}
