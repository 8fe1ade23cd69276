using System.Text;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Differential;

/// <summary>
/// With notify-keyspace-events KEA on both servers, a subscriber to <c>__key*__:*</c> must see exactly the
/// frames redis-server 7.0 sends, command by command, for every command family.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class KeyspaceNotificationDifferentialTests(DifferentialFixture fixture)
{
    private const string Sentinel = "spinel-test-sentinel";

    /// <summary>One write (or non-write that must stay silent) per line; each line's events are compared (not the reply after ~).</summary>
    private static readonly string[] Script =
    [
        // strings
        "SET s v", "SET s v2 EX 100", "SET s v3 KEEPTTL", "SET s v NX", "SET s v XX GET", "SETNX s2 x", "SETNX s2 y", "SETEX s3 100 x",
        "PSETEX s4 100000 x", "GETSET s y", "GETDEL s4", "GETDEL nokey", "GETEX s3 PERSIST", "GETEX s3 EX 50", "GETEX s3", "APPEND s z",
        "APPEND fresh abc", "SETRANGE s 1 QQ", "SETRANGE s 0 \"\"", "INCR n", "INCRBY n 5", "DECR n", "DECRBY n 2", "INCRBYFLOAT f 1.5",
        "MSET a 1 b 2", "MSETNX c 3 d 4", "MSETNX c 3 e 5", "GET a", "STRLEN a", "SET n notanumber", "INCR n",
        // keys and expiry
        "DEL a", "DEL nokey", "UNLINK b c", "EXPIRE d 100", "PEXPIRE d 100000", "EXPIREAT d 9999999999", "PEXPIREAT d 9999999999000",
        "EXPIRE d 100 NX", "EXPIRE d 100 XX", "EXPIRE d 50 GT", "EXPIRE d 200 GT", "EXPIRE d 300 LT", "PERSIST d", "PERSIST d", "EXPIRE d -1", "SET d 4", "EXPIRE nokey 10",
        "RENAME s s-renamed", "RENAMENX s-renamed s2", "RENAMENX s-renamed s5", "RENAME s5 s5", "COPY s5 s6", "COPY s5 s6", "COPY s5 s6 REPLACE",
        "COPY s5 s7 DB 3", "MOVE s7 3", "MOVE s6 3", "SELECT 3", "SET indb3 x", "DEL s6", "SELECT 0", "SWAPDB 0 1", "SWAPDB 0 1",
        "TOUCH s5", "TYPE s5", "EXISTS s5",
        // hashes
        "HSET h f v", "HSET h f v2 g w", "HSETNX h f x", "HSETNX h k x", "HMSET h a 1 b 2", "HDEL h a", "HDEL h nope", "HDEL h f g k b",
        "HINCRBY h n 2", "HINCRBYFLOAT h x 1.5", "HGET h n",
        // sets
        "SADD set a b c", "SADD set a", "SREM set a", "SREM set zz", "~SPOP set", "SADD set x y z", "~SPOP set 2", "DEL set", "SADD set z y", "SMOVE set set2 z", "SADD sp a", "SPOP sp", "SADD sp a b", "~SPOP sp 5",
        "SMOVE set set2 nothere", "SADD s1 1 2 3", "SADD s2x 2 3 4", "SINTERSTORE dst s1 s2x", "SUNIONSTORE dst s1 s2x", "SDIFFSTORE dst s1 s2x",
        "SINTERSTORE dst s1 nokey", "SREM s1 1 2 3",
        // lists
        "RPUSH l a b c", "LPUSH l z", "RPUSHX l d", "LPUSHX nolist d", "LPOP l", "RPOP l", "LPOP l 1", "LINSERT l BEFORE b q", "LINSERT l BEFORE nope q",
        "LSET l 0 w", "LREM l 0 w", "LTRIM l 0 0", "RPUSH l2 1 2 3", "LMOVE l2 l3 LEFT RIGHT", "RPOPLPUSH l2 l3", "LMPOP 1 l3 LEFT COUNT 5",
        "BLPOP l2 0.01", "BRPOP nolist 0.01", "BLMOVE l l4 RIGHT LEFT 0.01", "RPUSH l5 x", "LTRIM l5 1 0", "RPUSH l6 a b", "RPOP l6 5",
        // sorted sets
        "ZADD z 1 a 2 b 3 c", "ZADD z 1 a", "ZADD z XX 5 a", "ZADD z INCR 2 a", "ZINCRBY z 3 b", "ZREM z a", "ZREM z nope",
        "ZADD z 4 d 5 e 6 f", "ZREMRANGEBYSCORE z 0 2", "ZREMRANGEBYRANK z 0 0", "ZADD z 0 aa 0 bb", "ZREMRANGEBYLEX z [aa [bb",
        "ZPOPMIN z", "ZPOPMAX z", "ZADD z1 1 x 2 y", "ZADD z2 2 y 3 w", "ZUNIONSTORE zd 2 z1 z2", "ZINTERSTORE zd 2 z1 z2", "ZDIFFSTORE zd 2 z1 z2",
        "ZINTERSTORE zd 2 z1 nokey", "ZRANGESTORE zr z1 0 -1", "ZRANGESTORE zr nokey 0 -1", "ZMPOP 1 z1 MIN COUNT 10", "BZPOPMIN z2 0.01",
        "BZMPOP 0.01 1 z2 MAX", "ZADD z3 1 a", "ZREM z3 a",
        // geo
        "GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania", "GEOADD g 13.361389 38.115556 Palermo",
        "GEOSEARCHSTORE gd g FROMLONLAT 15 37 BYRADIUS 200 km ASC", "GEOSEARCHSTORE gd g FROMLONLAT 15 37 BYRADIUS 200 km ASC STOREDIST",
        "GEORADIUS g 15 37 200 km STORE gd2", "GEORADIUSBYMEMBER g Palermo 1 km STOREDIST gd3", "GEOSEARCHSTORE gd g FROMLONLAT 0 0 BYRADIUS 1 km",
        // type changes and wholesale
        "SET l7 x", "FLUSHDB",
    ];

    [SkippableFact]
    public async Task Keyspace_and_keyevent_messages_match_redis_command_by_command()
    {
        fixture.Oracle.RequireAvailable();
        var spinel = await Session.OpenAsync(fixture.Spinel.Port, "KEA");
        var redis = await Session.OpenAsync(fixture.Oracle.Port, "KEA");
        var failures = new List<string>();
        try
        {
            foreach (var line in Script)
            {
                var a = await spinel.RunAsync(line);
                var b = await redis.RunAsync(line);
                if (a != b) failures.Add($"{line}\n   spinel: {a}\n   redis:  {b}");
            }
        }
        finally
        {
            await spinel.CloseAsync();
            await redis.CloseAsync();
        }
        Assert.True(failures.Count == 0, $"{failures.Count} commands differ:\n" + string.Join("\n", failures));
    }

    [SkippableFact]
    public async Task Notify_keyspace_events_classes_filter_the_same_events()
    {
        fixture.Oracle.RequireAvailable();
        foreach (var flags in new[] { "K$", "El", "Kgx", "Ez", "KEh", "Es", "KEA" })
        {
            var spinel = await Session.OpenAsync(fixture.Spinel.Port, flags);
            var redis = await Session.OpenAsync(fixture.Oracle.Port, flags);
            try
            {
                foreach (var line in new[] { "SET k v", "EXPIRE k 100", "DEL k", "RPUSH l a", "HSET h f v", "SADD s m", "ZADD z 1 m", "FLUSHDB" })
                {
                    var a = await spinel.RunAsync(line);
                    var b = await redis.RunAsync(line);
                    Assert.True(a == b, $"{flags} {line}\n   spinel: {a}\n   redis:  {b}");
                }
            }
            finally
            {
                await spinel.CloseAsync();
                await redis.CloseAsync();
            }
        }
    }

    [SkippableFact]
    public async Task New_keys_publish_new_before_their_command_event()
    {
        fixture.Oracle.RequireAvailable();
        var spinel = await Session.OpenAsync(fixture.Spinel.Port, "KEg$lshzn");
        var redis = await Session.OpenAsync(fixture.Oracle.Port, "KEg$lshzn");
        try
        {
            foreach (var line in new[]
            {
                "SET k v", "SET k v2", "APPEND ap x", "SETRANGE sr 2 x", "INCR n", "INCRBYFLOAT f 1", "MSET m1 1 m2 2", "RPUSH l a", "LPUSH l b",
                "LMOVE l l2 LEFT LEFT", "HSET h f v", "HINCRBY h2 f 1", "SADD s a", "SMOVE s s2 a", "SADD s3 b", "SUNIONSTORE su s2 s3",
                "ZADD z 1 a", "ZINCRBY z2 1 a", "ZUNIONSTORE zu 1 z", "ZRANGESTORE zr z 0 -1", "GEOADD g 1 1 p", "RENAME k k2", "COPY k2 k3",
                "MOVE k3 2", "SETNX nx v", "GETSET gs v", "SET k2 v GET",
            })
            {
                var a = await spinel.RunAsync(line);
                var b = await redis.RunAsync(line);
                Assert.True(a == b, $"{line}\n   spinel: {a}\n   redis:  {b}");
            }
        }
        finally
        {
            await spinel.CloseAsync();
            await redis.CloseAsync();
        }
    }

    [SkippableFact]
    public async Task Reads_of_missing_keys_publish_keymiss()
    {
        fixture.Oracle.RequireAvailable();
        var spinel = await Session.OpenAsync(fixture.Spinel.Port, "KEm");
        var redis = await Session.OpenAsync(fixture.Oracle.Port, "KEm");
        try
        {
            foreach (var line in new[]
            {
                "GET nokey", "SET k v", "GET k", "MGET k nokey", "STRLEN nokey", "EXISTS nokey", "TYPE nokey", "TTL nokey", "HGET nokey f",
                "HGETALL nokey", "LRANGE nokey 0 -1", "LLEN nokey", "SMEMBERS nokey", "SISMEMBER nokey m", "ZSCORE nokey m", "ZRANGE nokey 0 -1",
                "GEOPOS nokey m", "OBJECT ENCODING nokey", "OBJECT FREQ nokey", "OBJECT IDLETIME nokey", "GETRANGE nokey 0 1", "SINTER nokey k", "ZUNION 1 nokey",
                "INCR counter", "DEL nokey", "RPUSH l a", "LPOP nokey",
            })
            {
                var a = await spinel.RunAsync(line);
                var b = await redis.RunAsync(line);
                Assert.True(a == b, $"{line}\n   spinel: {a}\n   redis:  {b}");
            }
        }
        finally
        {
            await spinel.CloseAsync();
            await redis.CloseAsync();
        }
    }

    [SkippableFact]
    public async Task Expired_from_the_active_cycle_and_lazily_is_published()
    {
        fixture.Oracle.RequireAvailable();
        var spinel = await Session.OpenAsync(fixture.Spinel.Port, "KEA");
        var redis = await Session.OpenAsync(fixture.Oracle.Port, "KEA");
        try
        {
            foreach (var s in new[] { spinel, redis })
            {
                await s.RunAsync("SET active v PX 50");
                await s.RunAsync("DEBUG SET-ACTIVE-EXPIRE 0");
                await s.RunAsync("SET lazy v PX 50");
            }
            await Task.Delay(150);
            // Lazy: the read finds the key dead and deletes it, which publishes "expired".
            var lazyA = await spinel.RunAsync("GET lazy");
            var lazyB = await redis.RunAsync("GET lazy");
            Assert.Equal(lazyB, lazyA);
            Assert.Contains("expired", lazyA);

            foreach (var s in new[] { spinel, redis }) await s.RunAsync("DEBUG SET-ACTIVE-EXPIRE 1");
            // Active: nobody touches the key; the background cycle removes it within a few ticks.
            var activeA = await spinel.WaitForEventsAsync(2);
            var activeB = await redis.WaitForEventsAsync(2);
            Assert.Equal(activeB, activeA);
            Assert.Contains("__keyevent@0__:expired", activeA);
        }
        finally
        {
            foreach (var s in new[] { spinel, redis }) await s.RunAsync("DEBUG SET-ACTIVE-EXPIRE 1");
            await spinel.CloseAsync();
            await redis.CloseAsync();
        }
    }

    /// <summary>A command connection and a subscriber on one server.</summary>
    private sealed class Session(RawClient commands, RawClient subscriber)
    {
        public static async Task<Session> OpenAsync(int port, string flags)
        {
            var commands = await RawClient.ConnectAsync(port);
            await commands.CallAsync("FLUSHALL");
            await commands.CallAsync("CONFIG", "SET", "notify-keyspace-events", flags);
            var subscriber = await RawClient.ConnectAsync(port);
            await subscriber.CallAsync("PSUBSCRIBE", "__key*__:*");
            await subscriber.CallAsync("SUBSCRIBE", Sentinel);
            return new Session(commands, subscriber);
        }

        /// <summary>Runs one command; returns its reply, then every frame it caused, up to the sentinel message.</summary>
        public async Task<string> RunAsync(string line)
        {
            bool random = line.StartsWith('~');
            string reply = await commands.CallAsync(DifferentialScript.Split(random ? line[1..] : line));
            if (random) reply = "(random)";
            await commands.CallAsync("PUBLISH", Sentinel, "x");
            var frames = new StringBuilder(Shorten(reply));
            while (true)
            {
                string frame = Encoding.Latin1.GetString(await subscriber.ReadReplyAsync());
                if (frame.Contains(Sentinel, StringComparison.Ordinal)) break;
                frames.Append(" | ").Append(frame.Replace("\r\n", " ", StringComparison.Ordinal));
            }
            return frames.ToString();
        }

        /// <summary>Frames that arrive without a command (the expiry cycle).</summary>
        public async Task<string> WaitForEventsAsync(int count)
        {
            var frames = new StringBuilder();
            for (int i = 0; i < count; i++) frames.Append(" | ").Append(Encoding.Latin1.GetString(await subscriber.ReadReplyAsync(5000)).Replace("\r\n", " ", StringComparison.Ordinal));
            return frames.ToString();
        }

        // Replies differing in ways other tests cover (ids, timings) should not hide event differences.
        private static string Shorten(string reply) => reply.Length > 40 ? reply[..40] : reply;

        public async Task CloseAsync()
        {
            await commands.CallAsync("CONFIG", "SET", "notify-keyspace-events", "");
            await commands.CallAsync("FLUSHALL");
            await commands.DisposeAsync();
            await subscriber.DisposeAsync();
        }
    }
}
