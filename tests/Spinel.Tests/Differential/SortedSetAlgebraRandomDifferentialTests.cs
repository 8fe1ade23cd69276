using System.Globalization;
using System.Text;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Differential;

/// <summary>
/// Random ZUNION / ZINTER / ZDIFF (and STORE) / ZINTERCARD calls over sorted sets of both encodings and plain
/// sets, with awkward scores and weights, replayed on Spinel and redis-server: replies must match byte for byte.
/// Summing floating-point scores in another order than Redis would show up in the last printed digit.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class SortedSetAlgebraRandomDifferentialTests(DifferentialFixture fixture)
{
    private static readonly string[] Scores = ["0", "-0", "1", "-1", "0.1", "0.2", "0.3", "1.1", "2.5", "1e-300", "1e300", "-1e300", "inf", "-inf", "3.0000000000000004", "9007199254740993", "123456789.123456789", "-7.25"];
    private static readonly string[] Weights = ["1", "0", "-1", "2", "0.5", "0.1", "3.3", "inf", "-inf", "1e300", "1e-10"];

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_set_algebra_matches_redis(int seed)
    {
        fixture.Oracle.RequireAvailable();
        var random = new Random(seed);
        var script = new StringBuilder();
        string[] keys = ["za", "zb", "zc", "zd", "sa", "nokey"];
        for (int round = 0; round < 4; round++)
        {
            // Refill the inputs: small (listpack) and big (skiplist) sorted sets over overlapping members, and a set.
            script.AppendLine("DEL za zb zc zd sa");
            foreach (var key in keys.AsSpan(0, 4))
            {
                int size = random.Next(3) == 0 ? random.Next(129, 300) : random.Next(0, 20);
                for (int i = 0; i < size; i += 8)
                {
                    script.Append("ZADD ").Append(key);
                    for (int j = i; j < Math.Min(size, i + 8); j++) script.Append(' ').Append(Score(random)).Append(" m").Append(random.Next(400));
                    script.AppendLine();
                }
            }
            script.Append("SADD sa");
            for (int i = 0; i < 15; i++) script.Append(" m").Append(random.Next(40));
            script.AppendLine();

            for (int i = 0; i < 120; i++) script.AppendLine(RandomCall(random, keys));
        }

        await using var spinel = await fixture.Spinel.ConnectAsync();
        await using var redis = await fixture.Oracle.ConnectAsync();
        foreach (var client in new[] { spinel, redis }) await client.CallAsync("FLUSHALL");
        try
        {
            await DifferentialScript.RunAsync($"zset-algebra-random-{seed}", script.ToString(), spinel, redis);
        }
        finally
        {
            foreach (var client in new[] { spinel, redis }) await client.CallAsync("FLUSHALL");
        }
    }

    private static string Score(Random random) => random.Next(4) switch
    {
        0 => Scores[random.Next(Scores.Length)],
        1 => random.Next(-50, 50).ToString(CultureInfo.InvariantCulture),
        _ => ((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-5, 8))).ToString("R", CultureInfo.InvariantCulture),
    };

    private static string RandomCall(Random random, string[] keys)
    {
        int n = random.Next(1, 5);
        var inputs = new string[n];
        for (int i = 0; i < n; i++) inputs[i] = keys[random.Next(keys.Length)];
        string list = n + " " + string.Join(' ', inputs);
        int kind = random.Next(8);
        if (kind == 7) return $"ZINTERCARD {list}" + (random.Next(2) == 0 ? $" LIMIT {random.Next(0, 10)}" : "");
        var command = new StringBuilder();
        bool diff = kind % 3 == 2;
        bool store = kind >= 3;
        command.Append((kind % 3) switch { 0 => "ZUNION", 1 => "ZINTER", _ => "ZDIFF" });
        if (store) command.Append("STORE dest");
        command.Append(' ').Append(list);
        if (!diff && random.Next(2) == 0)
        {
            command.Append(" WEIGHTS");
            for (int i = 0; i < n; i++) command.Append(' ').Append(Weights[random.Next(Weights.Length)]);
        }
        if (!diff && random.Next(2) == 0) command.Append(" AGGREGATE ").Append(random.Next(3) switch { 0 => "SUM", 1 => "MIN", _ => "MAX" });
        if (!store && random.Next(3) != 0) command.Append(" WITHSCORES");
        if (store) command.Append("\nZRANGE dest 0 -1 WITHSCORES\nOBJECT ENCODING dest");
        return command.ToString();
    }
}
