using System.Text;
using Spinel.Storage;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Differential;

/// <summary>
/// HyperLogLogs in Spinel hold the same bytes as in Redis 7.0.15 after the same commands, count the same
/// (including values written by the other server), and treat corrupt values the same way.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class HyperLogLogDifferentialTests(DifferentialFixture fixture)
{
    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    private static byte[][] Cmd(params object[] args) =>
        Array.ConvertAll(args, a => a as byte[] ?? B(Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture)!));

    /// <summary>Sends the commands in pipelined batches and returns every reply.</summary>
    private static async Task<List<byte[]>> PipelineAsync(RawClient client, IReadOnlyList<byte[][]> commands, int batch = 100)
    {
        var replies = new List<byte[]>(commands.Count);
        for (int start = 0; start < commands.Count; start += batch)
        {
            int end = Math.Min(start + batch, commands.Count);
            var buffer = new MemoryStream();
            for (int i = start; i < end; i++) buffer.Write(RawClient.Encode(commands[i]));
            await client.SendRawAsync(buffer.ToArray());
            for (int i = start; i < end; i++) replies.Add(await client.ReadReplyAsync(30_000));
        }
        return replies;
    }

    private sealed record Pair(RawClient Spinel, RawClient Redis) : IAsyncDisposable
    {
        /// <summary>Runs one command on both servers; asserts the replies are byte-identical and returns Redis's.</summary>
        public async Task<byte[]> SameAsync(params object[] args)
        {
            var command = Cmd(args);
            await Spinel.SendAsync(command);
            await Redis.SendAsync(command);
            var a = await Spinel.ReadReplyAsync(30_000);
            var b = await Redis.ReadReplyAsync(30_000);
            Assert.True(a.AsSpan().SequenceEqual(b), $"{string.Join(' ', command.Select(x => Encoding.Latin1.GetString(x.Take(40).ToArray())))}\n  spinel: {DifferentialScript.Show(a)}\n  redis:  {DifferentialScript.Show(b)}");
            return b;
        }

        public async Task SamePipelineAsync(IReadOnlyList<byte[][]> commands, int batch = 100)
        {
            var a = await PipelineAsync(Spinel, commands, batch);
            var b = await PipelineAsync(Redis, commands, batch);
            for (int i = 0; i < commands.Count; i++) Assert.True(a[i].AsSpan().SequenceEqual(b[i]), $"reply {i} differs");
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var client in new[] { Spinel, Redis }) await client.CallAsync("FLUSHALL");
            await Spinel.DisposeAsync();
            await Redis.DisposeAsync();
        }
    }

    private async Task<Pair> ConnectAsync()
    {
        fixture.Oracle.RequireAvailable();
        var pair = new Pair(await fixture.Spinel.ConnectAsync(), await fixture.Oracle.ConnectAsync());
        foreach (var client in new[] { pair.Spinel, pair.Redis }) await client.CallAsync("FLUSHALL");
        return pair;
    }

    /// <summary>PFADD commands adding <paramref name="count"/> random elements in commands of up to <paramref name="perCommand"/>.</summary>
    private static List<byte[][]> RandomAdds(string key, int count, int perCommand, Random random)
    {
        var commands = new List<byte[][]>();
        for (int added = 0; added < count;)
        {
            int n = Math.Min(count - added, random.Next(1, perCommand + 1));
            var command = new byte[n + 2][];
            command[0] = "PFADD"u8.ToArray();
            command[1] = B(key);
            for (int i = 0; i < n; i++)
            {
                // Mostly distinct, some repeated, of varied lengths (the hash reads 8-byte words, then a tail).
                var element = new byte[random.Next(0, 24)];
                random.NextBytes(element);
                command[i + 2] = random.Next(10) == 0 ? B("dup" + random.Next(50)) : element;
            }
            commands.Add(command);
            added += n;
        }
        return commands;
    }

    /// <summary>The bulk string payload of a reply.</summary>
    private static byte[] Payload(byte[] reply)
    {
        int headerEnd = Array.IndexOf(reply, (byte)'\n') + 1;
        return reply[headerEnd..^2];
    }

    [SkippableTheory]
    [InlineData(10, 3)]
    [InlineData(1_000, 20)]
    [InlineData(1_000_000, 1000)]
    public async Task Bytes_after_random_pfadds_match_redis(int elements, int perCommand)
    {
        await using var pair = await ConnectAsync();
        var random = new Random(elements);
        await pair.SamePipelineAsync(RandomAdds("hll", elements, perCommand, random), batch: 50);
        await pair.SameAsync("PFDEBUG", "ENCODING", "hll");
        await pair.SameAsync("GET", "hll");
        await pair.SameAsync("PFCOUNT", "hll");
        // Now with the cached cardinality written.
        await pair.SameAsync("GET", "hll");
        await pair.SameAsync("PFADD", "hll", "one more", "and another");
        await pair.SameAsync("GET", "hll");
        await pair.SameAsync("PFCOUNT", "hll");
    }

    [SkippableFact]
    public async Task Sparse_values_match_redis_at_every_step_up_to_promotion()
    {
        await using var pair = await ConnectAsync();
        var random = new Random(42);
        // One element per command, checking the bytes after each: every split and merge must be Redis's.
        for (int i = 0; i < 1500; i++)
        {
            var element = new byte[random.Next(1, 12)];
            random.NextBytes(element);
            await pair.SameAsync("PFADD", "s", element);
            if (i % 10 == 0) await pair.SameAsync("GET", "s");
        }
        await pair.SameAsync("PFDEBUG", "ENCODING", "s");
        await pair.SameAsync("GET", "s");
    }

    [SkippableFact]
    public async Task Pfcount_and_pfmerge_over_mixed_encodings_match_redis()
    {
        await using var pair = await ConnectAsync();
        var random = new Random(5);
        var commands = new List<byte[][]>();
        commands.AddRange(RandomAdds("a", 50, 10, random));
        commands.AddRange(RandomAdds("b", 800, 10, random));
        commands.AddRange(RandomAdds("c", 30_000, 500, random));
        commands.AddRange(RandomAdds("d", 5, 5, random));
        await pair.SamePipelineAsync(commands);
        foreach (var key in new[] { "a", "b", "c", "d" }) await pair.SameAsync("PFDEBUG", "ENCODING", key);

        await pair.SameAsync("PFCOUNT", "a", "b");
        await pair.SameAsync("PFCOUNT", "a", "b", "c", "d", "missing");
        await pair.SameAsync("PFCOUNT", "c", "c");
        // Sparse sources into a new key, into an existing sparse key (itself included), and with a dense source.
        await pair.SameAsync("PFMERGE", "m1", "a", "d");
        await pair.SameAsync("GET", "m1");
        await pair.SameAsync("PFMERGE", "a", "b");
        await pair.SameAsync("GET", "a");
        await pair.SameAsync("PFMERGE", "m2", "a", "c");
        await pair.SameAsync("GET", "m2");
        await pair.SameAsync("PFMERGE", "d", "c");
        await pair.SameAsync("GET", "d");
        await pair.SameAsync("PFCOUNT", "m1");
        await pair.SameAsync("PFCOUNT", "m2");
        await pair.SameAsync("PFCOUNT", "d");
        // A small merge result that outgrows the sparse limit on the way.
        await pair.SameAsync("CONFIG", "SET", "hll-sparse-max-bytes", "200");
        try
        {
            await pair.SameAsync("PFMERGE", "m3", "b");
            await pair.SameAsync("PFDEBUG", "ENCODING", "m3");
            await pair.SameAsync("GET", "m3");
        }
        finally
        {
            await pair.SameAsync("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
        }
    }

    [SkippableFact]
    public async Task A_dense_register_above_32_promotes_a_sparse_destination()
    {
        await using var pair = await ConnectAsync();
        var dense = new byte[HyperLogLog.DenseSize];
        Assert.True(HyperLogLog.TrySparseToDense(HyperLogLog.CreateEmpty(), dense));
        var registers = dense.AsSpan(HyperLogLog.HeaderSize);
        HyperLogLog.SetDense(registers, 3, 40);
        HyperLogLog.SetDense(registers, 9000, 12);
        HyperLogLog.SetDense(registers, 16383, 63);
        HyperLogLog.InvalidateCache(dense);
        await pair.SameAsync("SET", "dense", dense);
        await pair.SameAsync("PFCOUNT", "dense");
        await pair.SameAsync("PFADD", "sparse", "x", "y");
        // PFMERGE makes the destination dense up front when a source is dense.
        await pair.SameAsync("PFMERGE", "sparse", "dense");
        await pair.SameAsync("GET", "sparse");
        await pair.SameAsync("PFDEBUG", "GETREG", "sparse");
    }

    [SkippableFact]
    public async Task An_hll_written_by_redis_counts_the_same_in_spinel()
    {
        await using var pair = await ConnectAsync();
        var random = new Random(9);
        foreach (var (key, count) in new[] { ("small", 200), ("big", 50_000) })
        {
            foreach (var command in RandomAdds(key, count, 1000, random)) await pair.Redis.CallAsync(command);
            var bytes = Payload(await SendAsync(pair.Redis, "GET", key));
            var expected = await pair.Redis.CallAsync("PFCOUNT", key);
            await pair.Spinel.CallAsync(Cmd("SET", key, bytes));
            Assert.Equal(expected, await pair.Spinel.CallAsync("PFCOUNT", key));
            // And back: what Spinel wrote (with the cache now filled) is what Redis holds after its PFCOUNT.
            Assert.Equal(await pair.Redis.CallAsync("GET", key), await pair.Spinel.CallAsync("GET", key));
            Assert.Equal(await pair.Redis.CallAsync("PFADD", key, "new"), await pair.Spinel.CallAsync("PFADD", key, "new"));
            Assert.Equal(await pair.Redis.CallAsync("GET", key), await pair.Spinel.CallAsync("GET", key));
        }
    }

    private static async Task<byte[]> SendAsync(RawClient client, params object[] args)
    {
        await client.SendAsync(Cmd(args));
        return await client.ReadReplyAsync();
    }

    [SkippableFact]
    public async Task Corrupt_and_truncated_values_get_the_same_replies()
    {
        await using var pair = await ConnectAsync();
        var random = new Random(2024);
        // Valid starting points: empty, small and larger sparse, dense.
        var samples = new List<byte[]>();
        foreach (var (key, count) in new[] { ("s0", 0), ("s1", 3), ("s2", 60), ("s3", 600), ("d", 20_000) })
        {
            await pair.SameAsync("PFADD", key);
            await pair.SamePipelineAsync(RandomAdds(key, count, 500, random));
            samples.Add(Payload(await SendAsync(pair.Redis, "GET", key)));
        }

        for (int trial = 0; trial < 400; trial++)
        {
            var value = Mutate(samples[random.Next(samples.Count)], random);
            await pair.SameAsync("SET", "c", value);
            for (int step = random.Next(1, 5); step > 0; step--)
            {
                switch (random.Next(7))
                {
                    case 0: await pair.SameAsync("PFCOUNT", "c"); break;
                    case 1: await pair.SameAsync("PFCOUNT", "c", "s2"); break;
                    case 2: await pair.SameAsync("PFMERGE", "dst", "c"); break;
                    case 3: await pair.SameAsync("PFMERGE", "c", "s1"); break;
                    case 4: await pair.SameAsync("PFADD", "c", random.Next().ToString(), random.Next().ToString(), random.Next().ToString()); break;
                    case 5: await pair.SameAsync("PFDEBUG", "DECODE", "c"); break;
                    default: await pair.SameAsync("PFDEBUG", "TODENSE", "c"); break;
                }
            }
            await pair.SameAsync("GET", "c");
            await pair.SameAsync("GET", "dst");
        }
    }

    /// <summary>Truncates, flips bytes, appends garbage, changes the encoding byte or replaces the body.</summary>
    private static byte[] Mutate(byte[] valid, Random random)
    {
        var value = valid.ToList();
        switch (random.Next(6))
        {
            case 0:
                value = value.Take(random.Next(16, value.Count)).ToList();
                break;
            case 1:
                for (int k = random.Next(1, 5); k > 0; k--) value[random.Next(16, value.Count)] = (byte)random.Next(256);
                break;
            case 2:
                for (int k = random.Next(1, 6); k > 0; k--) value.Add((byte)random.Next(256));
                break;
            case 3:
                value[4] = (byte)random.Next(3);
                break;
            case 4:
                value[random.Next(8, 16)] = (byte)random.Next(256);
                break;
            default:
                value = value.Take(16).Concat(Enumerable.Range(0, random.Next(40)).Select(_ => (byte)random.Next(256))).ToList();
                break;
        }
        return value.ToArray();
    }
}
