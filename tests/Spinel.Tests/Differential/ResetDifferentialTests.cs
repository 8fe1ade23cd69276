using System.Text.RegularExpressions;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Differential;

/// <summary>
/// RESET clears what Redis 7.0's RESET clears (database, protocol, name, tracking, subscriptions, transaction and
/// watches, authentication) and keeps what it keeps (CLIENT NO-EVICT). The same steps run on Spinel and redis-server;
/// replies are compared, CLIENT INFO by the fields that do not depend on the connection (id, address, ages, memory).
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed partial class ResetDifferentialTests(DifferentialFixture fixture)
{
    private static readonly string[] StateFields = ["name", "flags", "db", "sub", "psub", "ssub", "multi", "user", "redir", "resp"];

    [SkippableFact]
    public async Task Reset_clears_the_same_client_state_as_redis()
    {
        fixture.Oracle.RequireAvailable();
        var spinel = await ObserveAsync(fixture.Spinel.ConnectAsync);
        var redis = await ObserveAsync(fixture.Oracle.ConnectAsync);
        Assert.Equal(redis, spinel);
    }

    private static async Task<List<string>> ObserveAsync(Func<Task<RawClient>> connect)
    {
        await using var client = await connect();
        await client.CallAsync("FLUSHALL");
        var seen = new List<string>();
        async Task Call(params string[] args) => seen.Add(string.Join(' ', args) + " -> " + await client.CallAsync(args));
        async Task Info() => seen.Add("CLIENT INFO -> " + StateOf(await client.CallAsync("CLIENT", "INFO")));

        await client.CallAsync("HELLO", "3"); // its reply names the server's version and the connection's id
        await Call("CLIENT", "SETNAME", "foo");
        await Call("CLIENT", "NO-EVICT", "on");
        await Call("SELECT", "3");
        await Call("SET", "k", "v");
        await Call("WATCH", "k");
        await Call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a");
        await Call("SUBSCRIBE", "c");
        await Call("PSUBSCRIBE", "p*");
        await Call("SSUBSCRIBE", "s");
        await Info();
        await Call("MULTI");
        await Call("GET", "k");
        await Call("RESET");
        await Info();
        await Call("CLIENT", "GETNAME");
        await Call("CLIENT", "TRACKINGINFO");
        await Call("CLIENT", "GETREDIR");
        await Call("GET", "k"); // database 0 again
        await Call("CONFIG", "GET", "maxmemory"); // RESP2 again: an array, not a map
        await Call("EXEC");
        await Call("PUBLISH", "c", "m"); // no subscriber left
        await Call("CLIENT", "NO-EVICT", "off");
        await Info();

        // OPTIN tracking and its pending CLIENT CACHING yes are gone too.
        await Call("CLIENT", "TRACKING", "on", "OPTIN");
        await Call("CLIENT", "CACHING", "yes");
        await Call("RESET");
        await Call("CLIENT", "CACHING", "yes");
        await Call("SELECT", "3");
        await Call("FLUSHDB");
        return seen;
    }

    [SkippableFact]
    public async Task Reset_signs_the_client_out_when_the_default_user_needs_a_password()
    {
        fixture.Oracle.RequireAvailable();
        var spinel = await ObserveAuthAsync(fixture.Spinel.ConnectAsync);
        var redis = await ObserveAuthAsync(fixture.Oracle.ConnectAsync);
        Assert.Equal(redis, spinel);
    }

    private static async Task<List<string>> ObserveAuthAsync(Func<Task<RawClient>> connect)
    {
        await using var client = await connect();
        var seen = new List<string>();
        async Task Call(params string[] args) => seen.Add(string.Join(' ', args) + " -> " + await client.CallAsync(args));
        await Call("CONFIG", "SET", "requirepass", "pw");
        try
        {
            await Call("PING");
            await Call("RESET");
            await Call("PING");
            await Call("AUTH", "pw");
            await Call("PING");
        }
        finally
        {
            // Other tests share the servers: take the password away whatever happened above.
            await using var admin = await connect();
            await admin.CallAsync("AUTH", "pw");
            await admin.CallAsync("CONFIG", "SET", "requirepass", "");
        }
        await Call("RESET");
        await Call("PING");
        return seen;
    }

    /// <summary>The fields of a CLIENT INFO line that describe the client's state, in order.</summary>
    private static string StateOf(string reply) =>
        string.Join(' ', FieldPattern().Matches(reply).Where(m => StateFields.Contains(m.Groups[1].Value)).Select(m => m.Value));

    [GeneratedRegex(@"([a-z-]+)=(\S*)")]
    private static partial Regex FieldPattern();
}
