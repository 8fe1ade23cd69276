using Spinel.Config;

namespace Spinel.Server;

/// <summary>
/// Says so in the log whenever a configuration asks for something Spinel does not do yet (persistence, TLS,
/// replication, maxmemory...), so nothing seems to work that does not: settings marked in ServerConfig's
/// NotActedOn table, data files in dir that Redis would load, and shutdowns that Redis would save on.
/// Warnings in Redis's style: "# WARNING ..." at warning level.
/// </summary>
public static class MissingFeatures
{
    /// <summary>At startup: every marked setting the config file or command line changed, then data files left in dir.</summary>
    internal static void LogStartup(SpinelServer server)
    {
        foreach (var entry in server.Config.Entries) WarnIfSet(server, entry);
        var config = server.Config;
        string rdb = Path.Combine(config.Dir, config.Find("dbfilename")!.Get());
        if (File.Exists(rdb))
            server.Log.Warning($"WARNING: {rdb} exists, but Spinel has no persistence yet: it is NOT loaded, the server starts empty.");
        string aofDir = Path.Combine(config.Dir, config.Find("appenddirname")!.Get());
        if (Directory.Exists(aofDir))
            server.Log.Warning($"WARNING: {aofDir} exists, but Spinel has no persistence yet: its append-only files are NOT loaded, the server starts empty.");
    }

    /// <summary>After CONFIG SET: the marked settings among <paramref name="names"/>.</summary>
    internal static void LogChanged(SpinelServer server, IReadOnlyList<string> names)
    {
        foreach (var name in names) WarnIfSet(server, server.Config.Find(name)!);
    }

    private static void WarnIfSet(SpinelServer server, ConfigEntry entry)
    {
        if (entry.NotActedOnFor is not { } reason) return;
        string value = entry.Get();
        // The default changes nothing, and an empty value turns a feature off (save "", tls-cert-file ""): both are true as they are.
        if (value == entry.DefaultValue || value.Length == 0) return;
        server.Log.Warning($"WARNING: {entry.Name} is set to '{value}', but it is not acted on: {reason}.");
    }

    /// <summary>
    /// A shutdown that Redis would save on (save points configured, or appendonly yes), by SHUTDOWN without NOSAVE or a
    /// signal: Spinel lets it go ahead, since that setting was never acted on (and warned about at startup unless it is
    /// the default), but logs that the dataset is lost. SHUTDOWN SAVE, an explicit request, is refused instead.
    /// </summary>
    public static void LogShutdownWithoutSave(SpinelServer server)
    {
        var config = server.Config;
        string savePoints = config.Find("save")!.Get();
        bool aof = config.Find("appendonly")!.Get() == "yes";
        if (savePoints.Length == 0 && !aof) return;
        string asked = savePoints.Length > 0 ? $"save points are configured ('{savePoints}')" : "appendonly is yes";
        server.Log.Warning($"WARNING: {asked}, but Spinel has no persistence: the dataset is NOT saved on this shutdown.");
    }
}
