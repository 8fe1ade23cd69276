using StackExchange.Redis;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>Geo commands through StackExchange.Redis (values as redis-server 7.0 returns them).</summary>
public sealed class GeoCommandsTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    private static readonly GeoEntry Palermo = new(13.361389, 38.115556, "Palermo");
    private static readonly GeoEntry Catania = new(15.087269, 37.502669, "Catania");
    private static readonly GeoEntry Roma = new(12.496, 41.903, "Roma");

    private async Task<IDatabase> ConnectAsync(string key)
    {
        var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fixture.Port},allowAdmin=true");
        var db = mux.GetDatabase();
        await db.KeyDeleteAsync([key, key + ":dst"]);
        Assert.Equal(3, await db.GeoAddAsync(key, [Palermo, Catania, Roma]));
        return db;
    }

    [Fact]
    public async Task GeoAdd_stores_geohash_scores_and_counts_new_members()
    {
        var db = await ConnectAsync("geo:add");
        Assert.False(await db.GeoAddAsync("geo:add", Palermo));
        Assert.True(await db.GeoAddAsync("geo:add", 2.352, 48.857, "Paris"));
        Assert.Equal(3479099956230698, await db.SortedSetScoreAsync("geo:add", "Palermo"));
        Assert.Equal(4, await db.SortedSetLengthAsync("geo:add"));
        Assert.True(await db.GeoRemoveAsync("geo:add", "Paris"));
        var error = await Assert.ThrowsAsync<RedisServerException>(() => db.GeoAddAsync("geo:add", 200, 0, "bad"));
        Assert.Equal("ERR invalid longitude,latitude pair 200.000000,0.000000", error.Message);
    }

    [Fact]
    public async Task GeoDistance_in_every_unit()
    {
        var db = await ConnectAsync("geo:dist");
        Assert.Equal(166274.1516, await db.GeoDistanceAsync("geo:dist", "Palermo", "Catania"));
        Assert.Equal(166.2742, await db.GeoDistanceAsync("geo:dist", "Palermo", "Catania", GeoUnit.Kilometers));
        Assert.Equal(545518.87, await db.GeoDistanceAsync("geo:dist", "Palermo", "Catania", GeoUnit.Feet));
        Assert.Equal(103.3182, await db.GeoDistanceAsync("geo:dist", "Palermo", "Catania", GeoUnit.Miles));
        Assert.Null(await db.GeoDistanceAsync("geo:dist", "Palermo", "nowhere"));
    }

    [Fact]
    public async Task GeoHash_is_the_standard_eleven_characters()
    {
        var db = await ConnectAsync("geo:hash");
        Assert.Equal("sqc8b49rny0", await db.GeoHashAsync("geo:hash", "Palermo"));
        var hashes = await db.GeoHashAsync("geo:hash", ["Palermo", "nowhere", "Catania"]);
        Assert.Equal(3, hashes.Length);
        Assert.Equal("sqc8b49rny0", hashes[0]);
        Assert.Null(hashes[1]);
        Assert.Equal("sqdtr74hyu0", hashes[2]);
    }

    [Fact]
    public async Task GeoPosition_is_the_center_of_the_stored_cell()
    {
        var db = await ConnectAsync("geo:pos");
        var position = await db.GeoPositionAsync("geo:pos", "Palermo");
        Assert.NotNull(position);
        Assert.Equal(13.36138933897018433, position.Value.Longitude);
        Assert.Equal(38.11555639549629859, position.Value.Latitude);
        var positions = await db.GeoPositionAsync("geo:pos", ["nowhere", "Catania"]);
        Assert.Null(positions[0]);
        Assert.Equal(15.08726745843887329, positions[1]!.Value.Longitude);
    }

    [Fact]
    public async Task GeoSearch_by_radius_and_box_with_every_option()
    {
        var db = await ConnectAsync("geo:search");
        var near = await db.GeoSearchAsync("geo:search", 15, 37, new GeoSearchCircle(200, GeoUnit.Kilometers), order: Order.Ascending, options: GeoRadiusOptions.WithCoordinates | GeoRadiusOptions.WithDistance | GeoRadiusOptions.WithGeoHash);
        Assert.Equal(["Catania", "Palermo"], near.Select(r => (string)r.Member!));
        Assert.Equal(56.4413, near[0].Distance);
        Assert.Equal(3479447370796909, near[0].Hash);
        Assert.Equal(15.08726745843887329, near[0].Position!.Value.Longitude);

        var fromMember = await db.GeoSearchAsync("geo:search", "Palermo", new GeoSearchBox(1000, 1000, GeoUnit.Kilometers), count: 1, order: Order.Descending);
        Assert.Equal("Roma", (string?)fromMember.Single().Member);

        var any = await db.GeoSearchAsync("geo:search", "Palermo", new GeoSearchCircle(1000, GeoUnit.Kilometers), count: 2, demandClosest: false);
        Assert.Equal(2, any.Length);

        Assert.Equal(2, await db.GeoSearchAndStoreAsync("geo:search", "geo:search:dst", 15, 37, new GeoSearchCircle(200, GeoUnit.Kilometers), storeDistances: true));
        Assert.Equal(56.441257870158204, await db.SortedSetScoreAsync("geo:search:dst", "Catania"));
    }

    [Fact]
    public async Task GeoRadius_around_a_point_and_a_member()
    {
        var db = await ConnectAsync("geo:radius");
        var around = await db.GeoRadiusAsync("geo:radius", 15, 37, 200, GeoUnit.Kilometers, order: Order.Descending);
        Assert.Equal(["Palermo", "Catania"], around.Select(r => (string)r.Member!));
        Assert.Equal(190.4424, around[0].Distance);

        var byMember = await db.GeoRadiusAsync("geo:radius", "Palermo", 500, GeoUnit.Kilometers, count: 2, order: Order.Ascending, options: GeoRadiusOptions.WithDistance);
        Assert.Equal(["Palermo", "Catania"], byMember.Select(r => (string)r.Member!));
        Assert.Equal(0, byMember[0].Distance);
        Assert.Null(byMember[0].Position);

        var error = await Assert.ThrowsAsync<RedisServerException>(() => db.GeoRadiusAsync("geo:radius", "nowhere", 1));
        Assert.Equal("ERR could not decode requested zset member", error.Message);
    }
}
