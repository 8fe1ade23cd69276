using System.Text;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Differential;

/// <summary>
/// Thousands of random sorted-set writes (ZADD with every flag combination, ZINCRBY, ZREM, ZREMRANGEBY*, pops,
/// ZRANGESTORE) interleaved with range queries (rank, score, lex, REV, LIMIT, WITHSCORES), counts and lookups,
/// replayed on Spinel and redis-server with a fixed seed: every reply must match byte for byte. Sets stay small
/// (listpack) or grow past the limit (skiplist); scores include ones that stress "%.17g" formatting.
/// Lex queries run on sets whose scores are all equal, or on listpacks, where Redis's answer is deterministic.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class SortedSetRandomDifferentialTests(DifferentialFixture fixture)
{
    private static readonly string[] Scores =
    [
        "0", "-0", "1", "1.1", "2.5", "-3", "0.1", "0.30000000000000004", "1e-300", "-1e-300", "1e300", "inf", "-inf", "+inf",
        "12345678901234567", "9007199254740993", "18446744073709551616", "1.7976931348623157e308", "5e-324", "123456789.123456789",
        "-2.5", "3", "7", "100",
    ];

    private static readonly string[] ExtraMembers = ["", "a", "aa", "ab", "b", "\xff", "\x80", "\x00x", "zz"];

    [SkippableTheory]
    [InlineData(1, 2, 128)]
    [InlineData(2, 3, 128)]
    [InlineData(3, 2, 8)]
    [InlineData(4, 3, 0)]
    public async Task Random_sorted_set_operations_reply_like_redis(int seed, int protocol, int maxEntries)
    {
        fixture.Oracle.RequireAvailable();
        await using var spinel = await fixture.Spinel.ConnectAsync();
        await using var redis = await fixture.Oracle.ConnectAsync();
        foreach (var client in new[] { spinel, redis })
        {
            await client.CallAsync("FLUSHALL");
            await client.CallAsync("HELLO", protocol.ToString());
            await client.CallAsync("CONFIG", "SET", "zset-max-listpack-entries", maxEntries.ToString());
        }
        var random = new Random(seed);
        var failures = new List<string>();
        try
        {
            for (int step = 0; step < 4000 && failures.Count < 10; step++)
            {
                bool lexKey = random.Next(4) == 0;
                // Small sets stay below 128 members; big ones pass it.
                string key = lexKey ? (random.Next(2) == 0 ? "lexsmall" : "lexbig") : random.Next(2) == 0 ? "small" : "big";
                int universe = key.EndsWith("big") ? 400 : 30;
                var args = lexKey ? LexStep(random, key, universe) : MixedStep(random, key, universe);
                if (args is null)
                {
                    // A lex query on a set with differing scores: only when Redis holds it as a listpack.
                    var encoding = await Both(spinel, redis, Bytes("OBJECT", "ENCODING", key), failures);
                    if (!encoding.Contains("listpack")) continue;
                    args = LexQuery(random, key, universe);
                }
                await Both(spinel, redis, args, failures);
                if (step % 200 == 0)
                {
                    foreach (var k in new[] { "small", "big", "lexsmall", "lexbig", "dst" })
                    {
                        await Both(spinel, redis, Bytes("ZRANGE", k, "0", "-1", "WITHSCORES"), failures);
                        await Both(spinel, redis, Bytes("OBJECT", "ENCODING", k), failures);
                    }
                }
            }
        }
        finally
        {
            foreach (var client in new[] { spinel, redis })
            {
                await client.CallAsync("CONFIG", "SET", "zset-max-listpack-entries", "128");
                await client.CallAsync("HELLO", "2");
                await client.CallAsync("FLUSHALL");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static async Task<string> Both(RawClient spinel, RawClient redis, byte[][] args, List<string> failures)
    {
        await spinel.SendAsync(args);
        await redis.SendAsync(args);
        var a = await spinel.ReadReplyAsync();
        var b = await redis.ReadReplyAsync();
        if (!a.AsSpan().SequenceEqual(b))
        {
            string line = string.Join(' ', args.Select(x => DifferentialScript.Show(x)));
            failures.Add($"{line}\n   spinel: {DifferentialScript.Show(a)}\n   redis:  {DifferentialScript.Show(b)}");
        }
        return Encoding.Latin1.GetString(b);
    }

    private static byte[][] Bytes(params string[] args) => Array.ConvertAll(args, a => Encoding.Latin1.GetBytes(a));

    private static string Member(Random random, int universe) =>
        random.Next(10) == 0 ? ExtraMembers[random.Next(ExtraMembers.Length)] : "m" + random.Next(universe);

    private static string Score(Random random) => random.Next(3) switch
    {
        0 => Scores[random.Next(Scores.Length)],
        1 => random.Next(-50, 50).ToString(),
        _ => (random.Next(-400, 400) / 8.0).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string ScoreBound(Random random)
    {
        string bound = random.Next(5) switch
        {
            0 => "-inf",
            1 => "+inf",
            _ => random.Next(-60, 60).ToString(),
        };
        return random.Next(3) == 0 ? "(" + bound : bound;
    }

    private static string LexBound(Random random, int universe) => random.Next(8) switch
    {
        0 => "-",
        1 => "+",
        _ => (random.Next(2) == 0 ? "[" : "(") + Member(random, universe),
    };

    private static List<string> Limit(Random random, List<string> args)
    {
        if (random.Next(2) == 0) args.AddRange(["LIMIT", random.Next(-1, 8).ToString(), random.Next(-1, 12).ToString()]);
        return args;
    }

    /// <summary>A command on a set with any scores; null asks for a lex query if the set is a listpack.</summary>
    private static byte[][]? MixedStep(Random random, string key, int universe)
    {
        int op = random.Next(100);
        List<string> args;
        if (op < 30)
        {
            args = ["ZADD", key];
            string[] flags = ["NX", "XX", "GT", "LT", "CH", "INCR"];
            foreach (var flag in flags)
            {
                if (random.Next(5) == 0) args.Add(flag);
            }
            int pairs = args.Contains("INCR") && random.Next(8) != 0 ? 1 : random.Next(1, 5);
            for (int i = 0; i < pairs; i++) args.AddRange([Score(random), Member(random, universe)]);
        }
        else if (op < 36) args = ["ZINCRBY", key, Score(random), Member(random, universe)];
        else if (op < 42)
        {
            args = ["ZREM", key];
            for (int i = random.Next(1, 4); i > 0; i--) args.Add(Member(random, universe));
        }
        else if (op < 44) args = ["ZREMRANGEBYRANK", key, random.Next(-10, 10).ToString(), random.Next(-10, 10).ToString()];
        else if (op < 46) args = ["ZREMRANGEBYSCORE", key, ScoreBound(random), ScoreBound(random)];
        else if (op < 49)
        {
            args = [random.Next(2) == 0 ? "ZPOPMIN" : "ZPOPMAX", key];
            if (random.Next(2) == 0) args.Add(random.Next(0, 4).ToString());
        }
        else if (op < 51) args = ["ZMPOP", "2", "nokey", key, random.Next(2) == 0 ? "MIN" : "MAX", "COUNT", random.Next(1, 4).ToString()];
        else if (op < 58)
        {
            args = ["ZRANGE", key, random.Next(-20, 20).ToString(), random.Next(-20, 20).ToString()];
            if (random.Next(2) == 0) args.Add("REV");
            if (random.Next(2) == 0) args.Add("WITHSCORES");
        }
        else if (op < 68)
        {
            bool rev = random.Next(2) == 0;
            args = random.Next(2) == 0
                ? ["ZRANGE", key, ScoreBound(random), ScoreBound(random), "BYSCORE"]
                : [rev ? "ZREVRANGEBYSCORE" : "ZRANGEBYSCORE", key, ScoreBound(random), ScoreBound(random)];
            if (args[0] == "ZRANGE" && rev) args.Add("REV");
            if (random.Next(2) == 0) args.Add("WITHSCORES");
            Limit(random, args);
        }
        else if (op < 72) args = ["ZCOUNT", key, ScoreBound(random), ScoreBound(random)];
        else if (op < 78) args = [random.Next(2) == 0 ? "ZRANK" : "ZREVRANK", key, Member(random, universe)];
        else if (op < 83) args = ["ZSCORE", key, Member(random, universe)];
        else if (op < 86) args = ["ZMSCORE", key, Member(random, universe), Member(random, universe)];
        else if (op < 88) args = ["ZCARD", key];
        else if (op < 92)
        {
            args = random.Next(2) == 0
                ? ["ZRANGESTORE", "dst", key, random.Next(-20, 20).ToString(), random.Next(-20, 200).ToString()]
                : ["ZRANGESTORE", "dst", key, ScoreBound(random), ScoreBound(random), "BYSCORE"];
            if (random.Next(3) == 0) args.Add("REV");
        }
        else if (op < 94) args = ["OBJECT", "ENCODING", key];
        else return null;
        return Bytes([.. args]);
    }

    /// <summary>A command on a set whose scores are all 0, so lex ranges are well defined in both encodings.</summary>
    private static byte[][] LexStep(Random random, string key, int universe)
    {
        int op = random.Next(100);
        List<string> args;
        if (op < 35)
        {
            args = ["ZADD", key];
            if (random.Next(4) == 0) args.Add(random.Next(2) == 0 ? "NX" : "XX");
            if (random.Next(4) == 0) args.Add("CH");
            for (int i = random.Next(1, 6); i > 0; i--) args.AddRange([random.Next(4) == 0 ? "-0" : "0", Member(random, universe)]);
        }
        else if (op < 42) args = ["ZREM", key, Member(random, universe)];
        else if (op < 46) args = ["ZREMRANGEBYLEX", key, LexBound(random, universe), LexBound(random, universe)];
        else if (op < 48) args = [random.Next(2) == 0 ? "ZPOPMIN" : "ZPOPMAX", key, random.Next(0, 3).ToString()];
        else if (op < 52) args = ["ZRANGESTORE", "dst", key, LexBound(random, universe), LexBound(random, universe), "BYLEX"];
        else return LexQuery(random, key, universe);
        return Bytes([.. args]);
    }

    private static byte[][] LexQuery(Random random, string key, int universe)
    {
        int op = random.Next(4);
        List<string> args = op switch
        {
            0 => ["ZLEXCOUNT", key, LexBound(random, universe), LexBound(random, universe)],
            1 => Limit(random, ["ZRANGEBYLEX", key, LexBound(random, universe), LexBound(random, universe)]),
            2 => Limit(random, ["ZREVRANGEBYLEX", key, LexBound(random, universe), LexBound(random, universe)]),
            _ => Limit(random, ["ZRANGE", key, LexBound(random, universe), LexBound(random, universe), "BYLEX", .. random.Next(2) == 0 ? new[] { "REV" } : []]),
        };
        return Bytes([.. args]);
    }
}
