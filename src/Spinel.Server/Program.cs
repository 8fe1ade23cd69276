using Spinel.Config;
using Spinel.Server;

if (args is ["-v"] or ["--version"])
{
    Console.WriteLine($"Spinel server v={typeof(SpinelServer).Assembly.GetName().Version} redis-compat=7.0.15");
    return 0;
}

ServerConfig config;
try
{
    config = ConfigLoader.FromCommandLine(args);
}
catch (ConfigException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

ConfigureSocketThreads(config);
var server = new SpinelServer(config);

// Signals are caught from the start: one that arrives while the server is still starting (loading its data, or
// accepting its first clients before this thread got here) stops it as soon as it has started.
var stopSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx =>
{
    ctx.Cancel = true;
    server.Log.Warning("Received SIGTERM scheduling shutdown...");
    stopSignal.TrySetResult();
});
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    server.Log.Warning("Received SIGINT scheduling shutdown...");
    stopSignal.TrySetResult();
};

try
{
    await server.StartAsync();
}
catch (IOException ex)
{
    server.Log.Warning(ex.Message);
    return 1;
}
_ = stopSignal.Task.ContinueWith(_ =>
{
    MissingFeatures.LogShutdownWithoutSave(server); // Redis saves on a signal when save points are set
    server.RequestStop();
}, TaskScheduler.Default);

// A stop ends a running script and waits for the command in progress. One that cannot end (a script stuck inside a
// single long host call) must not keep the process and its memory alive: after a grace period it exits regardless.
var shutdownGrace = TimeSpan.FromSeconds(10);
try
{
    await Task.Delay(Timeout.Infinite, server.Stopping);
}
catch (OperationCanceledException)
{
}
if (await Task.WhenAny(server.Completion, Task.Delay(shutdownGrace)) != server.Completion)
{
    server.Log.Warning($"The server did not stop within {shutdownGrace.TotalSeconds:0} seconds; exiting anyway.");
    Environment.Exit(1);
}
return 0;

// Where Spinel's own epoll loops do not serve the sockets (not Linux x64, or SPINEL_SOCKET_ENGINE=dotnet), the .NET
// socket engine does: these make its continuations run on the epoll thread that saw the data instead of hopping to
// the thread pool, the cheapest path for a loop that only parses, runs a short locked batch and sends. io-threads
// (Redis's name, default 1) sets how many such threads serve all connections, in either engine; one thread never
// contends for the keyspace lock, which is fastest on small machines. Both variables are read when the first socket
// is created, so they must be in place before the server starts.
static void ConfigureSocketThreads(ServerConfig config)
{
    if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
    if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT") is null)
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT", config.Find("io-threads")!.Get());
}
