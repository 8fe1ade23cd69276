using System.Diagnostics;
using System.Net.Sockets;

namespace Spinel.Tests.Infrastructure;

/// <summary>The real spinel-server executable in its own process, for tests of the host itself or that need their own fd budget.</summary>
public sealed class ExternalServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ExternalServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output) return string.Join("\n", _output);
        }
    }

    public static Task<ExternalServer> StartAsync(params string[] extraArgs) => StartWithConfigAsync(null, extraArgs);

    /// <summary>Starts with an optional config file first, as redis-server takes it, then --port/--bind and the overrides.</summary>
    public static Task<ExternalServer> StartWithConfigAsync(string? configFile, params string[] extraArgs) =>
        StartWithEnvironmentAsync(configFile, new Dictionary<string, string>(), extraArgs);

    /// <summary>As <see cref="StartWithConfigAsync"/>, with environment variables set for the process.</summary>
    public static async Task<ExternalServer> StartWithEnvironmentAsync(string? configFile, IReadOnlyDictionary<string, string> environment, params string[] extraArgs)
    {
        int port = RedisOracle.FreePort();
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "spinel-server.dll"));
        if (configFile is not null) psi.ArgumentList.Add(configFile);
        foreach (var a in new[] { "--port", port.ToString(), "--bind", "127.0.0.1" }.Concat(extraArgs)) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        var server = new ExternalServer(process, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (int i = 0; i < 200 && !process.HasExited; i++)
        {
            try
            {
                await using var probe = await RawClient.ConnectAsync(port);
                if ((await probe.CallAsync("PING")).StartsWith("+PONG")) return server;
            }
            catch (SocketException) { }
            await Task.Delay(50);
        }
        return server;
    }

    public static async Task<(int ExitCode, string Output)> RunToExitAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "spinel-server.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
    }

    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        return 0;
    }

    /// <summary>Sends SIGTERM and waits for the process to exit; returns its exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        Process.Start("kill", ["-TERM", _process.Id.ToString()]).WaitForExit();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
