using System.Globalization;
using System.Net;
using Spinel.Commands;
using Spinel.Networking;

namespace Spinel.Config;

/// <summary>
/// Every setting, under Redis's names. Settings the server acts on are typed properties read on hot
/// paths; the registry (<see cref="Entries"/>) is what CONFIG GET/SET, the config file and the
/// command line see. Settings Spinel accepts but does not act on yet live in ServerConfig.Accepted.cs.
/// </summary>
public sealed partial class ServerConfig
{
    private readonly Dictionary<string, ConfigEntry> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ConfigEntry> _entries = [];

    public ServerConfig()
    {
        RegisterCore();
        RegisterAccepted();
        MarkNotActedOn();
        foreach (var entry in _entries) entry.DefaultValue = entry.Get();
    }

    /// <summary>The config file the server was started with (absolute path), or null; CONFIG REWRITE writes it.</summary>
    public string? ConfigFile { get; set; }

    public int Port { get; private set; } = 6379;
    public string[] Bind { get; private set; } = ["127.0.0.1", "-::1"];
    public int Databases { get; private set; } = 16;
    public string RequirePass { get; private set; } = "";
    public long MaxClients { get; private set; } = 10000;
    public long ProtoMaxBulkLen { get; private set; } = 512L * 1024 * 1024;
    public long Timeout { get; private set; }
    public LogLevel LogLevel { get; private set; } = LogLevel.Notice;
    public int Hz { get; private set; } = 10;
    public string EnableDebugCommand { get; private set; } = "no";
    public string EnableProtectedConfigs { get; private set; } = "no";
    public long TcpBacklog { get; private set; } = 511;
    public string LogFile { get; private set; } = "";
    public string Dir { get; private set; } = Directory.GetCurrentDirectory();
    public long ActiveExpireEffort { get; private set; } = 1;
    public string MaxMemoryPolicy { get; private set; } = "noeviction";

    // Thresholds of the compact encodings (converting a small hash or set to a hash table is one-way).
    public long HashMaxListpackEntries { get; private set; } = 512;
    public long HashMaxListpackValue { get; private set; } = 64;
    public long SetMaxIntsetEntries { get; private set; } = 512;
    public long ZsetMaxListpackEntries { get; private set; } = 128;
    public long ZsetMaxListpackValue { get; private set; } = 64;

    /// <summary>hll-sparse-max-bytes: a sparse HLL that would grow past this many bytes (header included) turns dense.</summary>
    public long HllSparseMaxBytes { get; private set; } = 3000;

    /// <summary>list-max-listpack-size: negative -1..-5 caps list nodes at 4..64 KB, positive at that many elements.</summary>
    public int ListMaxListpackSize { get; private set; } = -2;

    /// <summary>busy-reply-threshold (alias lua-time-limit), in ms: past it a running script makes other clients' commands fail with BUSY.</summary>
    public long BusyReplyThreshold { get; private set; } = 5000;

    /// <summary>
    /// io-busy-poll-us (Spinel's own): how long an I/O loop that is kept busy polls for more work before it sleeps.
    /// A request that finds its loop polling is read without a wake-up, which on loopback the sender pays for;
    /// 0 turns polling off.
    /// </summary>
    public long IoBusyPollMicros { get; private set; } = 50;

    /// <summary>DEBUG SET-ACTIVE-EXPIRE: whether the background expiry cycle runs.</summary>
    public bool ActiveExpireEnabled { get; set; } = true;

    public bool AuthRequired => RequirePass.Length > 0;

    public IReadOnlyList<ConfigEntry> Entries => _entries;

    /// <summary>Raised after CONFIG SET changed settings, with their names.</summary>
    public event Action<IReadOnlyList<string>>? Changed;

    public ConfigEntry? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Sets one value at startup (immutable settings allowed). Returns the error text or null.</summary>
    public string? SetAtStartup(string name, string value)
    {
        var entry = Find(name);
        if (entry is null) return "Bad directive or wrong number of arguments";
        return entry.Set(value);
    }

