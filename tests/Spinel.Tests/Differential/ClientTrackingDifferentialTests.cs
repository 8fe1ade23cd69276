using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Differential;

/// <summary>
/// Client-side caching against redis-server 7.0: the same script on both servers, with a tracking client, writers and
/// redirect targets on their own connections; every reply, push and pub/sub message must match, in order.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class ClientTrackingDifferentialTests(DifferentialFixture fixture)
{
    private Task AssertSameAsync(params string[] steps) => AssertSameAsync(text => text, steps);

    /// <param name="normalize">Applied to both transcripts before comparing (hides what Redis picks at random).</param>
    private async Task AssertSameAsync(Func<string, string> normalize, params string[] steps)
    {
        fixture.Oracle.RequireAvailable();
        string redis = normalize(await ConnectionScript.RunAsync(fixture.Oracle.Port, steps));
        string spinel = normalize(await ConnectionScript.RunAsync(fixture.Spinel.Port, steps));
        if (redis == spinel) return;
        var a = redis.Split('\n');
        var b = spinel.Split('\n');
        int i = 0;
        while (i < Math.Min(a.Length, b.Length) && a[i] == b[i]) i++;
        Assert.Fail($"first difference at step {i + 1}:\n   redis:  {a.ElementAtOrDefault(i)}\n   spinel: {b.ElementAtOrDefault(i)}\nredis transcript:\n{redis}");
    }

    [SkippableFact]
    public Task Default_mode_sends_one_invalidation_per_read_over_resp3() => AssertSameAsync(
        "!a: HELLO 3",
        "w: DEL trk:k trk:k2 trk:k3",
        "a: CLIENT TRACKING ON",
        "a: CLIENT TRACKINGINFO",
        "a: CLIENT GETREDIR",
        "a: GET trk:k",
        "a: MGET trk:k trk:k2",
        "w: SET trk:k 1",
        "a: drain",
        "w: MSET trk:k 1 trk:k2 2",
        "a: drain",
        "w: SET trk:k 2",
        "a: drain",
        "a: GET trk:k; GET trk:k",
        "w: DEL trk:k trk:k3",
        "a: drain",
        "a: HGET trk:k3 f; LRANGE trk:k2 0 -1; EXISTS trk:k trk:k3; TYPE trk:k2; STRLEN trk:k",
        "w: HSET trk:k3 f v; RPUSH trk:k4 x; SET trk:k x; DEL trk:k2",
        "a: drain",
        "a: GET trk:k; SELECT 9",
        "w: SELECT 9; SET trk:k other-db",
        "a: drain",
        "a: SELECT 0; GET trk:k",
        "w: SWAPDB 0 9; SWAPDB 0 9",
        "a: drain",
        "w: SELECT 0; RENAME trk:k trk:k5",
        "a: drain",
        "a: CLIENT INFO");

    [SkippableFact]
    public Task A_clients_own_writes_invalidate_after_its_reply_unless_noloop() => AssertSameAsync(
        "!a: HELLO 3",
        "a: CLIENT TRACKING ON",
        "a: GET trk:s",
        "a: SET trk:s 1",
        "a: GET trk:s; SET trk:s 2; GET trk:s",
        "a: MULTI; SET trk:s 3; GET trk:s; SET trk:s 4; EXEC",
        "a: GET trk:s; INCR trk:n; DEL trk:s",
        "a: CLIENT TRACKING ON NOLOOP",
        "a: CLIENT TRACKINGINFO",
        "a: GET trk:s",
        "a: SET trk:s 5",
        "w: SET trk:s 6",
        "a: drain",
        "a: GET trk:s",
        "w: SET trk:s 7",
        "a: drain");

    [SkippableFact]
    public Task Optin_and_optout_follow_client_caching_for_one_command_or_transaction() => AssertSameAsync(
        "!a: HELLO 3",
        "a: CLIENT TRACKING ON OPTIN",
        "a: GET trk:o1",
        "a: CLIENT CACHING YES; GET trk:o2; GET trk:o3",
        "a: CLIENT CACHING YES; CLIENT TRACKINGINFO; CLIENT GETNAME; GET trk:o4",
        "a: CLIENT CACHING YES; MULTI; GET trk:o5; GET trk:o6; EXEC; GET trk:o7",
        "a: MULTI; CLIENT CACHING YES; GET trk:o8; EXEC; GET trk:o9",
        "a: CLIENT CACHING YES; NOSUCHCOMMAND; GET trk:o10",
        "a: CLIENT CACHING YES; GET; GET trk:o11",
        "a: CLIENT CACHING YES; SET trk:o12 x; GET trk:o12",
        "a: CLIENT CACHING YES; CLIENT FOO; GET trk:o13; CLIENT CACHING YES; CLIENT; GET trk:o14",
        "a: CLIENT CACHING YES; CLIENT KILL ID x; GET trk:o15; CLIENT CACHING YES; CLIENT CACHING; GET trk:o16",
        "a: CLIENT TRACKINGINFO",
        "w: MSET trk:o1 v trk:o2 v trk:o3 v trk:o4 v trk:o5 v trk:o6 v trk:o7 v trk:o8 v trk:o9 v trk:o10 v trk:o11 v trk:o12 v trk:o13 v trk:o14 v trk:o15 v trk:o16 v",
        "a: drain",
        "a: CLIENT TRACKING OFF",
        "a: CLIENT TRACKING ON OPTOUT",
        "a: GET trk:o1",
        "a: CLIENT CACHING NO; GET trk:o2; GET trk:o3",
        "a: CLIENT TRACKINGINFO",
        "w: MSET trk:o1 v trk:o2 v trk:o3 v",
        "a: drain");

    // Redis 7.0: a read inside a script makes the caller remember the script's KEYS (not the keys read), and a
    // read-only script remembers its KEYS itself.
    [SkippableFact]
    public Task A_script_that_reads_makes_its_caller_track_the_keys_it_was_given() => AssertSameAsync(
        "!a: HELLO 3",
        "w: DEL trk:e1 trk:e2 trk:e3",
        "a: CLIENT TRACKING ON",
        "a: EVAL return(redis.call('get',KEYS[1])) 1 trk:e1",
        "a: EVAL_RO return(redis.call('get','trk:e2')) 1 trk:e3",
        "w: SET trk:e1 1; SET trk:e2 2; SET trk:e3 3",
        "a: drain",
        "a: EVAL return(redis.call('exists','trk:e1','trk:e2')) 0",
        "a: EVAL return(redis.call('get','trk:e2')) 1 trk:e1",
        "a: EVAL redis.call('set','trk:e2','y') 1 trk:e2",
        "a: EVAL redis.call('set','trk:e3','x');return(redis.call('get','trk:e3')) 0",
        "w: DEL trk:e1 trk:e2 trk:e3",
        "a: drain",
        "a: CLIENT TRACKING OFF",
        "a: CLIENT TRACKING ON OPTIN",
        "a: EVAL return(redis.call('get','trk:e1')) 0",
        "a: CLIENT CACHING yes; EVAL return(redis.call('get','trk:e2')) 0",
        "w: SET trk:e1 1; SET trk:e2 2",
        "a: drain");

    [SkippableFact]
    public Task Bcast_sends_changed_keys_per_prefix_batched_and_sorted() => AssertSameAsync(
        "!a: HELLO 3",
        "a: CLIENT TRACKING ON BCAST PREFIX trk:user: PREFIX trk:obj:",
        "a: CLIENT TRACKINGINFO",
        "w: MSET trk:user:2 1 trk:user:1 2 trk:obj:9 x trk:other y",
        "a: drain",
        "w: SET trk:user:3 1; SET trk:user:0 1; DEL trk:user:3",
        "a: drain",
        "a: SET trk:user:5 x",
        "a: SET trk:user:6 x; GET trk:user:6",
        "a: CLIENT TRACKING ON BCAST PREFIX trk:x",
        "a: CLIENT TRACKINGINFO",
        "a: CLIENT TRACKING ON BCAST NOLOOP",
        "a: CLIENT TRACKINGINFO",
        "a: SET trk:user:5 y",
        "w: MSET trk:user:5 y trk:user:7 z",
        "a: drain",
        "a: MSET trk:user:5 y trk:obj:1 z",
        "w: SET trk:obj:1 w",
        "a: drain",
        "a: CLIENT INFO",
        "a: CLIENT TRACKING OFF",
        "w: SET trk:user:1 3",
        "a: drain",
        "a: CLIENT INFO");

    [SkippableFact]
    public Task Redirect_to_a_resp2_subscriber_sends_messages_and_reports_a_broken_redirect() => AssertSameAsync(
        "r: SUBSCRIBE __redis__:invalidate",
        "a: CLIENT TRACKING ON REDIRECT {r}",
        "a: CLIENT TRACKINGINFO",
        "a: CLIENT GETREDIR",
        "a: CLIENT INFO",
        "a: GET trk:r; GET trk:r2",
        "w: SET trk:r 1",
        "r: drain",
        "a: drain",
        "w: FLUSHDB",
        "r: drain",
        "!a: HELLO 3",
        "a: GET trk:r",
        "w: SET trk:r 2",
        "r: drain",
        "w: FLUSHALL",
        "r: drain",
        "s: SUBSCRIBE some-other-channel",
        "a: CLIENT TRACKING ON REDIRECT {s}",
        "a: GET trk:r",
        "w: SET trk:r 3",
        "s: drain",
        "!t: HELLO 3",
        "t: SUBSCRIBE some-other-channel",
        "a: CLIENT TRACKING ON REDIRECT {t} NOLOOP",
        "a: GET trk:r",
        "w: SET trk:r 3",
        "t: drain",
        "a: GET trk:r",
        "a: SET trk:r 3",
        "t: drain",
        "p: PING",
        "a: CLIENT TRACKING ON REDIRECT {p}",
        "a: GET trk:r",
        "w: SET trk:r 4",
        "p: drain",
        "a: CLIENT TRACKING ON REDIRECT {r}",
        "a: GET trk:r; GET trk:r2",
        "close r",
        "w: SET trk:r 5",
        "a: drain",
        "a: CLIENT TRACKINGINFO",
        "a: CLIENT INFO",
        "w: SET trk:r2 5",
        "a: drain",
        "w: FLUSHALL",
        "a: drain",
        "a: CLIENT GETREDIR");

    [SkippableFact]
    public Task Redirect_to_a_resp3_client_that_never_subscribed_sends_it_pushes_between_its_replies() => AssertSameAsync(
        "!t: HELLO 3",
        "t: SET trk:r3 0",
        "a: CLIENT TRACKING ON REDIRECT {t}",
        "a: GET trk:r3",
        "w: SET trk:r3 1",
        "t: drain",
        "t: GET trk:r3; GET trk:r3",
        "a: MGET trk:r3 trk:r4",
        "w: MSET trk:r3 2 trk:r4 2",
        "t: GET trk:r4",
        "t: drain",
        "w: DEL trk:r3",
        "t: drain",
        "a: CLIENT TRACKINGINFO");

    [SkippableFact]
    public Task Resp2_tracking_client_without_redirect_gets_nothing_on_its_connection() => AssertSameAsync(
        "a: CLIENT TRACKING ON",
        "a: GET trk:q",
        "w: SET trk:q 1",
        "a: drain",
        "a: CLIENT TRACKINGINFO",
        "a: GET trk:q",
        "!a: HELLO 3",
        "w: SET trk:q 2",
        "a: drain");

    // Three seconds to live: on a loaded machine a second has passed between a SET and the GET after it.
    [SkippableFact]
    public Task Expiry_invalidates_tracked_keys() => AssertSameAsync(
        "!a: HELLO 3",
        "!b: HELLO 3",
        "a: CLIENT TRACKING ON",
        "b: CLIENT TRACKING ON BCAST PREFIX trk:e",
        "a: GET trk:e",
        "w: SET trk:e 1 PX 3000",
        "a: drain",
        "b: drain",
        "a: GET trk:e",
        "a: await",
        "b: await",
        "a: GET trk:e2",
        "w: SET trk:e2 1 PX 3000",
        "a: drain",
        "b: drain",
        "a: GET trk:e2",
        "pause 3500",
        "w: GET trk:e2",
        "a: drain",
        "b: drain");

    [SkippableFact]
    public Task Flushes_send_a_null_to_every_tracking_client_and_empty_the_table() => AssertSameAsync(
        "!a: HELLO 3",
        "!b: HELLO 3",
        "w: FLUSHALL",
        "a: CLIENT TRACKING ON",
        "b: CLIENT TRACKING ON BCAST",
        "c: CLIENT TRACKING ON",
        "a: MGET trk:f1 trk:f2 trk:f3",
        "c: GET trk:f1",
        "w: INFO",
        "w: SELECT 3; FLUSHDB",
        "a: drain",
        "b: drain",
        "c: drain",
        "w: INFO",
        "a: MGET trk:f1 trk:f2",
        "a: FLUSHALL",
        "b: drain",
        "w: SET trk:f1 x",
        "a: drain",
        "w: INFO",
        "a: GET trk:f1",
        "a: CLIENT TRACKING OFF",
        "w: INFO",
        "w: SET trk:f1 y",
        "w: INFO",
        "a: drain",
        "b: CLIENT TRACKING OFF",
        "w: INFO");

    [SkippableFact]
    public Task Tracking_options_are_checked_with_redis_errors() => AssertSameAsync(
        "!a: HELLO 3",
        "a: CLIENT TRACKING ON PREFIX trk:a",
        "a: CLIENT TRACKING ON BCAST OPTIN",
        "a: CLIENT TRACKING ON BCAST OPTOUT",
        "a: CLIENT TRACKING ON OPTIN OPTOUT",
        "a: CLIENT TRACKING ON BCAST PREFIX foo PREFIX foobar",
        "a: CLIENT TRACKING ON BCAST PREFIX foobar PREFIX foo",
        "a: CLIENT TRACKING ON BCAST PREFIX foo PREFIX foo",
        "a: CLIENT TRACKING ON BOGUS",
        "a: CLIENT TRACKING ON REDIRECT",
        "a: CLIENT TRACKING ON PREFIX",
        "a: CLIENT TRACKING MAYBE",
        "a: CLIENT TRACKING OFF BCAST",
        "a: CLIENT TRACKING ON REDIRECT 999999999",
        "a: CLIENT TRACKING ON REDIRECT abc",
        "a: CLIENT TRACKING ON REDIRECT 0",
        "a: CLIENT TRACKING OFF REDIRECT 999999999",
        "b: PING",
        "a: CLIENT TRACKING ON REDIRECT {b} REDIRECT {b}",
        "a: CLIENT TRACKING ON REDIRECT {a}",
        "a: CLIENT TRACKINGINFO",
        "a: CLIENT TRACKING OFF",
        "a: CLIENT TRACKING on bcast prefix a prefix b",
        "a: CLIENT TRACKING ON BCAST PREFIX abc",
        "a: CLIENT TRACKING ON BCAST PREFIX c PREFIX a",
        "a: CLIENT TRACKING ON BCAST PREFIX c",
        "a: CLIENT TRACKING ON",
        "a: CLIENT TRACKING ON BCAST OPTIN",
        "a: CLIENT TRACKINGINFO",
        "a: CLIENT TRACKING OFF",
        "a: CLIENT TRACKING ON BCAST",
        "a: CLIENT TRACKING ON BCAST PREFIX x",
        "a: CLIENT TRACKING OFF",
        "a: CLIENT TRACKING ON OPTIN",
        "a: CLIENT TRACKING ON OPTOUT",
        "a: CLIENT TRACKING ON BCAST",
        "a: CLIENT CACHING NO",
        "a: CLIENT CACHING MAYBE",
        "a: CLIENT TRACKING ON",
        "a: CLIENT CACHING YES",
        "a: CLIENT TRACKING ON OPTOUT",
        "a: CLIENT CACHING YES",
        "a: CLIENT TRACKING OFF",
        "a: CLIENT CACHING YES",
        "a: CLIENT CACHING MAYBE",
        "a: CLIENT CACHING",
        "a: CLIENT CACHING YES NO",
        "a: CLIENT TRACKING",
        "a: CLIENT GETREDIR X",
        "a: CLIENT TRACKINGINFO X",
        "a: CLIENT TRACKINGINFO",
        "a: CLIENT GETREDIR");

    [SkippableFact]
    public Task Tracking_table_max_keys_forgets_keys_with_an_invalidation_after_the_reply() => AssertSameAsync(
        text => System.Text.RegularExpressions.Regex.Replace(text, @"trk:m\d\|", "trk:m?|"),
        "w: FLUSHALL",
        "w: CONFIG SET tracking-table-max-keys 2",
        "!a: HELLO 3",
        "a: CLIENT TRACKING ON NOLOOP",
        "a: MGET trk:m1 trk:m2 trk:m3 trk:m4 trk:m5",
        "w: INFO",
        "a: CLIENT TRACKING ON",
        "a: GET trk:m6",
        "w: INFO",
        "a: MGET trk:m7 trk:m8 trk:m9",
        "w: PING",
        "a: drain",
        "w: INFO",
        "w: CONFIG SET tracking-table-max-keys 1000000");

    [SkippableFact]
    public Task Tracking_table_max_keys_evicts_a_growing_batch_per_command_until_within_the_limit() => AssertSameAsync(
        // 350 keys over a limit of 10: the next command forgets 100 of them, the one after 200, the third the last 40.
        // Which keys go is random (on both servers); how many go, and when, is not.
        text => System.Text.RegularExpressions.Regex.Replace(text, @"\$\d+\|trk:e\d+", "trk:e?"),
        "w: FLUSHALL",
        "!a: HELLO 3",
        "a: CLIENT TRACKING ON",
        "a: MGET " + string.Join(' ', Enumerable.Range(1, 350).Select(i => "trk:e" + i)),
        "w: CONFIG SET tracking-table-max-keys 10",
        "w: INFO",
        "w: INFO",
        "w: INFO",
        "w: INFO",
        "a: drain",
        "w: CONFIG SET tracking-table-max-keys 1000000");

    [SkippableFact]
    public Task Reset_turns_tracking_off() => AssertSameAsync(
        "!a: HELLO 3",
        "a: CLIENT TRACKING ON BCAST PREFIX trk:z",
        "a: RESET",
        "a: CLIENT TRACKINGINFO",
        "w: SET trk:z 1",
        "a: drain",
        "w: INFO",
        "b: CLIENT TRACKING ON BCAST PREFIX trk:y PREFIX trk:z",
        "c: CLIENT TRACKING ON BCAST PREFIX trk:z",
        "w: INFO",
        "close b",
        "w: INFO",
        "w: SET trk:z 2",
        "c: drain",
        "close c",
        "w: INFO");
}
