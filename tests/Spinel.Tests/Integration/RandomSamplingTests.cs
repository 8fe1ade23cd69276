using StackExchange.Redis;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>
/// The random commands pick members uniformly, in every encoding, as Redis's do. Each test counts how often each of
/// ten members comes up and checks Pearson's chi-square against the 1e-6 tail of its distribution (9 degrees of
/// freedom: 44.8), so a fair server fails it about once in a million runs, while a pick that favours some members
/// (one in a hash bucket of its own twice as often as two sharing one) scores in the hundreds or thousands.
/// </summary>
public sealed class RandomSamplingTests(SpinelFixture fixture) : IClassFixture<SpinelFixture>
{
    private const double ChiSquareBound = 44.8;
    private const int Members = 10;
    private const int Samples = 20_000;

    private static readonly string[] Names = Enumerable.Range(0, Members).Select(i => "m" + i).ToArray();

    private async Task<IDatabase> ConnectAsync()
    {
        var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fixture.Port},allowAdmin=true");
        return mux.GetDatabase();
    }

    /// <summary>
    /// A key of the type holding m0..m9 (0..9 for an intset) in the encoding asked for. The big encodings are forced
    /// by a zero size limit while the key is created; the conversion is one-way, so the limit goes back at once.
    /// </summary>
    private static async Task<string[]> CreateAsync(IDatabase db, string key, string type, string encoding)
    {
        await db.KeyDeleteAsync(key);
        string? limit = (type, encoding) switch
        {
            ("hash", "hashtable") => "hash-max-listpack-entries",
            ("zset", "skiplist") => "zset-max-listpack-entries",
            _ => null,
        };
        if (limit is not null) await db.ExecuteAsync("CONFIG", "SET", limit, "0");
        string[] names = encoding == "intset" ? Enumerable.Range(0, Members).Select(i => i.ToString()).ToArray() : Names;
        try
        {
            foreach (var name in names)
            {
                _ = type switch
                {
                    "set" => await db.ExecuteAsync("SADD", key, name),
                    "hash" => await db.ExecuteAsync("HSET", key, name, "v"),
                    _ => await db.ExecuteAsync("ZADD", key, "1", name),
                };
            }
        }
        finally
        {
            if (limit is not null) await db.ExecuteAsync("CONFIG", "SET", limit, type == "hash" ? "512" : "128");
        }
        Assert.Equal(encoding, (string?)await db.ExecuteAsync("OBJECT", "ENCODING", key));
        return names;
    }

    private static double ChiSquare(Dictionary<string, int> counts, string[] names, double expected)
    {
        Assert.Equal(names.Order(), counts.Keys.Order()); // nothing else came up, and every member did
        return names.Sum(n => Math.Pow(counts[n] - expected, 2) / expected);
    }

    private static void Count(Dictionary<string, int> counts, RedisResult reply)
    {
        foreach (var item in (RedisResult[])reply!)
        {
            string name = (string)item!;
            counts[name] = counts.GetValueOrDefault(name) + 1;
        }
    }

    /// <summary>Each random-member command on both encodings of its type.</summary>
    public static TheoryData<string, string, string> RandomCommands => new()
    {
        { "set", "hashtable", "SRANDMEMBER" },
        { "set", "intset", "SRANDMEMBER" },
        { "hash", "hashtable", "HRANDFIELD" },
        { "hash", "listpack", "HRANDFIELD" },
        { "zset", "skiplist", "ZRANDMEMBER" },
        { "zset", "listpack", "ZRANDMEMBER" },
    };

    [Theory]
    [MemberData(nameof(RandomCommands))]
    public async Task Negative_counts_repeat_members_uniformly(string type, string encoding, string command)
    {
        var db = await ConnectAsync();
        string key = $"rs:{type}:{encoding}";
        var names = await CreateAsync(db, key, type, encoding);
        var counts = new Dictionary<string, int>();
        Count(counts, await db.ExecuteAsync(command, key, (-Samples).ToString()));
        double chi = ChiSquare(counts, names, Samples / (double)Members);
        Assert.True(chi < ChiSquareBound, $"{command} {key} -{Samples}: chi-square {chi:F1}, counts {string.Join(' ', counts.OrderBy(c => c.Key))}");
    }

    [Theory]
    [MemberData(nameof(RandomCommands))]
    public async Task Single_picks_and_small_positive_counts_are_uniform(string type, string encoding, string command)
    {
        var db = await ConnectAsync();
        string key = $"rs:{type}:{encoding}";
        var names = await CreateAsync(db, key, type, encoding);

        var single = new Dictionary<string, int>();
        var picks = Enumerable.Range(0, Samples).Select(_ => db.ExecuteAsync(command, key)).ToArray();
        foreach (var pick in await Task.WhenAll(picks))
        {
            string name = (string)pick!;
            single[name] = single.GetValueOrDefault(name) + 1;
        }
        double chi = ChiSquare(single, names, Samples / (double)Members);
        Assert.True(chi < ChiSquareBound, $"{command} {key}: chi-square {chi:F1}");

        // Two distinct members per call: each is in a given pair 2 times in 10. Drawing without replacement makes the
        // counts vary less than independent draws would, so the bound holds with room to spare.
        const int pairs = Samples / 2;
        var paired = new Dictionary<string, int>();
        var replies = Enumerable.Range(0, pairs).Select(_ => db.ExecuteAsync(command, key, "2")).ToArray();
        foreach (var reply in await Task.WhenAll(replies)) Count(paired, reply);
        chi = ChiSquare(paired, names, 2.0 * pairs / Members);
        Assert.True(chi < ChiSquareBound, $"{command} {key} 2: chi-square {chi:F1}");
    }

    [Theory]
    [InlineData("hashtable")]
    [InlineData("intset")]
    public async Task Spop_with_a_count_takes_members_uniformly(string encoding)
    {
        var db = await ConnectAsync();
        string key = "rs:spop:" + encoding;
        var names = await CreateAsync(db, key, "set", encoding);
        var add = names.Select(n => (RedisValue)n).ToArray();
        const int trials = 2_000;
        var counts = new Dictionary<string, int>();
        for (int t = 0; t < trials; t++)
        {
            // Each trial pops 3 and adds them back, so every trial draws from the same ten members.
            var popped = await db.SetPopAsync(key, 3);
            foreach (var member in popped) counts[(string)member!] = counts.GetValueOrDefault((string)member!) + 1;
            await db.SetAddAsync(key, add);
        }
        Assert.Equal(encoding, (string?)await db.ExecuteAsync("OBJECT", "ENCODING", key));
        double chi = ChiSquare(counts, names, 3.0 * trials / Members);
        Assert.True(chi < ChiSquareBound, $"SPOP {key} 3: chi-square {chi:F1}");
    }

    [Fact]
    public async Task Randomkey_picks_keys_uniformly()
    {
        var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fixture.Port},allowAdmin=true");
        var db = mux.GetDatabase(7);
        await db.ExecuteAsync("FLUSHDB");
        foreach (var name in Names) await db.StringSetAsync(name, "v");
        var counts = new Dictionary<string, int>();
        var picks = Enumerable.Range(0, Samples).Select(_ => db.KeyRandomAsync()).ToArray();
        foreach (var pick in await Task.WhenAll(picks)) counts[(string)pick!] = counts.GetValueOrDefault((string)pick!) + 1;
        await db.ExecuteAsync("FLUSHDB");
        double chi = ChiSquare(counts, Names, Samples / (double)Members);
        Assert.True(chi < ChiSquareBound, $"RANDOMKEY: chi-square {chi:F1}");
    }
}
