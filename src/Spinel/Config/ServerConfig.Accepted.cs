using System.Globalization;
using System.Text;

namespace Spinel.Config;

// Every other Redis 7.0 setting (CONFIG GET shows them, CONFIG SET and the config file store them), so tools
// that read or write them keep working. Each validates as Redis does and shows its value normalized the same
// way (sizes in bytes, enums lower-case). Those Spinel does not act on yet are listed in NotActedOn.
public sealed partial class ServerConfig
{
    private static readonly string[] YesNo = ["yes", "no"];

    private void RegisterAccepted()
    {
        // General / process
        Flag("daemonize", false, immutable: true);
        Text("pidfile", "", immutable: true);
        Choice("supervised", "no", ["upstart", "systemd", "auto", "no"], immutable: true);
        Flag("always-show-logo", false, immutable: true);
        Flag("set-proc-title", true, immutable: true);
        Text("proc-title-template", "{title} {listen-addr} {server-mode}");
        Flag("syslog-enabled", false, immutable: true);
        Text("syslog-ident", "redis", immutable: true);
        Choice("syslog-facility", "local0", ["user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"], immutable: true);
        Flag("crash-log-enabled", true);
        Flag("crash-memcheck-enabled", true);
        Flag("disable-thp", true, immutable: true);
        Choice("enable-module-command", "no", ["no", "yes", "local"], immutable: true);
        Text("ignore-warnings", "");
        Choice("shutdown-on-sigint", "default", ["default", "save", "nosave", "now", "force"], multiple: true);
        Choice("shutdown-on-sigterm", "default", ["default", "save", "nosave", "now", "force"], multiple: true);
        Integer("shutdown-timeout", 10, 0, int.MaxValue);
        Choice("oom-score-adj", "no", ["no", "yes", "relative", "absolute"]);
        Custom("oom-score-adj-values", "0 200 800", OomScoreAdjValues, multiArg: true);
        Flag("jemalloc-bg-thread", true);
        Integer("io-threads", 1, 1, 128, immutable: true);
        Flag("io-threads-do-reads", false, immutable: true);
        Text("server_cpulist", "", immutable: true);
        Text("bio_cpulist", "", immutable: true);
        Text("aof_rewrite_cpulist", "", immutable: true);
        Text("bgsave_cpulist", "", immutable: true);

        // Network
        Flag("protected-mode", true);
        Integer("tcp-keepalive", 300, 0, int.MaxValue);
        Text("unixsocket", "", immutable: true);
        Custom("unixsocketperm", "0", UnixSocketPerm, immutable: true);
        Text("bind-source-addr", "");
        Integer("socket-mark-id", 0, 0, uint.MaxValue);
        Bytes("client-query-buffer-limit", 1024 * 1024 * 1024, 1024 * 1024, long.MaxValue);
        Custom("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
            v => ClientOutputBufferLimit(v, Find("client-output-buffer-limit")!.Get()), multiArg: true);
        Custom("maxmemory-clients", "0", MaxMemoryClients);

        // TLS
        Integer("tls-port", 0, 0, 65535);
        foreach (var name in new[] { "tls-cert-file", "tls-key-file", "tls-key-file-pass", "tls-client-cert-file", "tls-client-key-file", "tls-client-key-file-pass", "tls-dh-params-file", "tls-ca-cert-file", "tls-ca-cert-dir", "tls-protocols", "tls-ciphers", "tls-ciphersuites" })
            Text(name, "");
        Choice("tls-auth-clients", "yes", ["no", "yes", "optional"]);
        Flag("tls-replication", false);
        Flag("tls-cluster", false);
        Flag("tls-prefer-server-ciphers", false);
        Flag("tls-session-caching", true);
        Integer("tls-session-cache-size", 20 * 1024, 0, int.MaxValue);
        Integer("tls-session-cache-timeout", 300, 0, int.MaxValue);

        // Persistence
        Custom("save", "3600 1 300 100 60 10000", SaveParams, multiArg: true);
        Flag("stop-writes-on-bgsave-error", true);
        Flag("rdbcompression", true);
        Flag("rdbchecksum", true, immutable: true);
        Choice("sanitize-dump-payload", "no", ["no", "yes", "clients"]);
        Text("dbfilename", "dump.rdb", isProtected: true);
        Flag("rdb-del-sync-files", false);
        Flag("rdb-save-incremental-fsync", true);
        Flag("appendonly", false);
        Text("appendfilename", "appendonly.aof", immutable: true);
        Text("appenddirname", "appendonlydir", immutable: true);
        Choice("appendfsync", "everysec", ["everysec", "always", "no"]);
        Flag("no-appendfsync-on-rewrite", false);
        Integer("auto-aof-rewrite-percentage", 100, 0, int.MaxValue);
        Bytes("auto-aof-rewrite-min-size", 64 * 1024 * 1024, 0, long.MaxValue);
        Flag("aof-load-truncated", true);
        Flag("aof-use-rdb-preamble", true);
        Flag("aof-timestamp-enabled", false);
        Flag("aof-rewrite-incremental-fsync", true);
        Flag("aof-disable-auto-gc", false);

        // Replication
        Custom("replicaof", "", v => (null, v), immutable: true, multiArg: true, aliases: "slaveof");
        Text("masterauth", "");
        Text("masteruser", "");
        Flag("replica-serve-stale-data", true, aliases: "slave-serve-stale-data");
        Flag("replica-read-only", true, aliases: "slave-read-only");
        Flag("replica-ignore-disk-write-errors", false);
        Flag("repl-diskless-sync", true);
        Integer("repl-diskless-sync-delay", 5, 0, int.MaxValue);
        Integer("repl-diskless-sync-max-replicas", 0, 0, int.MaxValue);
        Choice("repl-diskless-load", "disabled", ["disabled", "on-empty-db", "swapdb"]);
        Integer("repl-ping-replica-period", 10, 1, int.MaxValue, aliases: "repl-ping-slave-period");
        Integer("repl-timeout", 60, 1, int.MaxValue);
        Flag("repl-disable-tcp-nodelay", false);
        Bytes("repl-backlog-size", 1024 * 1024, 1, long.MaxValue);
        Integer("repl-backlog-ttl", 3600, 0, long.MaxValue);
        Integer("replica-priority", 100, 0, int.MaxValue, aliases: "slave-priority");
        Flag("replica-announced", true);
        Integer("min-replicas-to-write", 0, 0, int.MaxValue, aliases: "min-slaves-to-write");
        Integer("min-replicas-max-lag", 10, 0, int.MaxValue, aliases: "min-slaves-max-lag");
        Text("replica-announce-ip", "", aliases: "slave-announce-ip");
        Integer("replica-announce-port", 0, 0, 65535, aliases: "slave-announce-port");
        Flag("replica-ignore-maxmemory", true, aliases: "slave-ignore-maxmemory");
        Flag("replica-lazy-flush", false, aliases: "slave-lazy-flush");
        Choice("propagation-error-behavior", "ignore", ["ignore", "panic", "panic-on-replicas"]);

        // Security
        Text("aclfile", "", immutable: true);
        Integer("acllog-max-len", 128, 0, long.MaxValue);
        Choice("acl-pubsub-default", "resetchannels", ["allchannels", "resetchannels"]);

        // Memory
        Custom("maxmemory", "0", v => ConfigParsing.TryParseBytes(v, out ulong n)
            ? (null, n.ToString(CultureInfo.InvariantCulture))
            : ("argument must be a memory value", v));
        Integer("maxmemory-samples", 5, 1, int.MaxValue);
        Integer("maxmemory-eviction-tenacity", 10, 0, 100);
        Flag("lazyfree-lazy-eviction", false);
        Flag("lazyfree-lazy-expire", false);
        Flag("lazyfree-lazy-server-del", false);
        Flag("lazyfree-lazy-user-del", false);
        Flag("lazyfree-lazy-user-flush", false);
        Integer("lfu-log-factor", 10, 0, int.MaxValue);
        Integer("lfu-decay-time", 1, 0, int.MaxValue);
        Custom("activedefrag", "no", v => ConfigParsing.ParseBool(v, out bool on) is { } error ? (error, v)
            : on ? ("Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution", v)
            : (null, "no"));
        Bytes("active-defrag-ignore-bytes", 100 * 1024 * 1024, 1, long.MaxValue);
        Integer("active-defrag-threshold-lower", 10, 0, 1000);
        Integer("active-defrag-threshold-upper", 100, 0, 1000);
        Integer("active-defrag-cycle-min", 1, 1, 99);
        Integer("active-defrag-cycle-max", 25, 1, 99);
        Integer("active-defrag-max-scan-fields", 1000, 1, long.MaxValue);
        Flag("activerehashing", true);
        Flag("dynamic-hz", true);

        // Encodings
        AddLong("hash-max-listpack-entries", 0, long.MaxValue, () => HashMaxListpackEntries, v => HashMaxListpackEntries = v, aliases: "hash-max-ziplist-entries");
        AddMemory("hash-max-listpack-value", 0, long.MaxValue, () => HashMaxListpackValue, v => HashMaxListpackValue = v, aliases: "hash-max-ziplist-value");
        AddLong("list-max-listpack-size", int.MinValue, int.MaxValue, () => ListMaxListpackSize, v => ListMaxListpackSize = (int)v, aliases: "list-max-ziplist-size");
        Integer("list-compress-depth", 0, 0, int.MaxValue);
        AddLong("set-max-intset-entries", 0, long.MaxValue, () => SetMaxIntsetEntries, v => SetMaxIntsetEntries = v);
        AddLong("zset-max-listpack-entries", 0, long.MaxValue, () => ZsetMaxListpackEntries, v => ZsetMaxListpackEntries = v, aliases: "zset-max-ziplist-entries");
        AddMemory("zset-max-listpack-value", 0, long.MaxValue, () => ZsetMaxListpackValue, v => ZsetMaxListpackValue = v, aliases: "zset-max-ziplist-value");
        AddMemory("hll-sparse-max-bytes", 0, long.MaxValue, () => HllSparseMaxBytes, v => HllSparseMaxBytes = v);
        Bytes("stream-node-max-bytes", 4096, 0, long.MaxValue);
        Integer("stream-node-max-entries", 100, 0, long.MaxValue);

        // Scripting, monitoring, notifications, tracking
        AddLong("busy-reply-threshold", 0, long.MaxValue, () => BusyReplyThreshold, v => BusyReplyThreshold = v, aliases: "lua-time-limit");
        Integer("slowlog-log-slower-than", 10000, -1, long.MaxValue);
        Integer("slowlog-max-len", 128, 0, long.MaxValue);
        Integer("latency-monitor-threshold", 0, 0, long.MaxValue);
        Flag("latency-tracking", true);
        Custom("latency-tracking-info-percentiles", "50 99 99.9", Percentiles, multiArg: true);
        Custom("notify-keyspace-events", "", KeyspaceEvents);
        Integer("tracking-table-max-keys", 1000000, 0, long.MaxValue);

        // Cluster
        Flag("cluster-enabled", false, immutable: true);
        Text("cluster-config-file", "nodes.conf", immutable: true);
        Integer("cluster-port", 0, 0, 65535, immutable: true);
        Integer("cluster-node-timeout", 15000, 0, long.MaxValue);
        Integer("cluster-replica-validity-factor", 10, 0, int.MaxValue, aliases: "cluster-slave-validity-factor");
        Integer("cluster-migration-barrier", 1, 0, int.MaxValue);
        Flag("cluster-allow-replica-migration", true);
        Flag("cluster-require-full-coverage", true);
        Flag("cluster-replica-no-failover", false, aliases: "cluster-slave-no-failover");
        Flag("cluster-allow-reads-when-down", false);
        Flag("cluster-allow-pubsubshard-when-down", true);
        Text("cluster-announce-ip", "");
        Text("cluster-announce-hostname", "");
        Integer("cluster-announce-port", 0, 0, 65535);
        Integer("cluster-announce-bus-port", 0, 0, 65535);
        Integer("cluster-announce-tls-port", 0, 0, 65535);
        Choice("cluster-preferred-endpoint-type", "ip", ["ip", "hostname", "unknown-endpoint"]);
        Custom("cluster-link-sendbuf-limit", "0", v => ConfigParsing.TryParseBytes(v, out ulong n)
            ? (null, n.ToString(CultureInfo.InvariantCulture))
            : ("argument must be a memory value", v));

        // Redis's hidden settings (for its test suite): shown by CONFIG GET of the exact name only.
        Flag("use-exit-on-panic", false, hidden: true);
        Integer("rdb-key-save-delay", 0, int.MinValue, int.MaxValue, hidden: true);
        Integer("key-load-delay", 0, int.MinValue, int.MaxValue, hidden: true);
        Integer("watchdog-period", 0, 0, int.MaxValue, hidden: true);
        Integer("loading-process-events-interval-bytes", 2 * 1024 * 1024, 1024, int.MaxValue, hidden: true);
    }

