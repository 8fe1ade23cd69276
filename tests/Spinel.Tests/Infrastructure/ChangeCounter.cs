namespace Spinel.Tests.Infrastructure;

/// <summary>rdb_changes_since_last_save (Redis's dirty counter, which drives automatic saves) around a command script.</summary>
public static class ChangeCounter
{
    /// <summary>How much the counter moved while the script's lines ran, on an empty server (flushed before and after).</summary>
    public static async Task<long> DeltaAsync(RawClient client, string script)
    {
        await client.CallAsync("FLUSHALL");
        long before = await ReadAsync(client);
        await RunAsync(client, script);
        long after = await ReadAsync(client);
        await client.CallAsync("FLUSHALL");
        return after - before;
    }

    /// <summary>Runs each line (redis-cli syntax) and ignores the replies.</summary>
    public static async Task RunAsync(RawClient client, string script)
    {
        foreach (var line in script.Split('\n')) await client.CallAsync(DifferentialScript.Split(line));
    }

    /// <summary>The counter's current value.</summary>
    public static async Task<long> ReadAsync(RawClient client) =>
        long.Parse(InfoField(await client.CallAsync("INFO", "persistence"), "rdb_changes_since_last_save"));

    /// <summary>One "name:value" field of an INFO reply.</summary>
    public static string InfoField(string info, string name)
    {
        foreach (var line in info.Split("\r\n"))
        {
            if (line.StartsWith(name + ":", StringComparison.Ordinal)) return line[(name.Length + 1)..];
        }
        throw new InvalidDataException($"no {name} in INFO");
    }
}
