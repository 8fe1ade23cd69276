using System.Text.RegularExpressions;
using Spinel.Server;
using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Integration;

/// <summary>
/// "Never pretend": settings Spinel stores but does not act on, data files it does not load and saves it cannot make
/// are said so in the log (Redis's "# WARNING" lines), and INFO reports the true state, not the setting.
/// </summary>
public sealed partial class MissingFeatureWarningsTests
{
    /// <summary>An in-process server whose log goes to a string; read it after a reply, when the command has logged.</summary>
    private static async Task<(SpinelServer Server, StringWriter Log)> StartAsync(params string[] overrides)
    {
        var log = new StringWriter();
        var server = new SpinelServer(SpinelFixture.TestConfig(overrides), log);
        await server.StartAsync();
        return (server, log);
    }

    private static string[] Warnings(StringWriter log) => log.ToString().Split('\n').Where(l => WarningLine().IsMatch(l)).ToArray();

    [GeneratedRegex(@"^\d+:M .* # WARNING")]
    private static partial Regex WarningLine();

    [Fact]
    public async Task Default_settings_log_no_warning()
    {
        var (server, log) = await StartAsync();
        await using var _ = server;
        Assert.Empty(Warnings(log));
    }

    [Fact]
    public async Task Settings_not_acted_on_are_named_at_startup_and_acted_on_ones_are_not()
    {
        var (server, log) = await StartAsync("--appendonly", "yes", "--save", "60 1", "--maxmemory", "10mb", "--tls-port", "6390",
            "--tls-cert-file", "/no/such/cert.pem", "--hz", "20", "--notify-keyspace-events", "KEA", "--save", "");
        await using var _ = server;
        var warnings = Warnings(log);
        Assert.Contains(warnings, l => l.Contains("appendonly is set to 'yes'") && l.Contains("no persistence"));
        Assert.Contains(warnings, l => l.Contains("maxmemory is set to '10485760'") && l.Contains("maxmemory"));
        Assert.Contains(warnings, l => l.Contains("tls-port is set to '6390'") && l.Contains("no TLS"));
        Assert.Contains(warnings, l => l.Contains("tls-cert-file is set to '/no/such/cert.pem'"));
        // The last save wins and "" turns saving off, which is true of Spinel: nothing to warn about.
        Assert.DoesNotContain(warnings, l => l.Contains(" save is set"));
        Assert.DoesNotContain(warnings, l => l.Contains("hz") || l.Contains("notify-keyspace-events"));
        Assert.Equal(4, warnings.Length);
    }

    [Fact]
    public async Task Info_reports_no_aof_and_no_memory_limit_whatever_the_settings_say()
    {
        var (server, _) = await StartAsync("--appendonly", "yes", "--maxmemory", "10mb");
        await using var _s = server;
        await using var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        Assert.Contains("\r\naof_enabled:0\r\n", await client.CallAsync("INFO", "persistence"));
        string memory = await client.CallAsync("INFO", "memory");
        Assert.Contains("\r\nmaxmemory:0\r\n", memory);
        Assert.Contains("\r\nmaxmemory_human:0B\r\n", memory);
        Assert.Contains("10485760", await client.CallAsync("CONFIG", "GET", "maxmemory")); // the setting itself is kept
    }

    [Fact]
    public async Task Config_set_of_a_setting_not_acted_on_logs_a_warning_naming_it()
    {
        var (server, log) = await StartAsync();
        await using var _ = server;
        await using var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "appendonly", "yes", "timeout", "5"));
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "replica-read-only", "no"));
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "save", "")); // off: true as it is
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "appendonly", "no")); // back to the default
        var warnings = Warnings(log);
        Assert.Equal(2, warnings.Length);
        Assert.Contains("appendonly is set to 'yes'", warnings[0]);
        Assert.Contains("replica-read-only is set to 'no'", warnings[1]);
        Assert.Contains("no replication", warnings[1]);
    }

    [Fact]
    public async Task Data_files_in_dir_are_reported_as_not_loaded()
    {
        var dir = Directory.CreateTempSubdirectory("spinel-dir-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "other.rdb"), "REDIS0009");
            Directory.CreateDirectory(Path.Combine(dir, "appendonlydir"));
            var (server, log) = await StartAsync("--dir", dir, "--dbfilename", "other.rdb");
            await using var _ = server;
            var warnings = Warnings(log);
            Assert.Contains(warnings, l => l.Contains(Path.Combine(dir, "other.rdb") + " exists") && l.Contains("NOT loaded"));
            Assert.Contains(warnings, l => l.Contains(Path.Combine(dir, "appendonlydir") + " exists") && l.Contains("NOT loaded"));
            Assert.Contains(warnings, l => l.Contains("dbfilename is set to 'other.rdb'"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Shutdown_save_is_refused_and_logged_and_the_server_keeps_running()
    {
        var (server, log) = await StartAsync("--save", "");
        await using var _ = server;
        await using var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        Assert.Equal("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", await client.CallAsync("SHUTDOWN", "SAVE"));
        Assert.Equal("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", await client.CallAsync("SHUTDOWN", "SAVE", "NOW"));
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
        Assert.False(server.Completion.IsCompleted);
        Assert.Contains(Warnings(log), l => l.Contains("SHUTDOWN SAVE asked for a save, but Spinel has no persistence"));
    }

    [Fact]
    public async Task Shutdown_save_force_stops_and_logs_that_nothing_was_saved()
    {
        var (server, log) = await StartAsync();
        await using var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        await client.SendAsync("SHUTDOWN", "SAVE", "FORCE");
        await server.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(Warnings(log), l => l.Contains("SHUTDOWN SAVE asked for a save"));
        Assert.Contains("FORCE: stopping without saving", log.ToString());
    }

    [Theory]
    [InlineData("--save", "60 1", "save points are configured ('60 1')")]
    [InlineData("--appendonly", "yes", "appendonly is yes")]
    public async Task Shutdown_where_redis_would_save_stops_and_logs_that_the_dataset_is_not_saved(string option, string value, string said)
    {
        var (server, log) = await StartAsync("--save", "", option, value);
        await using var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
        await client.SendAsync("SHUTDOWN");
        await server.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(Warnings(log), l => l.Contains(said) && l.Contains("NOT saved"));
    }

    [Fact]
    public async Task Shutdown_nosave_or_without_save_points_logs_no_loss()
    {
        foreach (var args in new[] { new[] { "SHUTDOWN", "NOSAVE" }, ["SHUTDOWN"] })
        {
            var (server, log) = await StartAsync("--save", args.Length == 1 ? "" : "60 1");
            await using var client = await RawClient.ConnectAsync(server.EndPoints[0].Port);
            await client.SendAsync(args);
            await server.Completion.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.DoesNotContain("NOT saved", log.ToString());
        }
    }
}
