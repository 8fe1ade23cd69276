using System.Text;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Differential;

/// <summary>
/// CONFIG GET * and INFO everything compared with redis-server as sets: the same setting names with the
/// same values (apart from settings the two processes were started with differently or derive at
/// runtime), and every INFO field Redis has, section by section.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class ServerIntrospectionDifferentialTests(DifferentialFixture fixture)
{
    // Set differently on the two command lines (see RedisOracle and SpinelFixture) or derived at runtime.
    private static readonly HashSet<string> StartupDependent =
        ["port", "bind", "dir", "logfile", "pidfile", "save", "appendonly", "loglevel", "daemonize"];

    // Spinel's own settings: Redis has no such name.
    private static readonly string[] SpinelOnly = ["io-busy-poll-us"];

    [SkippableFact]
    public async Task Config_get_star_lists_the_same_settings_with_the_same_defaults_as_redis()
    {
        fixture.Oracle.RequireAvailable();
        var spinel = await ConfigAsync(await fixture.Spinel.ConnectAsync());
        var redis = await ConfigAsync(await fixture.Oracle.ConnectAsync());

        Assert.Equal(redis.Keys.Concat(SpinelOnly).Order(StringComparer.Ordinal), spinel.Keys.Order(StringComparer.Ordinal));
        var differing = redis.Keys.Where(k => !StartupDependent.Contains(k) && redis[k] != spinel[k])
            .Select(k => $"{k}: spinel '{spinel[k]}' redis '{redis[k]}'").ToList();
        Assert.True(differing.Count == 0, string.Join("\n", differing));
    }

    [SkippableFact]
    public async Task Info_everything_has_every_field_redis_has_in_each_section()
    {
        fixture.Oracle.RequireAvailable();
        var spinel = await InfoAsync(await fixture.Spinel.ConnectAsync());
        var redis = await InfoAsync(await fixture.Oracle.ConnectAsync());

        Assert.Equal(redis.Keys, spinel.Keys); // same sections, same order
        var missing = new List<string>();
        foreach (var (section, fields) in redis)
        {
            // Per-command, per-error and per-database lines depend on what ran before.
            if (section is "Commandstats" or "Errorstats" or "Latencystats" or "Keyspace") continue;
            missing.AddRange(fields.Where(f => !spinel[section].Contains(f)).Select(f => $"{section}.{f}"));
        }
        Assert.True(missing.Count == 0, "missing: " + string.Join(", ", missing));
    }

    [SkippableFact]
    public async Task Info_reply_is_verbatim_text_in_resp3_and_bulk_in_resp2()
    {
        fixture.Oracle.RequireAvailable();
        foreach (var connect in new Func<Task<RawClient>>[] { fixture.Spinel.ConnectAsync, fixture.Oracle.ConnectAsync })
        {
            await using var client = await connect();
            Assert.StartsWith("$", await client.CallAsync("INFO", "server"));
            await client.CallAsync("HELLO", "3");
            Assert.StartsWith("=", await client.CallAsync("INFO", "server"));
            Assert.StartsWith("=", await client.CallAsync("CLIENT", "LIST"));
        }
    }

    private static async Task<Dictionary<string, string>> ConfigAsync(RawClient client)
    {
        await using (client)
        {
            await client.SendAsync("CONFIG", "GET", "*");
            var items = BulkArray(await client.ReadReplyAsync());
            var result = new Dictionary<string, string>();
            for (int i = 0; i < items.Count; i += 2) result[items[i]] = items[i + 1];
            return result;
        }
    }

    /// <summary>Splits a RESP2 array of bulk strings.</summary>
    private static List<string> BulkArray(byte[] reply)
    {
        var text = Encoding.Latin1.GetString(reply);
        var items = new List<string>();
        int p = text.IndexOf("\r\n", StringComparison.Ordinal) + 2;
        while (p < text.Length)
        {
            int end = text.IndexOf("\r\n", p, StringComparison.Ordinal);
            int length = int.Parse(text[(p + 1)..end]);
            items.Add(text.Substring(end + 2, length));
            p = end + 2 + length + 2;
        }
        return items;
    }

    private static async Task<Dictionary<string, HashSet<string>>> InfoAsync(RawClient client)
    {
        await using (client)
        {
            await client.SendAsync("INFO", "everything");
            var reply = Encoding.UTF8.GetString(await client.ReadReplyAsync());
            var sections = new Dictionary<string, HashSet<string>>();
            HashSet<string>? current = null;
            foreach (var line in reply[(reply.IndexOf('\n') + 1)..].Split("\r\n"))
            {
                if (line.StartsWith("# ", StringComparison.Ordinal)) sections[line[2..]] = current = [];
                else if (line.Contains(':')) current!.Add(line[..line.IndexOf(':')]);
            }
            return sections;
        }
    }
}
