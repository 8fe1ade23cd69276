using System.Text;
using Spinel.Storage;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>
/// String commands against a key holding another type. Until the other families exist, the key holds a
/// stand-in <see cref="DataObject"/> put straight into the database.
/// </summary>
public sealed class StringWrongTypeTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

    private sealed class NotAString : DataObject
    {
        public override RedisType Type => RedisType.Hash;
        public override string Encoding => "listpack";
        public override DataObject Clone() => new NotAString();
    }

    private async Task<string> Call(RawClient client, params string[] args)
    {
        await client.SendAsync(args);
        return Encoding.Latin1.GetString(await client.ReadReplyAsync());
    }

    private async Task<RawClient> ConnectWithHashAsync(string key)
    {
        lock (fixture.Server.Keyspace.Lock) fixture.Server.Keyspace[0].Set(Encoding.UTF8.GetBytes(key), new NotAString());
        return await fixture.ConnectAsync();
    }

    [Theory]
    [InlineData("GET", "{k}")]
    [InlineData("GETDEL", "{k}")]
    [InlineData("GETEX", "{k}")]
    [InlineData("GETEX", "{k}", "PERSIST")]
    [InlineData("GETEX", "{k}", "EX", "0")]
    [InlineData("GETEX", "{k}", "EX", "abc")]
    [InlineData("GETSET", "{k}", "v")]
    [InlineData("GETRANGE", "{k}", "0", "-1")]
    [InlineData("SUBSTR", "{k}", "0", "-1")]
    [InlineData("STRLEN", "{k}")]
    [InlineData("APPEND", "{k}", "v")]
    [InlineData("APPEND", "{k}", "")]
    [InlineData("SETRANGE", "{k}", "0", "v")]
    [InlineData("SETRANGE", "{k}", "0", "")]
    [InlineData("INCR", "{k}")]
    [InlineData("DECR", "{k}")]
    [InlineData("INCRBY", "{k}", "2")]
    [InlineData("DECRBY", "{k}", "2")]
    [InlineData("INCRBYFLOAT", "{k}", "1.5")]
    [InlineData("SET", "{k}", "v", "GET")]
    [InlineData("SET", "{k}", "v", "NX", "GET")]
    public async Task Commands_on_a_non_string_key_reply_WRONGTYPE_and_leave_it_alone(params string[] command)
    {
        string key = "wt:" + Guid.NewGuid().ToString("N");
        await using var client = await ConnectWithHashAsync(key);
        Assert.Equal(WrongType, await Call(client, Array.ConvertAll(command, a => a.Replace("{k}", key))));
        lock (fixture.Server.Keyspace.Lock) Assert.IsType<NotAString>(fixture.Server.Keyspace[0].Peek(Encoding.UTF8.GetBytes(key)));
    }

    [Fact]
    public async Task Syntax_and_range_errors_come_before_the_type_check_where_Redis_checks_them_first()
    {
        string key = "wt:" + Guid.NewGuid().ToString("N");
        await using var client = await ConnectWithHashAsync(key);
        Assert.Equal("-ERR syntax error\r\n", await Call(client, "GETEX", key, "BAD"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await Call(client, "GETRANGE", key, "x", "1"));
        Assert.Equal("-ERR offset is out of range\r\n", await Call(client, "SETRANGE", key, "-1", "v"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await Call(client, "INCRBY", key, "x"));
        Assert.Equal("-ERR invalid expire time in 'set' command\r\n", await Call(client, "SET", key, "v", "EX", "0", "GET"));
    }

    [Fact]
    public async Task LCS_MGET_SET_SETNX_and_MSETNX_treat_non_strings_their_own_way()
    {
        string key = "wt:" + Guid.NewGuid().ToString("N");
        await using var client = await ConnectWithHashAsync(key);
        Assert.Equal("-ERR The specified keys must contain string values\r\n", await Call(client, "LCS", key, "other", "BAD"));
        Assert.Equal("-ERR The specified keys must contain string values\r\n", await Call(client, "LCS", "other", key));
        Assert.Equal("*2\r\n$-1\r\n$-1\r\n", await Call(client, "MGET", key, "missing"));
        Assert.Equal(":0\r\n", await Call(client, "SETNX", key, "v"));
        Assert.Equal(":0\r\n", await Call(client, "MSETNX", "fresh:" + key, "v", key, "v"));
        Assert.Equal(":0\r\n", await Call(client, "EXISTS", "fresh:" + key));
        // A plain SET (and MSET) overwrites whatever type was there.
        Assert.Equal("+OK\r\n", await Call(client, "SET", key, "v"));
        Assert.Equal("$1\r\nv\r\n", await Call(client, "GET", key));
    }
}
