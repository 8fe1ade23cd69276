using System.Text;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>Full SCAN iterations: the guarantee under concurrent writes, and the same key sets as redis-server.</summary>
[Collection(DifferentialCollection.Name)]
public sealed class KeyScanTests(DifferentialFixture fixture)
{
    /// <summary>Runs a whole SCAN iteration with the given options and returns every key returned, with repeats.</summary>
    private static async Task<List<string>> ScanAllAsync(RawClient client, params string[] options)
    {
        var keys = new List<string>();
        string cursor = "0";
        int calls = 0;
        do
        {
            var reply = await client.CallAsync(["SCAN", cursor, .. options]);
            var (next, page) = ParseScanReply(reply);
            cursor = next;
            keys.AddRange(page);
            Assert.True(++calls < 1_000_000, "SCAN did not terminate");
        }
        while (cursor != "0");
        return keys;
    }

    /// <summary>Parses *2 $cursor *N $key... (keys are plain ASCII here).</summary>
    private static (string Cursor, List<string> Keys) ParseScanReply(string reply)
    {
        var lines = reply.Split("\r\n");
        Assert.Equal("*2", lines[0]);
        string cursor = lines[2];
        int count = int.Parse(lines[3][1..]);
        var keys = new List<string>(count);
        for (int i = 0; i < count; i++) keys.Add(lines[5 + 2 * i]);
        return (cursor, keys);
    }

    private static async Task PipelineAsync(RawClient client, IEnumerable<string[]> commands)
    {
        var ms = new MemoryStream();
        int n = 0;
        foreach (var command in commands)
        {
            ms.Write(RawClient.Encode(RawClient.Args(command)));
            n++;
        }
        await client.SendRawAsync(ms.ToArray());
        for (int i = 0; i < n; i++) await client.ReadReplyAsync();
    }

    [Fact]
    public async Task Scan_returns_every_key_that_exists_throughout_while_others_are_added_and_deleted()
    {
        await using var scanner = await fixture.Spinel.ConnectAsync();
        await using var writer = await fixture.Spinel.ConnectAsync();
        await scanner.CallAsync("SELECT", "8");
        await writer.CallAsync("SELECT", "8");
        await scanner.CallAsync("FLUSHDB");
        await PipelineAsync(writer, Enumerable.Range(0, 20_000).Select(i => new[] { "SET", "stable:" + i, "v" }));
        await PipelineAsync(writer, Enumerable.Range(0, 20_000).Select(i => new[] { "SET", "churn:" + i, "v" }));

        // The writer grows the table to several times its size, then deletes nearly everything else,
        // while the scanner walks with small pages.
        using var stop = new CancellationTokenSource();
        var churn = Task.Run(async () =>
        {
            int round = 0;
            while (!stop.IsCancellationRequested)
            {
                int start = round * 5000;
                await PipelineAsync(writer, Enumerable.Range(start, 5000).Select(i => new[] { "SET", "added:" + i, "v" }));
                if (round % 4 == 3)
                {
                    await PipelineAsync(writer, Enumerable.Range(0, (round + 1) * 5000).Select(i => new[] { "DEL", "added:" + i }));
                    await PipelineAsync(writer, Enumerable.Range(0, 20_000).Select(i => new[] { "DEL", "churn:" + i }));
                }
                round++;
            }
        });
        List<string> seen;
        try
        {
            seen = await ScanAllAsync(scanner, "COUNT", "20");
        }
        finally
        {
            stop.Cancel();
            await churn;
        }
        var set = seen.ToHashSet();
        var missing = Enumerable.Range(0, 20_000).Select(i => "stable:" + i).Where(k => !set.Contains(k)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} keys present for the whole scan were not returned, e.g. {string.Join(", ", missing.Take(5))}");
        await scanner.CallAsync("FLUSHDB");
    }

    [SkippableFact]
    public async Task Full_scan_iterations_return_the_same_keys_as_redis_for_match_count_and_type()
    {
        fixture.Oracle.RequireAvailable();
        await using var spinel = await fixture.Spinel.ConnectAsync();
        await using var redis = await fixture.Oracle.ConnectAsync();
        var clients = new[] { spinel, redis };
        var setup = new List<string[]>();
        for (int i = 0; i < 3000; i++) setup.Add(["SET", $"user:{i}:name", "v"]);
        for (int i = 0; i < 500; i++) setup.Add(["SET", $"h[{i % 7}]llo:{i}", "v"]);
        setup.Add(["SET", "", "empty"]);
        for (int i = 0; i < 200; i++) setup.Add(["SET", $"gone:{i}", "v", "PX", "1"]);
        foreach (var client in clients)
        {
            await client.CallAsync("FLUSHALL");
            await PipelineAsync(client, setup);
        }
        await Task.Delay(20);

        string[][] variants =
        [
            [],
            ["COUNT", "1"],
            ["COUNT", "1000"],
            ["MATCH", "user:1*:name"],
            ["MATCH", "user:?:*", "COUNT", "5"],
            ["MATCH", "h\\[[1-3]\\]llo:*"],
            ["MATCH", "*"],
            ["MATCH", "**"],
            ["TYPE", "string", "COUNT", "50"],
            ["TYPE", "hash"],
            ["MATCH", "gone:*"],
        ];
        foreach (var options in variants)
        {
            var ours = (await ScanAllAsync(spinel, options)).ToHashSet();
            var theirs = (await ScanAllAsync(redis, options)).ToHashSet();
            Assert.True(theirs.SetEquals(ours), $"SCAN {string.Join(' ', options)}: spinel {ours.Count} keys, redis {theirs.Count}");
        }
        foreach (var client in clients) await client.CallAsync("FLUSHALL");
    }
}
