using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Differential;

/// <summary>
/// rdb_changes_since_last_save after bitmap writes moves as in Redis 7.0: SETBIT and BITFIELD count only
/// when the string was created or grew or a field changed, a BITFIELD counts each such write, and BITOP
/// counts a store or the deletion of an existing destination.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class BitmapDirtyCounterTests(DifferentialFixture fixture)
{
    public static TheoryData<string> Scripts() =>
    [
        "SETBIT d:b 0 0",
        "SETBIT d:b 0 0\nSETBIT d:b 0 0\nSETBIT d:b 0 1\nSETBIT d:b 0 1\nSETBIT d:b 7 0\nSETBIT d:b 8 0",
        "SET d:b 1\nSETBIT d:b 0 0\nSETBIT d:b 2 1\nSETBIT d:b 2 0",
        "SETBIT d:b x 1\nSETBIT d:b 1 5\nRPUSH d:l a\nSETBIT d:l 0 1\nGETBIT d:b 0",
        "BITFIELD d:b SET u8 0 5 SET u8 0 6",
        "BITFIELD d:b SET u8 0 5\nBITFIELD d:b SET u8 0 5 INCRBY u8 0 0 GET u8 0",
        "BITFIELD d:b SET u8 0 0 SET u8 0 1",
        "BITFIELD d:b SET u8 0 1\nBITFIELD d:b SET u8 100 0 SET u8 0 1",
        "BITFIELD d:b OVERFLOW FAIL INCRBY u2 0 100",
        "BITFIELD d:b OVERFLOW FAIL INCRBY u2 0 100 SET u8 8 0",
        "SET d:b x\nBITFIELD d:b OVERFLOW SAT INCRBY u8 0 1000 INCRBY u8 0 1000 OVERFLOW WRAP INCRBY u8 0 256",
        "BITFIELD d:b GET u8 0\nBITFIELD d:b\nBITFIELD_RO d:b GET u8 0\nBITFIELD d:b GET u8 0 SET u8 x 1",
        "SET d:a abc\nBITOP NOT d:d d:a\nBITOP AND d:d d:a d:a\nBITOP OR d:d d:missing\nBITOP OR d:d d:missing",
        "BITOP XOR d:d d:missing\nBITOP NOT d:d d:missing\nBITOP FOO d:d d:a",
    ];

    [SkippableTheory]
    [MemberData(nameof(Scripts))]
    public async Task Change_counter_grows_like_redis(string script)
    {
        fixture.Oracle.RequireAvailable();
        await using var spinel = await fixture.Spinel.ConnectAsync();
        await using var redis = await fixture.Oracle.ConnectAsync();
        Assert.Equal(await DeltaAsync(redis, script), await DeltaAsync(spinel, script));
    }

    private static async Task<long> DeltaAsync(RawClient client, string script)
    {
        await client.CallAsync("FLUSHALL");
        long before = await ChangesAsync(client);
        foreach (var line in script.Split('\n')) await client.CallAsync(DifferentialScript.Split(line));
        long after = await ChangesAsync(client);
        await client.CallAsync("FLUSHALL");
        return after - before;
    }

    private static async Task<long> ChangesAsync(RawClient client)
    {
        var info = await client.CallAsync("INFO", "persistence");
        foreach (var line in info.Split("\r\n"))
        {
            if (line.StartsWith("rdb_changes_since_last_save:", StringComparison.Ordinal)) return long.Parse(line[(line.IndexOf(':') + 1)..]);
        }
        throw new InvalidDataException("no rdb_changes_since_last_save in INFO");
    }
}