    /// <summary>
    /// The one list of settings Spinel stores but does not act on, by the reason why: a value other than the default
    /// (or empty, which turns a feature off) logs a warning at startup and on CONFIG SET (Server/MissingFeatures), so a
    /// setting never seems to work when it does not. Whoever implements a feature takes its settings out of here.
    /// </summary>
    private static readonly (string Reason, string[] Names)[] NotActedOn =
    [
        ("Spinel has no persistence yet (no RDB or AOF file is written or loaded)",
        [
            "save", "stop-writes-on-bgsave-error", "rdbcompression", "rdbchecksum", "dbfilename", "rdb-del-sync-files",
            "rdb-save-incremental-fsync", "appendonly", "appendfilename", "appenddirname", "appendfsync", "no-appendfsync-on-rewrite",
            "auto-aof-rewrite-percentage", "auto-aof-rewrite-min-size", "aof-load-truncated", "aof-use-rdb-preamble",
            "aof-timestamp-enabled", "aof-rewrite-incremental-fsync", "aof-disable-auto-gc", "bgsave_cpulist", "aof_rewrite_cpulist",
            "sanitize-dump-payload", "rdb-key-save-delay", "key-load-delay", "loading-process-events-interval-bytes",
        ]),
        ("Spinel has no TLS yet (no TLS port is opened, no certificate is read)",
        [
            "tls-port", "tls-cert-file", "tls-key-file", "tls-key-file-pass", "tls-client-cert-file", "tls-client-key-file",
            "tls-client-key-file-pass", "tls-dh-params-file", "tls-ca-cert-file", "tls-ca-cert-dir", "tls-protocols", "tls-ciphers",
            "tls-ciphersuites", "tls-auth-clients", "tls-replication", "tls-cluster", "tls-prefer-server-ciphers", "tls-session-caching",
            "tls-session-cache-size", "tls-session-cache-timeout",
        ]),
        ("Spinel has no replication yet",
        [
            "replicaof", "masterauth", "masteruser", "replica-serve-stale-data", "replica-read-only", "replica-ignore-disk-write-errors",
            "repl-diskless-sync", "repl-diskless-sync-delay", "repl-diskless-sync-max-replicas", "repl-diskless-load",
            "repl-ping-replica-period", "repl-timeout", "repl-disable-tcp-nodelay", "repl-backlog-size", "repl-backlog-ttl",
            "replica-priority", "replica-announced", "min-replicas-to-write", "min-replicas-max-lag", "replica-announce-ip",
            "replica-announce-port", "replica-ignore-maxmemory", "replica-lazy-flush", "propagation-error-behavior", "bind-source-addr",
        ]),
        ("Spinel has no cluster mode yet",
        [
            "cluster-enabled", "cluster-config-file", "cluster-port", "cluster-node-timeout", "cluster-replica-validity-factor",
            "cluster-migration-barrier", "cluster-allow-replica-migration", "cluster-require-full-coverage", "cluster-replica-no-failover",
            "cluster-allow-reads-when-down", "cluster-allow-pubsubshard-when-down", "cluster-announce-ip", "cluster-announce-hostname",
            "cluster-announce-port", "cluster-announce-bus-port", "cluster-announce-tls-port", "cluster-preferred-endpoint-type",
            "cluster-link-sendbuf-limit",
        ]),
        ("Spinel does not enforce maxmemory or evict keys or clients yet",
            ["maxmemory", "maxmemory-samples", "maxmemory-eviction-tenacity", "lazyfree-lazy-eviction", "maxmemory-clients"]),
        ("Spinel frees memory through the .NET garbage collector",
        [
            "lazyfree-lazy-expire", "lazyfree-lazy-server-del", "lazyfree-lazy-user-del", "lazyfree-lazy-user-flush", "jemalloc-bg-thread",
            "active-defrag-ignore-bytes", "active-defrag-threshold-lower", "active-defrag-threshold-upper", "active-defrag-cycle-min",
            "active-defrag-cycle-max", "active-defrag-max-scan-fields",
        ]),
        ("Spinel does not manage its process this way (no daemonizing, pid file, syslog, process title, OOM score or CPU pinning)",
        [
            "daemonize", "pidfile", "supervised", "always-show-logo", "set-proc-title", "proc-title-template", "syslog-enabled", "syslog-ident",
            "syslog-facility", "crash-log-enabled", "crash-memcheck-enabled", "disable-thp", "ignore-warnings", "shutdown-on-sigint",
            "shutdown-on-sigterm", "shutdown-timeout", "oom-score-adj", "oom-score-adj-values", "io-threads-do-reads", "server_cpulist",
            "bio_cpulist", "watchdog-period", "use-exit-on-panic",
        ]),
        ("Spinel has no modules", ["enable-module-command"]),
        ("Spinel does not listen on a Unix socket yet", ["unixsocket", "unixsocketperm"]),
        ("Spinel does not apply this connection option yet", ["protected-mode", "tcp-keepalive", "socket-mark-id", "client-query-buffer-limit"]),
        ("Spinel has no ACL users yet", ["aclfile", "acllog-max-len", "acl-pubsub-default"]),
        ("Spinel has no SLOWLOG or latency monitor yet",
            ["slowlog-log-slower-than", "slowlog-max-len", "latency-monitor-threshold", "latency-tracking", "latency-tracking-info-percentiles"]),
        ("Spinel has no streams yet", ["stream-node-max-bytes", "stream-node-max-entries"]),
        ("Spinel does not compress list nodes", ["list-compress-depth"]),
        ("Spinel resizes its hash tables in one step and runs its cron at a fixed hz", ["activerehashing", "dynamic-hz"]),
    ];

