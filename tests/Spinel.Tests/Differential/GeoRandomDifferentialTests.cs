using System.Globalization;
using System.Text;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Differential;

/// <summary>
/// Random geo data and searches (fixed seeds), every reply compared byte for byte with redis-server 7.0: points
/// all over the globe with clusters of identical and nearly identical points (ties in distance decide the order
/// of COUNT results), points at the latitude limits and on the antimeridian, radius and box searches of every
/// size in every unit, sorted and unsorted, COUNT with and without ANY, the WITH* options, and the stored
/// results of STORE, STOREDIST and GEOSEARCHSTORE.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class GeoRandomDifferentialTests(DifferentialFixture fixture)
{
    private const double LatLimit = 85.05112878;

    private static readonly (string Name, double Meters)[] Units = [("m", 1), ("km", 1000), ("ft", 0.3048), ("mi", 1609.34), ("KM", 1000)];

    private static string F(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    private sealed class Generator(int seed)
    {
        private readonly Random _rng = new(seed);

        public int Next(int max) => _rng.Next(max);

        public bool Chance(double p) => _rng.NextDouble() < p;

        public double Uniform(double lo, double hi) => lo + (_rng.NextDouble() * (hi - lo));

        public T Pick<T>(IReadOnlyList<T> items) => items[_rng.Next(items.Count)];

        /// <summary>Often near or at the antimeridian.</summary>
        public double Lon() => _rng.NextDouble() switch
        {
            < 0.15 => Pick([180.0, -180.0]) * Uniform(0.99, 1),
            < 0.2 => Pick([180.0, -180.0, 0.0]),
            _ => Uniform(-180, 180),
        };

        /// <summary>Often near or at the latitude limits.</summary>
        public double Lat() => _rng.NextDouble() switch
        {
            < 0.15 => Pick([1.0, -1.0]) * Uniform(84, LatLimit),
            < 0.2 => Pick([LatLimit, -LatLimit, 0.0]),
            _ => Uniform(-LatLimit, LatLimit),
        };

        public string Round(double d) => F(Math.Round(d, Pick([2, 5, 9, 14])));
    }

    /// <summary>Builds a key of <paramref name="count"/> points, mostly in clusters; returns the cluster centers.</summary>
    private static List<(double Lon, double Lat)> AddPoints(Generator g, List<string[]> commands, string key, int count)
    {
        var centers = new List<(double, double)>();
        for (int i = 0; i < 4; i++) centers.Add((g.Lon(), g.Lat()));
        var args = new List<string> { "GEOADD", key };
        for (int i = 0; i < count; i++)
        {
            double lon, lat;
            if (g.Chance(0.7))
            {
                var (clon, clat) = g.Pick(centers);
                double spread = g.Pick([0, 0, 1e-7, 0.001, 0.01, 1, 10]);
                lon = Math.Clamp(clon + g.Uniform(-spread, spread), -180, 180);
                lat = Math.Clamp(clat + g.Uniform(-spread, spread), -LatLimit, LatLimit);
            }
            else
            {
                lon = g.Lon();
                lat = g.Lat();
            }
            args.AddRange([g.Round(lon), g.Round(lat), "m" + i]);
            // GEOADD in several calls, so both encodings and the listpack limit are crossed along the way.
            if (args.Count > 90 || i == count - 1)
            {
                commands.Add([.. args]);
                args = ["GEOADD", key];
            }
        }
        return centers;
    }

    /// <summary>One random search: GEOSEARCH, GEOSEARCHSTORE, GEORADIUS or GEORADIUSBYMEMBER, with random options.</summary>
    private static void AddSearch(Generator g, List<string[]> commands, string key, int members, List<(double Lon, double Lat)> centers)
    {
        var (unit, perUnit) = g.Pick(Units);
        double meters = Math.Pow(10, g.Uniform(-1, 7.3));
        double size = meters / perUnit;
        var options = new List<string>();
        if (g.Chance(0.6)) options.Add(g.Pick(["ASC", "DESC"]));
        if (g.Chance(0.5))
        {
            options.AddRange(["COUNT", g.Pick([1, 2, 3, 5, 10, 50, 1000, g.Next(150) + 1]).ToString(CultureInfo.InvariantCulture)]);
            if (g.Chance(0.4)) options.Add("ANY");
        }
        int kind = g.Next(10);
        bool storing = kind >= 7;
        if (!storing)
        {
            foreach (var with in new[] { "WITHDIST", "WITHHASH", "WITHCOORD" })
            {
                if (g.Chance(0.5)) options.Add(with);
            }
        }
        var (lon, lat) = g.Chance(0.6) ? g.Pick(centers) : (g.Lon(), g.Lat());
        string member = "m" + g.Next(members);

        if (kind < 5 || kind == 7)
        {
            string[] from = g.Chance(0.5) ? ["FROMMEMBER", member] : ["FROMLONLAT", F(lon), F(lat)];
            string[] by = g.Chance(0.5)
                ? ["BYRADIUS", F(size), unit]
                : ["BYBOX", F(size * g.Uniform(0.2, 3)), F(size * g.Uniform(0.2, 3)), unit];
            options.AddRange(from);
            options.AddRange(by);
            if (storing && g.Chance(0.5)) options.Add("STOREDIST");
            Shuffle(g, options);
            commands.Add(storing ? ["GEOSEARCHSTORE", "dst", key, .. options] : ["GEOSEARCH", key, .. options]);
        }
        else
        {
            if (storing) options.AddRange([g.Pick(["STORE", "STOREDIST"]), "dst"]);
            Shuffle(g, options);
            string[] head = kind is 5 or 8 ? ["GEORADIUS", key, F(lon), F(lat)] : ["GEORADIUSBYMEMBER", key, member];
            if (!storing && g.Chance(0.3)) head[0] += "_RO";
            commands.Add([.. head, F(size), unit, .. options]);
        }
        if (storing) commands.Add(["ZRANGE", "dst", "0", "-1", "WITHSCORES"]);
    }

    private static void Shuffle(Generator g, List<string> items)
    {
        // Option pairs (COUNT n, FROMLONLAT x y, ...) must stay together: shuffle groups, not words.
        var groups = new List<List<string>>();
        for (int i = 0; i < items.Count; i++)
        {
            int width = items[i] switch { "COUNT" or "FROMMEMBER" or "STORE" => 2, "STOREDIST" when i + 1 < items.Count && items[i + 1] == "dst" => 2, "FROMLONLAT" or "BYRADIUS" => 3, "BYBOX" => 4, _ => 1 };
            groups.Add(items.GetRange(i, width));
            i += width - 1;
        }
        for (int i = groups.Count - 1; i > 0; i--)
        {
            int j = g.Next(i + 1);
            (groups[i], groups[j]) = (groups[j], groups[i]);
        }
        items.Clear();
        foreach (var group in groups) items.AddRange(group);
    }

    public static TheoryData<int> Seeds() => [1, 2, 3, 4, 5, 6];

    [SkippableTheory]
    [MemberData(nameof(Seeds))]
    public async Task Random_searches_match_redis(int seed)
    {
        var g = new Generator(seed);
        var commands = new List<string[]>();
        if (seed % 2 == 0) commands.Add(["HELLO", "3"]);
        for (int k = 0; k < 3; k++)
        {
            string key = "geo" + k;
            int members = g.Pick([5, 50, 120, 128, 129, 300]);
            var centers = AddPoints(g, commands, key, members);
            commands.Add(["ZRANGE", key, "0", "-1", "WITHSCORES"]);
            for (int q = 0; q < 120; q++) AddSearch(g, commands, key, members, centers);
            for (int q = 0; q < 10; q++)
            {
                string a = "m" + g.Next(members), b = "m" + g.Next(members);
                commands.Add(["GEODIST", key, a, b, g.Pick(Units).Name]);
                commands.Add(["GEOPOS", key, a, b]);
                commands.Add(["GEOHASH", key, a, b]);
            }
        }
        await CompareAsync(commands, seed);
    }

    // Many members in one cell, so COUNT has to break long runs of equal distances as Redis does.
    [SkippableFact]
    public async Task Count_breaks_distance_ties_like_redis()
    {
        var g = new Generator(42);
        var commands = new List<string[]>();
        var add = new List<string> { "GEOADD", "ties" };
        for (int i = 0; i < 200; i++)
        {
            int spot = g.Next(6);
            add.AddRange([F(10 + (spot * 0.0001)), F(20 + (spot % 2 * 0.0001)), "t" + i]);
        }
        commands.Add([.. add]);
        for (int count = 1; count <= 201; count += g.Next(9) + 1)
        {
            commands.Add(["GEOSEARCH", "ties", "FROMLONLAT", "10", "20", "BYRADIUS", "1", "km", "COUNT", count.ToString(CultureInfo.InvariantCulture), g.Pick(["ASC", "DESC"]), "WITHDIST"]);
            commands.Add(["GEORADIUSBYMEMBER", "ties", "t" + g.Next(200), "100", "m", "COUNT", count.ToString(CultureInfo.InvariantCulture), "STOREDIST", "dst"]);
            commands.Add(["ZRANGE", "dst", "0", "-1", "WITHSCORES"]);
        }
        commands.Add(["GEOSEARCH", "ties", "FROMLONLAT", "10", "20", "BYRADIUS", "1", "km"]);
        commands.Add(["GEOSEARCH", "ties", "FROMLONLAT", "10", "20", "BYRADIUS", "1", "km", "DESC"]);
        await CompareAsync(commands, 42);
    }

    // GEOADD and the stores count changes (rdb_changes_since_last_save) as Redis does.
    [SkippableFact]
    public async Task Changes_are_counted_like_redis()
    {
        string[][] commands =
        [
            ["GEOADD", "g", "1", "1", "a", "2", "2", "b", "3", "3", "c"],
            ["GEOADD", "g", "CH", "1", "1", "a", "5", "5", "b", "6", "6", "d"],
            ["GEOADD", "g", "XX", "7", "7", "a"],
            ["GEOADD", "g", "NX", "7", "7", "a"],
            ["GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "4", "4", "BYRADIUS", "1000", "km"],
            ["GEORADIUS", "g", "4", "4", "1000", "km", "STOREDIST", "d"],
            ["GEORADIUS", "g", "0", "0", "1", "m", "STORE", "d"],
            ["GEORADIUS", "g", "0", "0", "1", "m", "STORE", "d"],
        ];
        fixture.Oracle.RequireAvailable();
        await using var spinel = await fixture.Spinel.ConnectAsync();
        await using var redis = await fixture.Oracle.ConnectAsync();
        foreach (var client in new[] { spinel, redis }) await client.CallAsync("FLUSHALL");
        foreach (var command in commands)
        {
            long a = await ChangesAfterAsync(spinel, command), b = await ChangesAfterAsync(redis, command);
            Assert.True(a == b, $"{string.Join(' ', command)}: spinel counted {a}, redis {b}");
        }
    }

    private static async Task<long> ChangesAfterAsync(RawClient client, string[] command)
    {
        long before = await ChangeCounter.ReadAsync(client);
        await client.CallAsync(command);
        return await ChangeCounter.ReadAsync(client) - before;
    }

    private async Task CompareAsync(List<string[]> commands, int seed)
    {
        fixture.Oracle.RequireAvailable();
        await using var spinel = await fixture.Spinel.ConnectAsync();
        await using var redis = await fixture.Oracle.ConnectAsync();
        foreach (var client in new[] { spinel, redis }) await client.CallAsync("FLUSHALL");
        var failures = new List<string>();
        try
        {
            foreach (var command in commands)
            {
                await spinel.SendAsync(command);
                await redis.SendAsync(command);
                var a = await spinel.ReadReplyAsync();
                var b = await redis.ReadReplyAsync();
                if (command[0] == "HELLO" || a.AsSpan().SequenceEqual(b)) continue;
                failures.Add($"{string.Join(' ', command)}\n   spinel: {Show(a)}\n   redis:  {Show(b)}");
                if (failures.Count >= 10) break;
            }
        }
        finally
        {
            foreach (var client in new[] { spinel, redis }) await client.CallAsync("FLUSHALL");
        }
        Assert.True(failures.Count == 0, $"seed {seed}: replies differ:\n" + string.Join("\n", failures));
    }

    private static string Show(byte[] reply)
    {
        var text = Encoding.Latin1.GetString(reply).Replace("\r\n", "\\r\\n", StringComparison.Ordinal);
        return text.Length > 600 ? text[..600] + "..." : text;
    }
}
