using Spinel.Storage;

namespace Spinel.Geo;

/// <summary>A search result: a member with its decoded position, its distance from the center (meters) and its score.</summary>
public struct GeoPoint
{
    public byte[] Member;
    public double Score;
    public double Lon;
    public double Lat;
    public double Distance;
}

/// <summary>Finds the members of a sorted set inside a <see cref="GeoShape"/>, in the order Redis finds them.</summary>
public static class GeoCollector
{
    /// <summary>
    /// Scans the shape's score ranges (center cell, then neighbours) in score order within each, keeping the
    /// members inside the shape. With a <paramref name="limit"/> (COUNT ... ANY) it stops at that many.
    /// </summary>
    public static List<GeoPoint> Collect(SortedSetValue set, in GeoShape shape, long limit)
    {
        var found = new List<GeoPoint>();
        foreach (var interval in GeoSearchArea.Ranges(shape))
        {
            if (limit > 0 && found.Count >= limit) break;
            var range = new ScoreRange(interval.Min, false, interval.Max, true);
            int rank = set.FirstInRange(range);
            if (rank < 0) continue;
            var walk = set.Walk(rank);
            while (walk.MoveNext() && range.LteMax(walk.Score))
            {
                var (lon, lat) = GeoHash.DecodeScore(walk.Score);
                if (shape.Contains(lon, lat, out double meters))
                {
                    found.Add(new GeoPoint { Member = walk.Member.ToArray(), Score = walk.Score, Lon = lon, Lat = lat, Distance = meters });
                    if (limit > 0 && found.Count >= limit) break;
                }
            }
        }
        return found;
    }

    /// <summary>Ascending distance, with C's comparator shape (equal distances compare equal).</summary>
    public static int Nearest(GeoPoint a, GeoPoint b) => a.Distance > b.Distance ? 1 : a.Distance == b.Distance ? 0 : -1;

    public static int Farthest(GeoPoint a, GeoPoint b) => -Nearest(a, b);
}
