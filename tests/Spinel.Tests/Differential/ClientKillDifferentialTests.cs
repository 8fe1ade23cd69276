using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Differential;

/// <summary>
/// CLIENT KILL against redis-server 7.0 with several connections: which clients each filter matches, the count or +OK
/// it replies, and which connections are closed (a killed one shows "(closed)"), the caller included.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class ClientKillDifferentialTests(DifferentialFixture fixture)
{
    private async Task AssertSameAsync(params string[] steps)
    {
        fixture.Oracle.RequireAvailable();
        string redis = await ConnectionScript.RunAsync(fixture.Oracle.Port, steps);
        string spinel = await ConnectionScript.RunAsync(fixture.Spinel.Port, steps);
        Assert.True(redis == spinel, $"redis:\n{redis}\nspinel:\n{spinel}");
    }

    [SkippableFact]
    public Task Filters_count_the_clients_they_match_and_skipme_no_kills_the_caller_after_its_reply() => AssertSameAsync(
        "a: PING",
        "b: PING",
        "c: SUBSCRIBE kill:ch",
        "d: PING",
        "settle",
        "a: CLIENT KILL ID {a}",
        "a: CLIENT KILL ID {b} TYPE pubsub",
        "a: CLIENT KILL TYPE master",
        "a: CLIENT KILL TYPE replica",
        "a: CLIENT KILL TYPE pubsub",
        "c: drain",
        "a: CLIENT KILL ID {b} USER default ADDR {b.addr} LADDR {b.laddr}",
        "b: drain",
        "a: CLIENT KILL ADDR {d.addr} LADDR 1.2.3.4:5",
        "a: CLIENT KILL LADDR {a.laddr} SKIPME yes",
        "d: drain",
        "a: CLIENT KILL ID {a} SKIPME no",
        "e: CLIENT KILL ID {a}");

    [SkippableFact]
    public Task Type_normal_and_laddr_count_every_other_client_and_the_caller_too_with_skipme_no() => AssertSameAsync(
        "a: PING",
        "b: PING",
        "c: PING",
        "settle",
        "a: CLIENT KILL TYPE normal LADDR {a.laddr}",
        "b: drain",
        "c: drain",
        "d: PING",
        "settle",
        "a: CLIENT KILL TYPE normal SKIPME no",
        "d: drain");

    [SkippableFact]
    public Task Old_form_kills_by_address_the_caller_included_and_replies_ok() => AssertSameAsync(
        "a: PING",
        "b: PING",
        "a: CLIENT KILL 127.0.0.1:1",
        "a: CLIENT KILL {b.addr}",
        "b: drain",
        "a: CLIENT KILL {b.addr}",
        "a: CLIENT KILL {a.addr}");
}
