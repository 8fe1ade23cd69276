using Spinel.Geo;
using Spinel.Storage;

namespace Spinel.Commands.Families;

/// <summary>
/// GEOSEARCH, GEOSEARCHSTORE and the older GEORADIUS family: one argument walk and one search, as in Redis, so
/// the variants share their option handling, error order and replies.
/// </summary>
public static partial class GeoCommands
{
    [Flags]
    private enum SearchKind
    {
        AroundLonLat = 1,   // GEORADIUS: center from arguments 2 and 3
        AroundMember = 2,   // GEORADIUSBYMEMBER: center from a member
        NoStore = 4,        // the _RO variants
        Search = 8,         // GEOSEARCH syntax (FROMMEMBER/FROMLONLAT, BYRADIUS/BYBOX)
        SearchStore = 16,   // GEOSEARCHSTORE
    }

    private static void Geosearch(CommandContext ctx) => Search(ctx, 1, SearchKind.Search);

    private static void Geosearchstore(CommandContext ctx) => Search(ctx, 2, SearchKind.Search | SearchKind.SearchStore);

    private static void Georadius(CommandContext ctx) => Search(ctx, 1, SearchKind.AroundLonLat);

    private static void GeoradiusRo(CommandContext ctx) => Search(ctx, 1, SearchKind.AroundLonLat | SearchKind.NoStore);

    private static void Georadiusbymember(CommandContext ctx) => Search(ctx, 1, SearchKind.AroundMember);

    private static void GeoradiusbymemberRo(CommandContext ctx) => Search(ctx, 1, SearchKind.AroundMember | SearchKind.NoStore);

    private enum SortOrder { None, Ascending, Descending }