    private void MarkNotActedOn()
    {
        foreach (var (reason, names) in NotActedOn)
        {
            foreach (var name in names) _byName[name].NotActedOnFor = reason; // an unknown name fails at once
        }
    }

    private void Flag(string name, bool defaultValue, bool immutable = false, bool hidden = false, params string[] aliases)
    {
        Custom(name, defaultValue ? "yes" : "no", v => ConfigParsing.ParseBool(v, out bool b) is { } error ? (error, v) : (null, b ? "yes" : "no"), immutable,
            hidden: hidden, aliases: aliases);
    }

    private void Integer(string name, long defaultValue, long min, long max, bool immutable = false, bool hidden = false, params string[] aliases) =>
        Custom(name, defaultValue.ToString(CultureInfo.InvariantCulture),
            v => ConfigParsing.ParseLong(v, min, max, out long n) is { } error ? (error, v) : (null, n.ToString(CultureInfo.InvariantCulture)),
            immutable, hidden: hidden, aliases: aliases);

    private void Bytes(string name, long defaultValue, long min, long max, params string[] aliases) =>
        Custom(name, defaultValue.ToString(CultureInfo.InvariantCulture),
            v => ConfigParsing.ParseMemory(v, min, max, out long n) is { } error ? (error, v) : (null, ConfigParsing.ShowMemory(n)),
            aliases: aliases);

