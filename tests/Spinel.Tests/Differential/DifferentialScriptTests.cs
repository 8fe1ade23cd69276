using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Differential;

/// <summary>
/// Every script in Differential/Scripts runs against Spinel and redis-server 7.0; the raw replies
/// must match byte for byte (see <see cref="DifferentialScript"/> for the few allowed relaxations).
/// Add a family's script file there; it is picked up automatically.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class DifferentialScriptTests(DifferentialFixture fixture)
{
    private static readonly string ScriptDir = Path.Combine(AppContext.BaseDirectory, "Differential", "Scripts");

    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(ScriptDir, "*.txt").Order()) data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Scripts))]
    public async Task Script_replies_match_redis_byte_for_byte(string script)
    {
        fixture.Oracle.RequireAvailable();
        await using var spinel = await fixture.Spinel.ConnectAsync();
        await using var redis = await fixture.Oracle.ConnectAsync();
        foreach (var client in new[] { spinel, redis })
        {
            await WaitUntilOnlyClientAsync(client);
            await client.CallAsync("FLUSHALL");
        }
        var text = await File.ReadAllTextAsync(Path.Combine(ScriptDir, script + ".txt"));
        try
        {
            await DifferentialScript.RunAsync(script, text, spinel, redis);
        }
        finally
        {
            foreach (var client in new[] { spinel, redis }) await client.CallAsync("FLUSHALL");
        }
    }

    /// <summary>
    /// An earlier test's connections may still be closing (the server notices a disconnect on its own time): scripts
    /// that count clients (CLIENT KILL) start once the server lists only this one. One that stays listed fails here.
    /// </summary>
    private static async Task WaitUntilOnlyClientAsync(RawClient client)
    {
        string list = "";
        for (int attempt = 0; attempt < 100; attempt++)
        {
            list = await client.CallAsync("CLIENT", "LIST");
            if (list.IndexOf("\nid=", StringComparison.Ordinal) == list.LastIndexOf("\nid=", StringComparison.Ordinal)) return;
            await Task.Delay(50);
        }
        Assert.Fail("connections of earlier tests are still listed:\n" + list);
    }
}
