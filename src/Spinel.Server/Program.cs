using Spinel.Config;
using Spinel.Server;

// Socket continuations run on the I/O thread that saw the data rather than hopping to the thread
// pool: the connection loop only parses, runs a short locked batch and queues a send, so this is
// the cheapest path. Must be set before the first socket is created.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

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

var server = new SpinelServer(config);
try
{
    await server.StartAsync();
}
catch (IOException ex)
{
    server.Log.Warning(ex.Message);
    return 1;
}

using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx =>
{
    ctx.Cancel = true;
    server.Log.Warning("Received SIGTERM scheduling shutdown...");
    server.RequestStop();
});
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    server.Log.Warning("Received SIGINT scheduling shutdown...");
    server.RequestStop();
};

await server.Completion;
return 0;
