using System.Text.RegularExpressions;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Differential;

/// <summary>
/// MULTI/EXEC moves the change counter (rdb_changes_since_last_save) and INFO commandstats/errorstats as
/// Redis 7.0 does: queued commands count when EXEC runs them, refusals while queuing count as rejected calls.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed partial class TransactionCountersDifferentialTests(DifferentialFixture fixture)
{
    public static TheoryData<string> Scripts() =>
    [
        "MULTI\nSET t:a 1\nEXEC",
        "MULTI\nSET t:a 1\nSET t:b 2\nINCR t:a\nGET t:a\nEXEC",
        "MULTI\nGET t:a\nEXISTS t:a\nEXEC",
        "MULTI\nEXEC",
        "MULTI\nSET t:a 1\nDISCARD",
        "MULTI\nNOSUCH\nSET t:a 1\nEXEC",
        "MULTI\nGET\nSET t:a 1\nEXEC",
        "MULTI\nSHUTDOWN\nSET t:a 1\nEXEC",
        "MULTI\nCLIENT NOSUCH\nEXEC",
        "EXEC\nDISCARD\nEXEC extra\nMULTI\nEXEC extra",
        "MULTI\nMULTI\nWATCH t:a\nSET t:a 1\nEXEC",
        "WATCH t:a\nSET t:a 1\nMULTI\nSET t:a 2\nEXEC",
        "WATCH t:a\nMULTI\nSET t:a 2\nEXEC\nUNWATCH",
        "SET t:l x\nMULTI\nLPUSH t:l 1\nINCR t:l\nSET t:a 1\nEXEC",
        "SET t:a 1\nSET t:b 2\nMULTI\nDEL t:a\nFLUSHDB\nEXEC",
        "SET t:a 1\nMULTI\nFLUSHDB\nSET t:c 3\nEXEC",
        "SET t:a 1\nMULTI\nSWAPDB 0 1\nSWAPDB 0 1\nEXEC",
        "RPUSH t:l a b\nMULTI\nBLPOP t:l 0\nBLPOP t:l 0\nBLPOP t:l 0\nBLMOVE t:l t:m LEFT LEFT 0\nBZPOPMIN t:z 0\nEXEC",
        "MULTI\nSET t:a 1\nRENAME t:a t:b\nMOVE t:b 1\nSELECT 1\nDEL t:b\nSELECT 0\nEXEC",
    ];

    [SkippableTheory]
    [MemberData(nameof(Scripts))]
    public async Task Change_counter_grows_like_redis(string script)
    {
        fixture.Oracle.RequireAvailable();
        await using var spinel = await fixture.Spinel.ConnectAsync();
        await using var redis = await fixture.Oracle.ConnectAsync();
        Assert.Equal(await ChangeCounter.DeltaAsync(redis, script), await ChangeCounter.DeltaAsync(spinel, script));
    }

    [SkippableTheory]
    [MemberData(nameof(Scripts))]
    public async Task Command_and_error_stats_match_redis(string script)
    {
        fixture.Oracle.RequireAvailable();
        await using var spinel = await fixture.Spinel.ConnectAsync();
        await using var redis = await fixture.Oracle.ConnectAsync();
        Assert.Equal(await StatsAfterAsync(redis, script), await StatsAfterAsync(spinel, script));
    }

    /// <summary>Calls, rejected and failed calls per command, error counts, and commands processed; times are left out.</summary>
    private static async Task<string> StatsAfterAsync(RawClient client, string script)
    {
        await client.CallAsync("FLUSHALL");
        await client.CallAsync("CONFIG", "RESETSTAT");
        await ChangeCounter.RunAsync(client, script);
        var commands = await client.CallAsync("INFO", "commandstats");
        var errors = await client.CallAsync("INFO", "errorstats");
        var stats = await client.CallAsync("INFO", "stats");
        await client.CallAsync("FLUSHALL");
        var lines = (commands + errors).Split("\r\n")
            .Where(l => l.StartsWith("cmdstat_", StringComparison.Ordinal) || l.StartsWith("errorstat_", StringComparison.Ordinal))
            .Select(l => Timing().Replace(l, ""))
            .Order(StringComparer.Ordinal)
            .ToList();
        lines.Add("total_commands_processed:" + ChangeCounter.InfoField(stats, "total_commands_processed"));
        lines.Add("total_error_replies:" + ChangeCounter.InfoField(stats, "total_error_replies"));
        return string.Join("\n", lines);
    }

    [GeneratedRegex(@"usec=\d+,usec_per_call=[\d.]+,")]
    private static partial Regex Timing();
}