    private static void Search(CommandContext ctx, int sourceIndex, SearchKind kind)
    {
        if (!TryGetZset(ctx, ctx.Db.Get(ctx.Arg(sourceIndex)), out var set)) return;

        var shape = new GeoShape();
        int optionsStart;
        int storeIndex = -1;
        bool storeDistance = false;
        if ((kind & SearchKind.AroundLonLat) != 0)
        {
            optionsStart = 6;
            if (!TryGetLonLat(ctx, 2, out shape.CenterLon, out shape.CenterLat)) return;
            if (!TryGetRadius(ctx, 4, ref shape)) return;
        }
        else if ((kind & SearchKind.AroundMember) != 0)
        {
            optionsStart = 5;
            // Without the key nothing is looked at but the options, which decide the empty reply's shape.
            if (set is not null)
            {
                if (!TryGetMemberCenter(ctx, set, 2, ref shape)) return;
                if (!TryGetRadius(ctx, 3, ref shape)) return;
            }
        }
        else
        {
            optionsStart = 2;
            if ((kind & SearchKind.SearchStore) != 0)
            {
                optionsStart = 3;
                storeIndex = 1;
            }
        }

        bool withDist = false, withHash = false, withCoord = false, any = false;
        bool fromMember = false, fromLonLat = false, byRadius = false, byBox = false;
        var sort = SortOrder.None;
        long count = 0;
        bool search = (kind & SearchKind.Search) != 0;
        bool mayStore = (kind & (SearchKind.NoStore | SearchKind.Search)) == 0;
        int argc = ctx.ArgCount;
        for (int i = optionsStart; i < argc; i++)
        {
            var arg = ctx.Arg(i);
            int left = argc - i - 1;  // arguments after this one
            if (GeoWords.Is(arg, "withdist")) withDist = true;
            else if (GeoWords.Is(arg, "withhash")) withHash = true;
            else if (GeoWords.Is(arg, "withcoord")) withCoord = true;
            else if (GeoWords.Is(arg, "any")) any = true;
            else if (GeoWords.Is(arg, "asc")) sort = SortOrder.Ascending;
            else if (GeoWords.Is(arg, "desc")) sort = SortOrder.Descending;
            else if (GeoWords.Is(arg, "count") && left >= 1)
            {
                if (!ctx.TryGetLong(i + 1, out count)) return;
                if (count <= 0)
                {
                    ctx.Reply.WriteError("ERR COUNT must be > 0");
                    return;
                }
                i++;
            }
            else if (GeoWords.Is(arg, "store") && left >= 1 && mayStore)
            {
                storeIndex = ++i;
                storeDistance = false;
            }
            else if (GeoWords.Is(arg, "storedist") && left >= 1 && mayStore)
            {
                storeIndex = ++i;
                storeDistance = true;
            }
            else if (GeoWords.Is(arg, "storedist") && (kind & SearchKind.SearchStore) != 0)
            {
                storeDistance = true;
            }
            else if (GeoWords.Is(arg, "frommember") && left >= 1 && search && !fromLonLat)
            {
                // A missing key skips the member lookup: the search will be empty anyway.
                if (set is not null && !TryGetMemberCenter(ctx, set, i + 1, ref shape)) return;
                fromMember = true;
                i++;
            }
            else if (GeoWords.Is(arg, "fromlonlat") && left >= 2 && search && !fromMember)
            {
                if (!TryGetLonLat(ctx, i + 1, out shape.CenterLon, out shape.CenterLat)) return;
                fromLonLat = true;
                i += 2;
            }
            else if (GeoWords.Is(arg, "byradius") && left >= 2 && search && !byBox)
            {
                if (!TryGetRadius(ctx, i + 1, ref shape)) return;
                byRadius = true;
                i += 2;
            }
            else if (GeoWords.Is(arg, "bybox") && left >= 3 && search && !byRadius)
            {
                if (!TryGetBox(ctx, i + 1, ref shape)) return;
                byBox = true;
                i += 3;
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }

        if (storeIndex >= 0 && (withDist || withHash || withCoord))
        {
            string who = (kind & SearchKind.SearchStore) != 0 ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS";
            ctx.Reply.WriteError($"ERR {who} is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
            return;
        }
        // The command name is quoted as the client spelled it.
        if (search && !(fromMember || fromLonLat))
        {
            ctx.Reply.WriteError($"ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {ctx.ArgString(0)}");
            return;
        }
        if (search && !(byRadius || byBox))
        {
            ctx.Reply.WriteError($"ERR exactly one of BYRADIUS and BYBOX can be specified for {ctx.ArgString(0)}");
            return;
        }
        if (any && count == 0)
        {
            ctx.Reply.WriteError("ERR the ANY argument requires COUNT argument");
            return;
        }

        if (set is null)
        {
            if (storeIndex >= 0) StoreResults(ctx, storeIndex, kind, [], 0, storeDistance, shape.ToMeters);
            else ctx.Reply.WriteArrayHeader(0);
            return;
        }

        // COUNT returns the nearest ones unless ANY asked for any matches.
        if (count != 0 && sort == SortOrder.None && !any) sort = SortOrder.Ascending;

        var found = GeoCollector.Collect(set, shape, any ? count : 0);
        if (found.Count == 0 && storeIndex < 0)
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }

        var points = found.ToArray();
        int returned = count == 0 || points.Length < count ? points.Length : (int)count;
        if (sort != SortOrder.None)
        {
            Comparison<GeoPoint> compare = sort == SortOrder.Ascending ? GeoCollector.Nearest : GeoCollector.Farthest;
            if (returned == points.Length) GeoSort.Stable(points, compare);
            else GeoSort.Partial<GeoPoint>(points, compare, 0, returned - 1);
        }

        if (storeIndex >= 0)
        {
            StoreResults(ctx, storeIndex, kind, points, returned, storeDistance, shape.ToMeters);
            return;
        }

        int extras = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0);
        ctx.Reply.WriteArrayHeader(returned);
        for (int i = 0; i < returned; i++)
        {
            ref var point = ref points[i];
            if (extras > 0) ctx.Reply.WriteArrayHeader(extras + 1);
            ctx.Reply.WriteBulk(point.Member);
            if (withDist) WriteDistance(ctx, point.Distance / shape.ToMeters);
            if (withHash) ctx.Reply.WriteInteger(GeoHash.ScoreAsInt64(point.Score));
            if (withCoord)
            {
                ctx.Reply.WriteArrayHeader(2);
                WriteCoordinate(ctx, point.Lon);
                WriteCoordinate(ctx, point.Lat);
            }
        }
    }

