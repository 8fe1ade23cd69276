using System.Text;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Differential;

/// <summary>
/// Random sequences of bitmap and bitfield commands with fixed seeds, replayed on Spinel and redis-server:
/// every reply, and the final bytes of every key, must be identical.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class BitRandomDifferentialTests(DifferentialFixture fixture)
{
    private const int Commands = 1500;
    private static readonly string[] s_keys = ["rb:a", "rb:b", "rb:c", "rb:d"];

    public static TheoryData<int> Seeds() => [11, 22, 33, 44, 55];

    [SkippableTheory]
    [MemberData(nameof(Seeds))]
    public async Task Random_BITFIELD_sequences_reply_like_redis(int seed)
    {
        var random = new Random(seed);
        await ReplayAsync(Enumerable.Range(0, Commands).Select(_ => Bitfield(random)).ToList());
    }

    [SkippableTheory]
    [MemberData(nameof(Seeds))]
    public async Task Random_bitmap_sequences_reply_like_redis(int seed)
    {
        var random = new Random(seed);
        await ReplayAsync(Enumerable.Range(0, Commands).Select(_ => Bitmap(random)).ToList());
    }

    private async Task ReplayAsync(List<string[]> commands)
    {
        fixture.Oracle.RequireAvailable();
        await using var spinel = await fixture.Spinel.ConnectAsync();
        await using var redis = await fixture.Oracle.ConnectAsync();
        foreach (var client in new[] { spinel, redis }) await client.CallAsync("FLUSHALL");
        foreach (var key in s_keys) commands.Add(["GET", key]);
        var failures = new List<string>();
        // Pipelined in chunks: each server gets a chunk, then both replies are read and compared in order.
        foreach (var chunk in commands.Chunk(100))
        {
            var spinelReplies = await RunChunkAsync(spinel, chunk);
            var redisReplies = await RunChunkAsync(redis, chunk);
            for (int i = 0; i < chunk.Length && failures.Count < 10; i++)
            {
                if (!spinelReplies[i].AsSpan().SequenceEqual(redisReplies[i]))
                {
                    failures.Add($"{string.Join(' ', chunk[i])}\n   spinel: {DifferentialScript.Show(spinelReplies[i])}\n   redis:  {DifferentialScript.Show(redisReplies[i])}");
                }
            }
        }
        foreach (var client in new[] { spinel, redis }) await client.CallAsync("FLUSHALL");
        Assert.True(failures.Count == 0, $"replies differ:\n{string.Join("\n", failures)}");
    }

    private static async Task<byte[][]> RunChunkAsync(RawClient client, string[][] chunk)
    {
        var request = new MemoryStream();
        foreach (var command in chunk) request.Write(RawClient.Encode(Array.ConvertAll(command, Encoding.Latin1.GetBytes)));
        await client.SendRawAsync(request.ToArray());
        var replies = new byte[chunk.Length][];
        for (int i = 0; i < chunk.Length; i++) replies[i] = await client.ReadReplyAsync();
        return replies;
    }

    private static string Key(Random random) => s_keys[random.Next(s_keys.Length)];

    // ---- BITFIELD ----

    private static string[] Bitfield(Random random)
    {
        bool readOnly = random.Next(8) == 0;
        var args = new List<string> { readOnly ? "BITFIELD_RO" : "BITFIELD", Key(random) };
        int ops = random.Next(1, 7);
        for (int i = 0; i < ops; i++)
        {
            int choice = readOnly ? 0 : random.Next(10);
            if (choice >= 8)
            {
                args.Add("OVERFLOW");
                args.Add(random.Next(3) switch { 0 => "WRAP", 1 => "SAT", _ => "FAIL" });
                continue;
            }
            bool signed = random.Next(2) == 0;
            int bits = random.Next(4) == 0 ? (signed ? 64 : 63) : random.Next(1, signed ? 65 : 64);
            string type = (signed ? "i" : "u") + bits;
            string offset = random.Next(4) == 0 ? "#" + random.Next(0, 12) : random.Next(0, 300).ToString();
            switch (choice)
            {
                case < 3:
                    args.AddRange(["GET", type, offset]);
                    break;
                case < 5:
                    args.AddRange(["SET", type, offset, Value(random, bits, signed)]);
                    break;
                default:
                    args.AddRange(["INCRBY", type, offset, Value(random, bits, signed)]);
                    break;
            }
        }
        return [.. args];
    }

    /// <summary>Values around the interesting places: small, near the type's limits, and anywhere in 64 bits.</summary>
    private static string Value(Random random, int bits, bool signed)
    {
        Int128 max = signed ? (Int128.One << (bits - 1)) - 1 : (Int128.One << bits) - 1;
        Int128 min = signed ? -(Int128.One << (bits - 1)) : 0;
        Int128 value = random.Next(5) switch
        {
            0 => random.Next(-10, 11),
            1 => max + random.Next(-3, 4),
            2 => min + random.Next(-3, 4),
            3 => -max + random.Next(-3, 4),
            _ => random.NextInt64(long.MinValue, long.MaxValue),
        };
        return Int128.Clamp(value, long.MinValue, long.MaxValue).ToString();
    }

    // ---- SETBIT, GETBIT, BITOP, BITCOUNT, BITPOS ----

    private static string[] Bitmap(Random random)
    {
        string key = Key(random);
        return random.Next(20) switch
        {
            < 5 => ["SETBIT", key, Offset(random).ToString(), random.Next(2).ToString()],
            5 => ["GETBIT", key, Offset(random).ToString()],
            6 => ["SET", key, RandomBytes(random)],
            7 => random.Next(3) == 0 ? ["DEL", key] : ["SETRANGE", key, random.Next(0, 40).ToString(), RandomBytes(random)],
            8 or 9 => Bitop(random),
            < 15 => Bitcount(random, key),
            _ => Bitpos(random, key),
        };
    }

    /// <summary>Mostly small offsets, sometimes far enough to cross several vector widths.</summary>
    private static long Offset(Random random) => random.Next(10) == 0 ? random.Next(0, 5000) : random.Next(0, 200);

    /// <summary>Bytes with long 0x00 and 0xFF runs, so range edges fall inside runs and between them.</summary>
    private static string RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, random.Next(3) == 0 ? 300 : 20)];
        byte fill = random.Next(3) switch { 0 => 0, 1 => 0xFF, _ => (byte)random.Next(256) };
        for (int i = 0; i < bytes.Length; i++)
        {
            if (random.Next(16) == 0) fill = random.Next(3) switch { 0 => 0, 1 => 0xFF, _ => (byte)random.Next(256) };
            bytes[i] = fill;
        }
        return Encoding.Latin1.GetString(bytes);
    }

    private static string[] Bitop(Random random)
    {
        string op = random.Next(4) switch { 0 => "AND", 1 => "OR", 2 => "XOR", _ => "NOT" };
        var args = new List<string> { "BITOP", op, Key(random) };
        int sources = op == "NOT" ? 1 : random.Next(1, 5);
        for (int i = 0; i < sources; i++) args.Add(random.Next(6) == 0 ? "rb:missing" : Key(random));
        return [.. args];
    }

    /// <summary>A range index: usually inside a short string, sometimes negative or far out.</summary>
    private static string Index(Random random, bool bits) => random.Next(6) switch
    {
        0 => (-random.Next(1, bits ? 400 : 50)).ToString(),
        1 => random.Next(0, bits ? 50_000 : 5000).ToString(),
        _ => random.Next(0, bits ? 300 : 40).ToString(),
    };

    private static string[] Bitcount(Random random, string key)
    {
        switch (random.Next(4))
        {
            case 0:
                return ["BITCOUNT", key];
            case 1:
                return ["BITCOUNT", key, Index(random, false), Index(random, false)];
            default:
                bool bits = random.Next(2) == 0;
                return ["BITCOUNT", key, Index(random, bits), Index(random, bits), bits ? "BIT" : "BYTE"];
        }
    }

    private static string[] Bitpos(Random random, string key)
    {
        string bit = random.Next(2).ToString();
        switch (random.Next(5))
        {
            case 0:
                return ["BITPOS", key, bit];
            case 1:
                return ["BITPOS", key, bit, Index(random, false)];
            case 2:
                return ["BITPOS", key, bit, Index(random, false), Index(random, false)];
            default:
                bool bits = random.Next(3) != 0;
                return ["BITPOS", key, bit, Index(random, bits), Index(random, bits), bits ? "BIT" : "BYTE"];
        }
    }
}
