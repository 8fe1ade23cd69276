using System.Text;
using Spinel.Storage;
using Spinel.Tests.Infrastructure;
using StackExchange.Redis;

namespace Spinel.Tests.Integration;

/// <summary>The bitmap commands through StackExchange.Redis, plus what they leave in the keyspace.</summary>
public sealed class BitmapCommandsTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>, IDisposable
{
    private readonly ConnectionMultiplexer _mux = ConnectionMultiplexer.Connect($"127.0.0.1:{fixture.Port},allowAdmin=true,version=7.0.15");

    private IDatabase Db => _mux.GetDatabase();

    public void Dispose() => _mux.Dispose();

    private static RedisKey Key(string name) => $"{nameof(BitmapCommandsTests)}:{name}:{Guid.NewGuid():N}";

    private object? ValueOf(RedisKey key)
    {
        lock (fixture.Server.Keyspace.Lock) return fixture.Server.Keyspace[0].Peek(Encoding.UTF8.GetBytes(key.ToString()));
    }

    [Fact]
    public void StringSetBit_and_GetBit_grow_a_zero_filled_string_in_place()
    {
        var key = Key("bits");
        Assert.False(Db.StringSetBit(key, 17, true));
        Assert.True(Db.StringSetBit(key, 17, true));
        Assert.True(Db.StringGetBit(key, 17));
        Assert.False(Db.StringGetBit(key, 16));
        Assert.False(Db.StringGetBit(key, 1_000_000));
        Assert.Equal(new byte[] { 0, 0, 0x40 }, (byte[]?)Db.StringGet(key));
        Assert.IsType<StringBuffer>(ValueOf(key));
        Assert.Equal("raw", Db.KeyEncoding(key));
        var error = Assert.Throws<RedisServerException>(() => Db.StringSetBit(key, 4_294_967_296, true));
        Assert.Equal("ERR bit offset is not an integer or out of range", error.Message);
    }

    [Fact]
    public void StringBitCount_counts_byte_and_bit_ranges()
    {
        var key = Key("count");
        Db.StringSet(key, "foobar");
        Assert.Equal(26, Db.StringBitCount(key));
        Assert.Equal(4, Db.StringBitCount(key, 0, 0));
        Assert.Equal(6, Db.StringBitCount(key, 1, 1));
        Assert.Equal(17, Db.StringBitCount(key, 5, 30, StringIndexType.Bit));
        Assert.Equal(0, Db.StringBitCount(Key("missing")));
        var list = Key("list");
        Db.ListLeftPush(list, "a");
        Assert.Throws<RedisServerException>(() => Db.StringBitCount(list));
    }

    [Fact]
    public void StringBitPosition_finds_set_and_clear_bits()
    {
        var key = Key("pos");
        Db.StringSet(key, new byte[] { 0xFF, 0xF0, 0x00 });
        Assert.Equal(12, Db.StringBitPosition(key, false));
        Assert.Equal(0, Db.StringBitPosition(key, true));
        Assert.Equal(8, Db.StringBitPosition(key, true, 1));
        Assert.Equal(-1, Db.StringBitPosition(key, true, 2));
        Assert.Equal(12, Db.StringBitPosition(key, false, 5, 20, StringIndexType.Bit));
        Db.StringSet(key, new byte[] { 0xFF });
        // The client always sends an end (-1 by default): only without one is the bit past the end "found".
        Assert.Equal(-1, Db.StringBitPosition(key, false));
        Assert.Equal(8, (long)Db.Execute("BITPOS", key, 0));
        Assert.Equal(0, Db.StringBitPosition(Key("missing"), false));
        Assert.Equal(-1, Db.StringBitPosition(Key("missing"), true));
    }

    [Fact]
    public void StringBitOperation_zero_pads_and_an_empty_result_deletes_the_destination()
    {
        RedisKey a = Key("a"), b = Key("b"), dest = Key("dest");
        Db.StringSet(a, new byte[] { 0xF0, 0x0F, 0xAA });
        Db.StringSet(b, new byte[] { 0xFF });
        Assert.Equal(3, Db.StringBitOperation(Bitwise.And, dest, [a, b]));
        Assert.Equal(new byte[] { 0xF0, 0, 0 }, (byte[]?)Db.StringGet(dest));
        Assert.Equal(3, Db.StringBitOperation(Bitwise.Or, dest, [a, b, Key("missing")]));
        Assert.Equal(new byte[] { 0xFF, 0x0F, 0xAA }, (byte[]?)Db.StringGet(dest));
        Assert.Equal(3, Db.StringBitOperation(Bitwise.Xor, dest, [a, b]));
        Assert.Equal(new byte[] { 0x0F, 0x0F, 0xAA }, (byte[]?)Db.StringGet(dest));
        Assert.Equal(3, Db.StringBitOperation(Bitwise.Not, dest, a));
        Assert.Equal(new byte[] { 0x0F, 0xF0, 0x55 }, (byte[]?)Db.StringGet(dest));
        Assert.Equal("raw", Db.KeyEncoding(dest));
        Assert.Equal(0, Db.StringBitOperation(Bitwise.Or, dest, Key("missing")));
        Assert.False(Db.KeyExists(dest));
    }

    [Fact]
    public void BITFIELD_through_Execute_runs_its_operations_in_order()
    {
        var key = Key("field");
        var reply = (RedisResult[])Db.Execute("BITFIELD", key, "SET", "u8", "#0", "250", "INCRBY", "u8", "#0", "10",
            "OVERFLOW", "SAT", "INCRBY", "u8", "#0", "1000", "OVERFLOW", "FAIL", "INCRBY", "u8", "#0", "1", "GET", "i8", "#0")!;
        Assert.Equal(5, reply.Length);
        Assert.Equal(0, (long)reply[0]);
        Assert.Equal(4, (long)reply[1]);
        Assert.Equal(255, (long)reply[2]);
        Assert.True(reply[3].IsNull);
        Assert.Equal(-1, (long)reply[4]);
        var readOnly = (RedisResult[])Db.Execute("BITFIELD_RO", key, "GET", "u4", "4")!;
        Assert.Equal(15, (long)readOnly[0]);
        var error = Assert.Throws<RedisServerException>(() => Db.Execute("BITFIELD", key, "GET", "u64", "0"));
        Assert.Equal("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.", error.Message);
        Assert.Throws<RedisServerException>(() => Db.Execute("BITFIELD_RO", key, "SET", "u8", "0", "1"));
    }

    [Fact]
    public void Bit_commands_on_other_types_reply_WRONGTYPE()
    {
        var key = Key("hash");
        Db.HashSet(key, "f", "v");
        foreach (var call in new Action[]
        {
            () => Db.StringSetBit(key, 1, true),
            () => Db.StringGetBit(key, 1),
            () => Db.StringBitPosition(key, true),
            () => Db.StringBitOperation(Bitwise.Or, Key("d"), key),
            () => Db.Execute("BITFIELD", key, "GET", "u8", "0"),
        })
        {
            var error = Assert.Throws<RedisServerException>(call);
            Assert.StartsWith("WRONGTYPE", error.Message);
        }
    }
}
