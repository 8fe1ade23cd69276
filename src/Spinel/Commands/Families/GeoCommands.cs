using System.Globalization;
using Spinel.Geo;
using Spinel.Storage;
using Spinel.Util;

namespace Spinel.Commands.Families;

/// <summary>
/// The geo group: points stored in sorted sets, each member's score its 52-bit geohash (see <see cref="GeoHash"/>).
/// The searches (GEOSEARCH, GEORADIUS and their variants) are in <c>GeoSearchCommands.cs</c>.
/// </summary>
public static partial class GeoCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("geoadd", -5, "write denyoom", "@geo", Geoadd, "RW UPDATE: index 1 range 0 1 0") { Group = "geo", Since = "3.2.0" },
        new("geodist", -4, "readonly", "@geo", Geodist, "RO ACCESS: index 1 range 0 1 0") { Group = "geo", Since = "3.2.0" },
        new("geohash", -2, "readonly", "@geo", Geohash, "RO ACCESS: index 1 range 0 1 0") { Group = "geo", Since = "3.2.0" },
        new("geopos", -2, "readonly", "@geo", Geopos, "RO ACCESS: index 1 range 0 1 0") { Group = "geo", Since = "3.2.0" },
        new("geosearch", -7, "readonly", "@geo", Geosearch, "RO ACCESS: index 1 range 0 1 0") { Group = "geo", Since = "6.2.0" },
        new("geosearchstore", -8, "write denyoom", "@geo", Geosearchstore, "OW UPDATE: index 1 range 0 1 0", "RO ACCESS: index 2 range 0 1 0") { Group = "geo", Since = "6.2.0" },
        new("georadius", -6, "write denyoom", "@geo", Georadius, "RO ACCESS: index 1 range 0 1 0", "OW UPDATE: keyword STORE 6 range 0 1 0", "OW UPDATE: keyword STOREDIST 6 range 0 1 0") { DocFlags = ["deprecated"], DeprecatedSince = "6.2.0", ReplacedBy = "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument", Group = "geo", Since = "3.2.0" },
        new("georadius_ro", -6, "readonly", "@geo", GeoradiusRo, "RO ACCESS: index 1 range 0 1 0") { DocFlags = ["deprecated"], DeprecatedSince = "6.2.0", ReplacedBy = "`GEOSEARCH` with the `BYRADIUS` argument", Group = "geo", Since = "3.2.10" },
        new("georadiusbymember", -5, "write denyoom", "@geo", Georadiusbymember, "RO ACCESS: index 1 range 0 1 0", "OW UPDATE: keyword STORE 5 range 0 1 0", "OW UPDATE: keyword STOREDIST 5 range 0 1 0") { DocFlags = ["deprecated"], DeprecatedSince = "6.2.0", ReplacedBy = "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments", Group = "geo", Since = "3.2.0" },
        new("georadiusbymember_ro", -5, "readonly", "@geo", GeoradiusbymemberRo, "RO ACCESS: index 1 range 0 1 0") { DocFlags = ["deprecated"], DeprecatedSince = "6.2.0", ReplacedBy = "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments", Group = "geo", Since = "3.2.10" },
    ];

    private const string UndecodableMember = "ERR could not decode requested zset member";

    /// <summary>Reads a key expected to hold a sorted set: false after replying WRONGTYPE; <paramref name="set"/> is null when missing.</summary>
    private static bool TryGetZset(CommandContext ctx, object? value, out SortedSetValue? set)
    {
        set = value as SortedSetValue;
        if (value is null || set is not null) return true;
        ctx.Reply.WriteError(Errors.WrongType);
        return false;
    }

    private static long MaxListpackEntries(CommandContext ctx) => ctx.Server.Config.ZsetMaxListpackEntries;

    private static long MaxListpackValue(CommandContext ctx) => ctx.Server.Config.ZsetMaxListpackValue;

    /// <summary>
    /// Parses a longitude and latitude at <paramref name="index"/>, index + 1; false after replying Redis's error
    /// (not a float, or outside ±180 / ±85.05112878).
    /// </summary>
    private static bool TryGetLonLat(CommandContext ctx, int index, out double lon, out double lat)
    {
        lat = 0;
        if (!ctx.TryGetDouble(index, out lon) || !ctx.TryGetDouble(index + 1, out lat)) return false;
        if (lon < GeoHash.LonMin || lon > GeoHash.LonMax || lat < GeoHash.LatMin || lat > GeoHash.LatMax)
        {
            ctx.Reply.WriteError($"ERR invalid longitude,latitude pair {FormatFixed6(lon)},{FormatFixed6(lat)}");
            return false;
        }
        return true;
    }

    /// <summary>C's "%f".</summary>
    private static string FormatFixed6(double d) =>
        double.IsNaN(d) ? "nan" : double.IsInfinity(d) ? (d > 0 ? "inf" : "-inf") : d.ToString("F6", CultureInfo.InvariantCulture);

    /// <summary>Parses a unit word; false after replying the unit error.</summary>
    private static bool TryGetUnit(CommandContext ctx, int index, out double toMeters)
    {
        if (GeoUnits.TryParse(ctx.Arg(index), out toMeters)) return true;
        ctx.Reply.WriteError(GeoUnits.UnsupportedUnit);
        return false;
    }

    /// <summary>A coordinate as Redis's "human" long double text: a bulk string in RESP2, a double in RESP3.</summary>
    private static void WriteCoordinate(CommandContext ctx, double value)
    {
        Span<byte> text = stackalloc byte[RedisNumbers.MaxDoubleHumanChars];
        int n = RedisNumbers.FormatDoubleHuman(value, text);
        if (ctx.Reply.Protocol == 3)
        {
            ctx.Reply.WriteRaw(","u8);
            ctx.Reply.WriteRaw(text[..n]);
            ctx.Reply.WriteRaw("\r\n"u8);
        }
        else
        {
            ctx.Reply.WriteBulk(text[..n]);
        }
    }

    private static void WritePosition(CommandContext ctx, double score)
    {
        var (lon, lat) = GeoHash.DecodeScore(score);
        ctx.Reply.WriteArrayHeader(2);
        WriteCoordinate(ctx, lon);
        WriteCoordinate(ctx, lat);
    }

    /// <summary>A distance: "%.4f" as a bulk string in both protocols.</summary>
    private static void WriteDistance(CommandContext ctx, double distance)
    {
        Span<byte> text = stackalloc byte[400];
        ctx.Reply.WriteBulk(text[..GeoUnits.FormatDistance(distance, text)]);
    }

    // GEOADD key [NX|XX] [CH] longitude latitude member [...]: ZADD with each point's geohash as the score.
    private static void Geoadd(CommandContext ctx)
    {
        bool nx = false, xx = false, ch = false;
        int first = 2;
        for (; first < ctx.ArgCount; first++)
        {
            var opt = ctx.Arg(first);
            if (GeoWords.Is(opt, "nx")) nx = true;
            else if (GeoWords.Is(opt, "xx")) xx = true;
            else if (GeoWords.Is(opt, "ch")) ch = true;
            else break;
        }
        int elements = (ctx.ArgCount - first) / 3;
        // No triples at all leaves ZADD without a score/member pair: also a syntax error there.
        if ((ctx.ArgCount - first) % 3 != 0 || (xx && nx) || elements == 0)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }

        // Every point is validated before anything is written, as GEOADD builds its ZADD call first.
        var scores = new double[elements];
        for (int i = 0; i < elements; i++)
        {
            if (!TryGetLonLat(ctx, first + (i * 3), out double lon, out double lat)) return;
            GeoHash.TryScore(lon, lat, out ulong bits);
            scores[i] = bits;
        }

        var key = ctx.Arg(1);
        if (!TryGetZset(ctx, ctx.Db.GetForWrite(key), out var set)) return;
        if (set is null)
        {
            if (xx)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
            // As ZADD: the encoding is chosen from the first member alone.
            set = MaxListpackEntries(ctx) == 0 || MaxListpackValue(ctx) < ctx.Arg(first + 2).Length
                ? SortedSetValue.CreateSkiplist()
                : new SortedSetValue();
            ctx.Db.Set(key, set);
        }

        var flags = nx ? ZAddFlags.NX : xx ? ZAddFlags.XX : ZAddFlags.None;
        long maxEntries = MaxListpackEntries(ctx), maxValue = MaxListpackValue(ctx);
        long added = 0, updated = 0;
        for (int i = 0; i < elements; i++)
        {
            switch (set.Add(ctx.Arg(first + (i * 3) + 2), scores[i], flags, maxEntries, maxValue, out _))
            {
                case ZAddResult.Added: added++; break;
                case ZAddResult.Updated: updated++; break;
            }
        }
        if (added + updated > 0)
        {
            ctx.KeyChanged(key, "zadd");
            ctx.Keyspace.Dirty += added + updated - 1;
        }
        ctx.Reply.WriteInteger(ch ? added + updated : added);
    }

    // GEODIST key member1 member2 [unit]
    private static void Geodist(CommandContext ctx)
    {
        double toMeters = 1;
        if (ctx.ArgCount == 5)
        {
            if (!TryGetUnit(ctx, 4, out toMeters)) return;
        }
        else if (ctx.ArgCount > 5)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }

        if (!TryGetZset(ctx, ctx.Db.Get(ctx.Arg(1)), out var set)) return;
        if (set is null || !set.TryGetScore(ctx.Arg(2), out double a) || !set.TryGetScore(ctx.Arg(3), out double b))
        {
            ctx.Reply.WriteNull();
            return;
        }
        var (lon1, lat1) = GeoHash.DecodeScore(a);
        var (lon2, lat2) = GeoHash.DecodeScore(b);
        WriteDistance(ctx, GeoDistance.Meters(lon1, lat1, lon2, lat2) / toMeters);
    }

    // GEOHASH key [member ...]
    private static void Geohash(CommandContext ctx)
    {
        if (!TryGetZset(ctx, ctx.Db.Get(ctx.Arg(1)), out var set)) return;
        ctx.Reply.WriteArrayHeader(ctx.ArgCount - 2);
        Span<byte> hash = stackalloc byte[11];
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            if (set is null || !set.TryGetScore(ctx.Arg(i), out double score))
            {
                ctx.Reply.WriteNull();
                continue;
            }
            GeoHash.FormatHashString(score, hash);
            ctx.Reply.WriteBulk(hash);
        }
    }

    // GEOPOS key [member ...]
    private static void Geopos(CommandContext ctx)
    {
        if (!TryGetZset(ctx, ctx.Db.Get(ctx.Arg(1)), out var set)) return;
        ctx.Reply.WriteArrayHeader(ctx.ArgCount - 2);
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            if (set is null || !set.TryGetScore(ctx.Arg(i), out double score)) ctx.Reply.WriteNullArray();
            else WritePosition(ctx, score);
        }
    }
}
