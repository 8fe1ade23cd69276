using Spinel.Geo;

namespace Spinel.Tests.Geo;

/// <summary>Properties of the search area and the result sort; exact agreement with Redis is checked by the differential tests.</summary>
public class GeoSearchAreaTests
{
    // Every stored point inside the shape must have its score in one of the scanned ranges, or a search would miss it.
    [Fact]
    public void Ranges_CoverEveryPointInsideTheShape()
    {
        var rng = new Random(11);
        for (int t = 0; t < 400; t++)
        {
            var shape = new GeoShape
            {
                CenterLon = (rng.NextDouble() * 360) - 180,
                CenterLat = (rng.NextDouble() * 170) - 85,
                IsBox = rng.Next(2) == 0,
                Radius = Math.Pow(10, rng.NextDouble() * 6),
                Width = Math.Pow(10, rng.NextDouble() * 6),
                Height = Math.Pow(10, rng.NextDouble() * 6),
                ToMeters = 1,
            };
            var ranges = GeoSearchArea.Ranges(shape);
            Assert.InRange(ranges.Count, 1, 9);
            for (int p = 0; p < 300; p++)
            {
                double lon = shape.CenterLon + ((rng.NextDouble() - 0.5) * 30);
                double lat = shape.CenterLat + ((rng.NextDouble() - 0.5) * 30);
                if (!GeoHash.TryScore(lon, lat, out ulong score)) continue;
                var (x, y) = GeoHash.DecodeScore(score);
                if (!shape.Contains(x, y, out _)) continue;
                Assert.Contains(ranges, r => score >= r.Min && score < r.Max);
            }
        }
    }

    [Fact]
    public void Ranges_ForAZeroRadius_AreTheCentersCellOnly()
    {
        var shape = new GeoShape { CenterLon = 13.361389, CenterLat = 38.115556, Radius = 0, ToMeters = 1 };
        GeoHash.TryScore(shape.CenterLon, shape.CenterLat, out ulong score);
        var ranges = GeoSearchArea.Ranges(shape);
        Assert.Equal(new GeoSearchArea.ScoreInterval(score, score + 1), ranges[0]);
    }

    [Fact]
    public void PartialSort_OrdersTheWantedPrefix()
    {
        var rng = new Random(5);
        for (int t = 0; t < 300; t++)
        {
            int n = rng.Next(1, 200);
            var items = new int[n];
            for (int i = 0; i < n; i++) items[i] = rng.Next(0, 20);
            int k = rng.Next(1, n + 1);
            var expected = items.OrderBy(x => x).Take(k).ToArray();
            GeoSort.Partial<int>(items, (a, b) => a.CompareTo(b), 0, k - 1);
            Assert.Equal(expected, items.Take(k).ToArray());
        }
    }

    [Fact]
    public void StableSort_KeepsTiesInOrder()
    {
        var items = new[] { (1, 'a'), (0, 'b'), (1, 'c'), (0, 'd'), (1, 'e') };
        GeoSort.Stable(items, (x, y) => y.Item1.CompareTo(x.Item1));
        Assert.Equal("acebd", new string(items.Select(x => x.Item2).ToArray()));
    }
}