    /// <summary>CONFIG SET of several pairs, all or nothing; returns the full error reply or null.</summary>
    /// <remarks>An alias and its setting count as different parameters (Redis too): the later pair wins.</remarks>
    public string? SetAtRuntime(IReadOnlyList<(string Name, string Value)> pairs, bool allowProtected = false)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, _) in pairs)
        {
            var entry = Find(name);
            if (entry is null) return $"ERR Unknown option or number of arguments for CONFIG SET - '{name}'";
            if (entry.Immutable) return Failed(name, "can't set immutable config");
            if (entry.Protected && !allowProtected) return Failed(name, "can't set protected config");
            if (!seen.Add(name)) return Failed(name, "duplicate parameter");
        }
        // Every old value is read before anything changes, so a failure puts each back as it was, even when a setting
        // and its alias (lua-time-limit, busy-reply-threshold) are both in the call.
        var previous = pairs.Select(p => (Entry: Find(p.Name)!, Old: Find(p.Name)!.Get())).ToList();
        for (int i = 0; i < pairs.Count; i++)
        {
            var entry = previous[i].Entry;
            string? error = entry.Set(pairs[i].Value);
            if (error is not null)
            {
                for (int j = i; j >= 0; j--) previous[j].Entry.Set(previous[j].Old);
                // A refused value is reported under the setting's own spelling (lower case; the alias if one was used).
                return Failed(SpelledName(entry, pairs[i].Name), error);
            }
        }
        Changed?.Invoke(pairs.Select(p => Find(p.Name)!.Name).ToList());
        return null;
    }

    private static string SpelledName(ConfigEntry entry, string typed) =>
        entry.Aliases.FirstOrDefault(a => a.Equals(typed, StringComparison.OrdinalIgnoreCase)) ?? entry.Name;

    private static string Failed(string name, string reason) => $"ERR CONFIG SET failed (possibly related to argument '{name}') - {reason}";

    /// <summary>Whether a protected command (DEBUG) may run for this client, per enable-debug-command.</summary>
    public bool AllowsProtected(CommandSpec spec, ClientSession client) => Allows(EnableDebugCommand, client);

    /// <summary>Whether CONFIG SET may change protected settings (dir, dbfilename) for this client.</summary>
    public bool AllowsProtectedConfigs(ClientSession client) => Allows(EnableProtectedConfigs, client);

    private static bool Allows(string setting, ClientSession client) => setting switch
    {
        "yes" => true,
        "local" => IsLocal(client.Address),
        _ => false,
    };

    private static bool IsLocal(string address)
    {
        int colon = address.LastIndexOf(':');
        var host = (colon > 0 ? address[..colon] : address).Trim('[', ']');
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }

    private void Add(ConfigEntry entry)
    {
        _entries.Add(entry);
        _byName.Add(entry.Name, entry);
        foreach (var alias in entry.Aliases) _byName.Add(alias, entry);
    }

    private void AddBool(string name, Func<bool> get, Action<bool> set, bool immutable = false, params string[] aliases) => Add(new ConfigEntry
    {
        Name = name,
        Aliases = aliases,
        Immutable = immutable,
        Get = () => get() ? "yes" : "no",
        Set = v =>
        {
            var error = ConfigParsing.ParseBool(v, out bool b);
            if (error is null) set(b);
            return error;
        },
    });

    private void AddLong(string name, long min, long max, Func<long> get, Action<long> set, bool immutable = false, params string[] aliases) => Add(new ConfigEntry
    {
        Name = name,
        Aliases = aliases,
        Immutable = immutable,
        Get = () => get().ToString(CultureInfo.InvariantCulture),
        Set = v =>
        {
            var error = ConfigParsing.ParseLong(v, min, max, out long n);
            if (error is null) set(n);
            return error;
        },
    });

    private void AddMemory(string name, long min, long max, Func<long> get, Action<long> set, bool immutable = false, params string[] aliases) => Add(new ConfigEntry
    {
        Name = name,
        Aliases = aliases,
        Immutable = immutable,
        Get = () => ConfigParsing.ShowMemory(get()),
        Set = v =>
        {
            var error = ConfigParsing.ParseMemory(v, min, max, out long n);
            if (error is null) set(n);
            return error;
        },
    });

    private void AddEnum(string name, string[] choices, Func<string> get, Action<string> set, bool immutable = false, params string[] aliases) => Add(new ConfigEntry
    {
        Name = name,
        Aliases = aliases,
        Immutable = immutable,
        Get = get,
        Set = v =>
        {
            var lower = v.ToLowerInvariant();
            if (Array.IndexOf(choices, lower) < 0) return "argument(s) must be one of the following: " + string.Join(", ", choices);
            set(lower);
            return null;
        },
    });

    private void AddString(string name, Func<string> get, Func<string, string?> set, bool immutable = false, bool multiArg = false, params string[] aliases) => Add(new ConfigEntry
    {
        Name = name,
        Aliases = aliases,
        Immutable = immutable,
        MultiArg = multiArg,
        Get = get,
        Set = set,
    });

    private void RegisterCore()
    {
        AddLong("port", 0, 65535, () => Port, v => Port = (int)v);
        AddString("bind", () => string.Join(' ', Bind), v =>
        {
            var parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 16) return "Too many bind addresses specified.";
            foreach (var part in parts)
            {
                var address = part.StartsWith('-') ? part[1..] : part;
                if (address is not ("*" or "::*" or "localhost") && !IPAddress.TryParse(address, out _)) return "Failed to bind to specified addresses.";
            }
            Bind = parts.Length == 0 ? ["*", "-::*"] : parts;
            return null;
        }, immutable: false, multiArg: true);
        AddLong("databases", 1, int.MaxValue, () => Databases, v => Databases = (int)v, immutable: true);
        AddString("requirepass", () => RequirePass, v =>
        {
            RequirePass = v;
            return null;
        });
        AddLong("maxclients", 1, uint.MaxValue, () => MaxClients, v => MaxClients = v);
        AddMemory("proto-max-bulk-len", 1024 * 1024, long.MaxValue, () => ProtoMaxBulkLen, v => ProtoMaxBulkLen = v);
        AddLong("timeout", 0, int.MaxValue, () => Timeout, v => Timeout = v);
        AddEnum("loglevel", ["debug", "verbose", "notice", "warning"], () => LogLevel.ToString().ToLowerInvariant(), v => LogLevel = Enum.Parse<LogLevel>(v, ignoreCase: true));
        AddLong("hz", 0, int.MaxValue, () => Hz, v => Hz = (int)Math.Clamp(v, 1, 500));
        AddEnum("enable-debug-command", ["no", "yes", "local"], () => EnableDebugCommand, v => EnableDebugCommand = v, immutable: true);
        AddEnum("enable-protected-configs", ["no", "yes", "local"], () => EnableProtectedConfigs, v => EnableProtectedConfigs = v, immutable: true);
        AddLong("io-busy-poll-us", 0, 1_000_000, () => IoBusyPollMicros, v => IoBusyPollMicros = v);
        AddLong("tcp-backlog", 0, int.MaxValue, () => TcpBacklog, v => TcpBacklog = v, immutable: true);
        AddString("logfile", () => LogFile, v =>
        {
            LogFile = v;
            return null;
        }, immutable: true);
        Add(new ConfigEntry
        {
            Name = "dir",
            Protected = true,
            Get = () => Dir,
            Set = v =>
            {
                if (!Directory.Exists(v)) return "No such file or directory";
                Dir = Path.GetFullPath(v);
                return null;
            },
        });
        AddLong("active-expire-effort", 1, 10, () => ActiveExpireEffort, v => ActiveExpireEffort = v);
        AddEnum("maxmemory-policy", ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"],
            () => MaxMemoryPolicy, v => MaxMemoryPolicy = v);
    }
}

public enum LogLevel
{
    Debug,
    Verbose,
    Notice,
    Warning,
}
