using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>
/// The BUSY plumbing on its own: a thread holds the keyspace lock and publishes a running script, as a long script
/// does, while clients talk to the server.
/// </summary>
public sealed class BusyScriptTests
{
    /// <summary>Holds the lock on a thread of its own (a Lock is released by the thread that took it) until disposed.</summary>
    private sealed class FakeScript : IDisposable
    {
        private readonly ManualResetEventSlim _release = new();
        private readonly Thread _thread;

        public FakeScript(Spinel.Server.SpinelServer server, bool isEval, bool written, string? function = null)
        {
            using var started = new ManualResetEventSlim();
            _thread = new Thread(() =>
            {
                lock (server.Keyspace.Lock)
                {
                    server.Scripts.Running.Begin(isEval, function, function is null ? null : [[.. "fcall"u8], [.. function.Select(c => (byte)c)], [(byte)'0']], onIoThread: false);
                    if (written) server.Scripts.Running.MarkWritten();
                    started.Set();
                    _release.Wait();
                    server.Scripts.Running.End();
                }
            });
            _thread.Start();
            started.Wait();
        }

        public void Dispose()
        {
            _release.Set();
            _thread.Join();
        }
    }

    private const string EvalBusy = "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";
    private const string FunctionBusy = "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n";

    [Fact]
    public async Task Past_the_threshold_commands_get_busy_and_script_kill_asks_the_script_to_stop()
    {
        await using var server = await SpinelFixture.StartAsync("--busy-reply-threshold", "100");
        await using var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        using (var script = new FakeScript(server, isEval: true, written: false))
        {
            await Task.Delay(150);
            Assert.Equal(EvalBusy, await client.CallAsync("GET", "k"));
            Assert.Equal(EvalBusy, await client.CallAsync("FUNCTION", "STATS"));
            Assert.Equal(EvalBusy, await client.CallAsync("FUNCTION", "KILL"));
            Assert.StartsWith("-ERR unknown command 'NOSUCH'", await client.CallAsync("NOSUCH"));
            Assert.False(server.Scripts.Running.KillRequested);
            Assert.Equal("+OK\r\n", await client.CallAsync("SCRIPT", "KILL"));
            Assert.True(server.Scripts.Running.KillRequested);
        }
        Assert.Equal("$-1\r\n", await client.CallAsync("GET", "k"));
        Assert.Equal("-NOTBUSY No scripts in execution right now.\r\n", await client.CallAsync("SCRIPT", "KILL"));
    }

    [Fact]
    public async Task Before_the_threshold_commands_wait_for_the_script()
    {
        await using var server = await SpinelFixture.StartAsync("--busy-reply-threshold", "60000");
        await using var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        Task<string> get;
        using (new FakeScript(server, isEval: true, written: false))
        {
            get = client.CallAsync("GET", "k");
            await Task.Delay(200);
            Assert.False(get.IsCompleted);
        }
        Assert.Equal("$-1\r\n", await get);
    }

    [Fact]
    public async Task Script_that_wrote_is_unkillable_and_shutdown_needs_nosave()
    {
        await using var server = await SpinelFixture.StartAsync("--busy-reply-threshold", "50");
        await using var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        using var script = new FakeScript(server, isEval: true, written: true);
        await Task.Delay(100);
        Assert.StartsWith("-UNKILLABLE Sorry the script already executed write commands against the dataset.", await client.CallAsync("SCRIPT", "KILL"));
        Assert.StartsWith("-UNKILLABLE", await client.CallAsync("FUNCTION", "KILL"));
        Assert.Equal(EvalBusy, await client.CallAsync("SHUTDOWN"));
        await client.SendAsync("SHUTDOWN", "NOSAVE");
        Assert.True(await client.IsClosedAsync());
        Assert.True(server.Scripts.Running.KillRequested);
    }

    [Fact]
    public async Task Busy_function_shows_in_function_stats_and_function_kill_stops_it()
    {
        await using var server = await SpinelFixture.StartAsync("--busy-reply-threshold", "50");
        await using var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        using var script = new FakeScript(server, isEval: false, written: false, function: "spin");
        await Task.Delay(100);
        Assert.Equal(FunctionBusy, await client.CallAsync("PING"));
        Assert.Equal(FunctionBusy, await client.CallAsync("SCRIPT", "KILL"));
        var stats = await client.CallAsync("FUNCTION", "STATS");
        Assert.StartsWith("*4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$4\r\nspin\r\n$7\r\ncommand\r\n*3\r\n$5\r\nfcall\r\n$4\r\nspin\r\n$1\r\n0\r\n$11\r\nduration_ms\r\n:", stats);
        Assert.Equal("+OK\r\n", await client.CallAsync("FUNCTION", "KILL"));
        Assert.True(server.Scripts.Running.KillRequested);
    }

    [Fact]
    public async Task Unauthenticated_clients_get_noauth_before_busy()
    {
        await using var server = await SpinelFixture.StartAsync("--busy-reply-threshold", "50", "--requirepass", "secret");
        await using var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        using var script = new FakeScript(server, isEval: true, written: false);
        await Task.Delay(100);
        Assert.StartsWith("-NOAUTH", await client.CallAsync("GET", "k"));
    }

    [Fact]
    public async Task Busy_rejection_inside_multi_dooms_the_transaction()
    {
        await using var server = await SpinelFixture.StartAsync("--busy-reply-threshold", "50");
        await using var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        using (new FakeScript(server, isEval: true, written: false))
        {
            await Task.Delay(100);
            Assert.Equal(EvalBusy, await client.CallAsync("SET", "k", "v"));
        }
        Assert.StartsWith("-EXECABORT", await client.CallAsync("EXEC"));
    }
}
