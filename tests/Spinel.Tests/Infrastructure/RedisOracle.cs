using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Spinel.Tests.Infrastructure;

/// <summary>
/// A real redis-server (the Debian package, 7.0.x) on a free port, the reference for differential tests.
/// Tests call <see cref="RequireAvailable"/>, which skips them with the reason when redis-server is missing.
/// </summary>
public sealed class RedisOracle : IAsyncLifetime
{
    private Process? _process;

    public int Port { get; private set; }

    public static string? ServerPath { get; } = FindServer();

    public void RequireAvailable() =>
        Skip.If(_process is null, "redis-server is not installed (apt-get install redis-server); differential tests need it as the oracle");

    private static string? FindServer()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            var path = Path.Combine(dir, "redis-server");
            if (File.Exists(path)) return path;
        }
        return null;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task InitializeAsync()
    {
        if (ServerPath is null) return;
        Port = FreePort();
        var psi = new ProcessStartInfo(ServerPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--enable-debug-command", "yes", "--dir", Path.GetTempPath() })
            psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (int i = 0; i < 100; i++)
        {
            try
            {
                await using var probe = await RawClient.ConnectAsync(Port);
                if ((await probe.CallAsync("PING")).StartsWith("+PONG")) return;
            }
            catch (SocketException) { }
            await Task.Delay(50);
        }
        throw new InvalidOperationException("redis-server did not start");
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        return Task.CompletedTask;
    }

    public Task<RawClient> ConnectAsync() => RawClient.ConnectAsync(Port);
}
