namespace Spinel.Geo;

/// <summary>
/// Which score ranges a search must scan, as Redis chooses them: a geohash step coarse enough that the
/// center's cell plus its 8 neighbours cover the shape's bounding box, then the neighbours the box does not
/// reach are dropped. The ranges come out in Redis's order (center, N, S, E, W, NE, NW, SE, SW), which is the
/// order of unsorted results.
/// </summary>
public static class GeoSearchArea
{
    /// <summary>Half the equator in Web Mercator meters: the widest radius worth one step.</summary>
    private const double MercatorMax = 20037726.37;

    /// <summary>A cell at some step; zero step means "dropped".</summary>
    private readonly record struct Cell(ulong Bits, int Step);

    /// <summary>Scans [Min, Max) of scores, in this order.</summary>
    public readonly record struct ScoreInterval(double Min, double Max);

    /// <summary>The lon/lat bounding box of the shape: [min lon, min lat, max lon, max lat].</summary>
    public static (double MinLon, double MinLat, double MaxLon, double MaxLat) BoundingBox(in GeoShape shape)
    {
        double lon = shape.CenterLon;
        double lat = shape.CenterLat;
        double height = shape.ToMeters * (shape.IsBox ? shape.Height / 2 : shape.Radius);
        double width = shape.ToMeters * (shape.IsBox ? shape.Width / 2 : shape.Radius);
        double latDelta = GeoDistance.ToDegrees(height / GeoDistance.EarthRadiusMeters);
        double lonDeltaTop = GeoDistance.ToDegrees(width / GeoDistance.EarthRadiusMeters / Math.Cos(GeoDistance.ToRadians(lat + latDelta)));
        double lonDeltaBottom = GeoDistance.ToDegrees(width / GeoDistance.EarthRadiusMeters / Math.Cos(GeoDistance.ToRadians(lat - latDelta)));
        // Parallels shrink toward the pole, so the widest edge is the one nearer the equator.
        double lonDelta = lat < 0 ? lonDeltaBottom : lonDeltaTop;
        return (lon - lonDelta, lat - latDelta, lon + lonDelta, lat + latDelta);
    }

    /// <summary>The step whose cells are about as large as the radius (coarser near the poles).</summary>
    public static int EstimateStep(double meters, double lat)
    {
        if (meters == 0) return GeoHash.MaxStep;
        int step = 1;
        while (meters < MercatorMax)
        {
            meters *= 2;
            step++;
        }
        step -= 2;
        if (lat > 66 || lat < -66)
        {
            step--;
            if (lat > 80 || lat < -80) step--;
        }
        return Math.Clamp(step, 1, GeoHash.MaxStep);
    }

    /// <summary>The score ranges to scan for <paramref name="shape"/>, at most 9, in Redis's order.</summary>
    public static List<ScoreInterval> Ranges(in GeoShape shape)
    {
        var (minLon, minLat, maxLon, maxLat) = BoundingBox(shape);
        double lon = shape.CenterLon;
        double lat = shape.CenterLat;
        double radiusMeters = shape.IsBox
            ? Math.Sqrt((shape.Width / 2 * (shape.Width / 2)) + (shape.Height / 2 * (shape.Height / 2)))
            : shape.Radius;
        radiusMeters *= shape.ToMeters;

        int step = EstimateStep(radiusMeters, lat);
        GeoHash.TryEncode(lon, lat, step, out ulong center);
        var neighbors = Neighbors(center, step);

        // The estimate can leave part of the box outside the 3x3 cells when the center sits near its cell's
        // edge: one step coarser then.
        bool tooFine = GeoHash.Decode(neighbors[North].Bits, step).LatMax < maxLat
            || GeoHash.Decode(neighbors[South].Bits, step).LatMin > minLat
            || GeoHash.Decode(neighbors[East].Bits, step).LonMax < maxLon
            || GeoHash.Decode(neighbors[West].Bits, step).LonMin > minLon;
        if (step > 1 && tooFine)
        {
            step--;
            GeoHash.TryEncode(lon, lat, step, out center);
            neighbors = Neighbors(center, step);
        }

        // Where the center cell itself reaches past the bounding box, the neighbours on that side cannot hold
        // matches and are dropped (not at step 1, where the cells wrap around the globe).
        if (step >= 2)
        {
            var area = GeoHash.Decode(center, step);
            if (area.LatMin < minLat) Drop(neighbors, South, SouthWest, SouthEast);
            if (area.LatMax > maxLat) Drop(neighbors, North, NorthEast, NorthWest);
            if (area.LonMin < minLon) Drop(neighbors, West, SouthWest, NorthWest);
            if (area.LonMax > maxLon) Drop(neighbors, East, SouthEast, NorthEast);
        }

        var ranges = new List<ScoreInterval>(9);
        Cell last = default;
        for (int i = -1; i < 8; i++)
        {
            var cell = i < 0 ? new Cell(center, step) : neighbors[i];
            if (cell.Step == 0 && cell.Bits == 0) continue;
            // Wide searches make neighbours coincide (they wrap around the globe): like Redis, skip a cell
            // equal to the last one scanned, except that the first neighbour is never compared to the center.
            if (i >= 0 && last.Step != 0 && cell == last) continue;
            ranges.Add(new ScoreInterval(Align(cell.Bits, step), Align(cell.Bits + 1, step)));
            if (i >= 0) last = cell;
        }
        return ranges;
    }

    private const int North = 0, South = 1, East = 2, West = 3, NorthEast = 4, NorthWest = 5, SouthEast = 6, SouthWest = 7;

    private static void Drop(Cell[] neighbors, int a, int b, int c) => neighbors[a] = neighbors[b] = neighbors[c] = default;

    /// <summary>A cell's bits shifted up to 52-bit score precision.</summary>
    private static double Align(ulong bits, int step) => bits << (52 - (step * 2));

    /// <summary>N, S, E, W, NE, NW, SE, SW: each index moved by one, wrapping around at the step's size.</summary>
    private static Cell[] Neighbors(ulong center, int step)
    {
        ulong split = GeoHash.Deinterleave(center);
        uint lat = (uint)split;
        uint lon = (uint)(split >> 32);
        uint mask = (uint)((1UL << step) - 1);
        Cell At(int dLon, int dLat) =>
            new(GeoHash.Interleave(dLat == 0 ? lat : (uint)(lat + dLat) & mask, dLon == 0 ? lon : (uint)(lon + dLon) & mask), step);
        return [At(0, 1), At(0, -1), At(1, 0), At(-1, 0), At(1, 1), At(-1, 1), At(1, -1), At(-1, -1)];
    }
}