    private void Text(string name, string defaultValue, bool immutable = false, bool isProtected = false, params string[] aliases) =>
        Custom(name, defaultValue, v => (null, v), immutable, isProtected: isProtected, aliases: aliases);

    /// <summary>One of fixed words, any case; with <paramref name="multiple"/>, several of them separated by spaces.</summary>
    private void Choice(string name, string defaultValue, string[] choices, bool immutable = false, bool multiple = false)
    {
        string error = "argument(s) must be one of the following: " + string.Join(", ", choices);
        Custom(name, defaultValue, v =>
        {
            var words = multiple ? v.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries) : [v.ToLowerInvariant()];
            if (words.Length == 0) return (error, v);
            foreach (var word in words)
            {
                if (Array.IndexOf(choices, word) < 0) return (error, v);
            }
            return (null, string.Join(' ', words));
        }, immutable, multiArg: multiple);
    }

    /// <summary>Stores a setting Spinel accepts; <paramref name="parse"/> returns Redis's error or the value as CONFIG GET shows it.</summary>
    private void Custom(string name, string defaultValue, Func<string, (string? Error, string Shown)> parse,
        bool immutable = false, bool multiArg = false, bool isProtected = false, bool hidden = false, params string[] aliases)
    {
        string value = defaultValue;
        Add(new ConfigEntry
        {
            Name = name,
            Aliases = aliases,
            Immutable = immutable,
            Protected = isProtected,
            Hidden = hidden,
            MultiArg = multiArg,
            Get = () => value,
            Set = v =>
            {
                var (error, shown) = parse(v);
                if (error is null) value = shown;
                return error;
            },
        });
    }

    private static (string?, string) SaveParams(string v)
    {
        var words = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length % 2 != 0) return ("Invalid save parameters", v);
        var shown = new List<string>(words.Length);
        foreach (var word in words)
        {
            if (!long.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out long n)) return ("Invalid save parameters", v);
            shown.Add(n.ToString(CultureInfo.InvariantCulture));
        }
        return (null, string.Join(' ', shown));
    }

    private static (string?, string) OomScoreAdjValues(string v)
    {
        var words = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length != 3) return ("wrong number of arguments", v);
        foreach (var word in words)
        {
            if (!int.TryParse(word, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) || n is < -2000 or > 2000)
                return ("Invalid oom-score-adj-values, elements must be between -2000 and 2000.", v);
        }
        return (null, string.Join(' ', words));
    }

    private static (string?, string) UnixSocketPerm(string v)
    {
        try
        {
            return (null, Convert.ToString(Convert.ToInt32(v, 8), 8));
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return ("argument couldn't be parsed into an integer", v);
        }
    }

    private static (string?, string) MaxMemoryClients(string v)
    {
        if (v.EndsWith('%'))
        {
            if (!long.TryParse(v[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out long percent)) return ("argument must be a memory or percent value", v);
            if (percent > 100) return ("percentage argument must be less or equal to 100", v);
            return (null, percent.ToString(CultureInfo.InvariantCulture) + "%");
        }
        return ConfigParsing.TryParseBytes(v, out ulong n)
            ? (null, n.ToString(CultureInfo.InvariantCulture))
            : ("argument must be a memory or percent value", v);
    }

    /// <summary>Classes not named keep their current limits.</summary>
    private static (string?, string) ClientOutputBufferLimit(string v, string current)
    {
        var words = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length % 4 != 0) return ("Wrong number of arguments in buffer limit configuration.", v);
        var limits = new Dictionary<string, string>();
        var old = current.Split(' ');
        for (int i = 0; i + 3 < old.Length; i += 4) limits[old[i]] = string.Join(' ', old, i + 1, 3);
        for (int i = 0; i < words.Length; i += 4)
        {
            string cls = words[i].ToLowerInvariant() switch
            {
                "normal" => "normal",
                "slave" or "replica" => "slave",
                "pubsub" => "pubsub",
                _ => "",
            };
            if (cls.Length == 0) return ("Invalid client class specified in buffer limit configuration.", v);
            if (!ConfigParsing.TryParseBytes(words[i + 1], out ulong hard) || !ConfigParsing.TryParseBytes(words[i + 2], out ulong soft)
                || !long.TryParse(words[i + 3], NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
                return ("Error in hard, soft or soft_seconds setting in buffer limit configuration.", v);
            limits[cls] = string.Create(CultureInfo.InvariantCulture, $"{hard} {soft} {seconds}");
        }
        return (null, $"normal {limits["normal"]} slave {limits["slave"]} pubsub {limits["pubsub"]}");
    }

    private static (string?, string) Percentiles(string v)
    {
        var words = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var shown = new List<string>(words.Length);
        foreach (var word in words)
        {
            if (!double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out double p)) return ("Invalid latency-tracking-info-percentiles parameters", v);
            if (p is < 0 or > 100) return ("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]", v);
            shown.Add(p.ToString(CultureInfo.InvariantCulture));
        }
        return (null, string.Join(' ', shown));
    }

    // notify-keyspace-events: the class letters, shown canonically: A for all of g$lshzxetd (then n is not
    // shown, as in Redis 7.0), else each of g$lshzxetdn; then K, E, m.
    private const string AllEventClasses = "g$lshzxetd";

    private static (string?, string) KeyspaceEvents(string v)
    {
        var classes = new HashSet<char>();
        foreach (char c in v)
        {
            if (c == 'A') classes.UnionWith(AllEventClasses);
            else if ("g$lshzxeKEtmdn".Contains(c)) classes.Add(c);
            else return ("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.", v);
        }
        var sb = new StringBuilder();
        bool all = true;
        foreach (char c in AllEventClasses) all &= classes.Contains(c);
        if (all) sb.Append('A');
        else
        {
            foreach (char c in AllEventClasses + "n")
            {
                if (classes.Contains(c)) sb.Append(c);
            }
        }
        foreach (char c in "KEm")
        {
            if (classes.Contains(c)) sb.Append(c);
        }
        return (null, sb.ToString());
    }
}