    /// <summary>STORE / STOREDIST / GEOSEARCHSTORE: the first <paramref name="returned"/> points become the destination set (or it is deleted).</summary>
    private static void StoreResults(CommandContext ctx, int storeIndex, SearchKind kind, GeoPoint[] points, int returned, bool storeDistance, double toMeters)
    {
        var destination = ctx.Arg(storeIndex);
        if (returned > 0)
        {
            // Built in the big encoding and converted if it fits, as Redis does for a stored result.
            var result = SortedSetValue.CreateSkiplist();
            for (int i = 0; i < returned; i++)
            {
                double score = storeDistance ? points[i].Distance / toMeters : points[i].Score;
                result.Set(points[i].Member, score, long.MaxValue, long.MaxValue);
            }
            result.ConvertToListpackIfFits(MaxListpackEntries(ctx), MaxListpackValue(ctx));
            ctx.Db.Set(destination, result);
            ctx.KeyChanged(destination, (kind & SearchKind.Search) != 0 ? "geosearchstore" : "georadiusstore");
            ctx.Keyspace.Dirty += returned - 1;
        }
        else if (ctx.Db.Delete(destination))
        {
            ctx.KeyChanged(destination, "del");
        }
        ctx.Reply.WriteInteger(returned);
    }

    /// <summary>Centers the shape on a member's position; false after replying that it could not be found.</summary>
    private static bool TryGetMemberCenter(CommandContext ctx, SortedSetValue set, int index, ref GeoShape shape)
    {
        if (!set.TryGetScore(ctx.Arg(index), out double score))
        {
            ctx.Reply.WriteError(UndecodableMember);
            return false;
        }
        (shape.CenterLon, shape.CenterLat) = GeoHash.DecodeScore(score);
        return true;
    }

    /// <summary>radius unit at <paramref name="index"/>: a circle.</summary>
    private static bool TryGetRadius(CommandContext ctx, int index, ref GeoShape shape)
    {
        if (!Spinel.Util.RedisNumbers.TryParseDouble(ctx.Arg(index), out double radius))
        {
            ctx.Reply.WriteError("ERR need numeric radius");
            return false;
        }
        if (radius < 0)
        {
            ctx.Reply.WriteError("ERR radius cannot be negative");
            return false;
        }
        if (!TryGetUnit(ctx, index + 1, out double toMeters)) return false;
        shape.IsBox = false;
        shape.Radius = radius;
        shape.ToMeters = toMeters;
        return true;
    }

    /// <summary>width height unit at <paramref name="index"/>: a box.</summary>
    private static bool TryGetBox(CommandContext ctx, int index, ref GeoShape shape)
    {
        if (!Spinel.Util.RedisNumbers.TryParseDouble(ctx.Arg(index), out double width))
        {
            ctx.Reply.WriteError("ERR need numeric width");
            return false;
        }
        if (!Spinel.Util.RedisNumbers.TryParseDouble(ctx.Arg(index + 1), out double height))
        {
            ctx.Reply.WriteError("ERR need numeric height");
            return false;
        }
        if (height < 0 || width < 0)
        {
            ctx.Reply.WriteError("ERR height or width cannot be negative");
            return false;
        }
        if (!TryGetUnit(ctx, index + 2, out double toMeters)) return false;
        shape.IsBox = true;
        shape.Width = width;
        shape.Height = height;
        shape.ToMeters = toMeters;
        return true;
    }
}
