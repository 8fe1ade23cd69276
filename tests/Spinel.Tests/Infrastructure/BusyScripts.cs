namespace Spinel.Tests.Infrastructure;

/// <summary>Helpers for tests that run a busy script in a server process and talk to it meanwhile.</summary>
public static class BusyScripts
{
    /// <summary>
    /// A client whose next request reaches the server through the I/O thread: a request sent with the connection
    /// would be read by the thread that starts the connection instead.
    /// </summary>
    public static async Task<RawClient> ConnectIdleAsync(int port)
    {
        var client = await RawClient.ConnectAsync(port);
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
        await Task.Delay(100);
        return client;
    }

    /// <summary>Sends SHUTDOWN NOSAVE through <paramref name="client"/> and asserts the process exits.</summary>
    public static async Task ShutdownNosaveStopsAsync(ExternalServer server, RawClient client)
    {
        await client.SendAsync("SHUTDOWN", "NOSAVE");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!server.HasExited && watch.ElapsedMilliseconds < 10_000) await Task.Delay(20);
        Assert.True(server.HasExited, "SHUTDOWN NOSAVE did not stop the server");
    }

    public const string Spin = "local i = 0 while true do i = i + 1 end";

    /// <summary>Redis's reply to the caller of a script stopped by SCRIPT KILL.</summary>
    public static string KilledReply(string body) =>
        $"-ERR Script killed by user with SCRIPT KILL... script: {Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(body)))}, on @user_script:1.\r\n";

    /// <summary>PINGs until the server answers BUSY; fails if it never does (the I/O thread is stuck in the script).</summary>
    public static async Task UntilBusyAsync(RawClient client, string kind = "SCRIPT")
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        string reply;
        while (!(reply = await client.CallAsync("PING")).StartsWith("-BUSY", StringComparison.Ordinal))
        {
            Assert.True(watch.ElapsedMilliseconds < 10_000, "the script never became busy");
            await Task.Delay(20);
        }
        Assert.Equal($"-BUSY Redis is busy running a script. You can only call {kind} KILL or SHUTDOWN NOSAVE.\r\n", reply);
    }
}
