using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Spinel.Commands.Families;

namespace Spinel.Server;

/// <summary>
/// Builds the INFO page: Redis 7.0's sections and field names, in Redis's order, with Spinel's own values
/// (memory is the managed heap and the process working set; fields for features Spinel lacks report
/// what an idle Redis would: zeros, "ok", -1). A field never reads a setting Spinel does not act on: it
/// reports the true state (aof_enabled:0 and maxmemory:0 even when appendonly or maxmemory are set).
/// </summary>
internal static class InfoBuilder
{
    private static readonly string[] Order =
        ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace"];

    private static readonly string[] Default =
        ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "errorstats", "cluster", "keyspace"];

    private static long s_peakMemory;

    /// <summary>The sections asked for: none means "default"; "all" and "everything" mean every section (Spinel has no module sections).</summary>
    public static HashSet<string> SelectSections(IReadOnlyList<string> args)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        if (args.Count == 0) wanted.UnionWith(Default);
        foreach (var arg in args)
        {
            switch (arg.ToLowerInvariant())
            {
                case "default": wanted.UnionWith(Default); break;
                case "all" or "everything": wanted.UnionWith(Order); break;
                case var name: wanted.Add(name); break;
            }
        }
        return wanted;
    }

    /// <summary>Renders the selected sections; the caller holds the keyspace lock.</summary>
    public static string Build(SpinelServer server, HashSet<string> sections)
    {
        var sb = new StringBuilder(4096);
        foreach (var section in Order)
        {
            if (!sections.Contains(section)) continue;
            if (sb.Length > 0) sb.Append("\r\n");
            switch (section)
            {
                case "server": Server(sb, server); break;
                case "clients": Clients(sb, server); break;
                case "memory": Memory(sb, server); break;
                case "persistence": Persistence(sb, server); break;
                case "stats": Stats(sb, server); break;
                case "replication": Replication(sb, server); break;
                case "cpu": Cpu(sb); break;
                case "modules": sb.Append("# Modules\r\n"); break;
                case "commandstats": CommandStats(sb, server); break;
                case "errorstats": ErrorStats(sb, server); break;
                case "latencystats": sb.Append("# Latencystats\r\n"); break;
                case "cluster": sb.Append("# Cluster\r\ncluster_enabled:0\r\n"); break;
                case "keyspace": Keyspace(sb, server); break;
            }
        }
        return sb.ToString();
    }

    private static void Field(StringBuilder sb, string name, string value) => sb.Append(name).Append(':').Append(value).Append("\r\n");

    private static void Field(StringBuilder sb, string name, long value) => Field(sb, name, value.ToString(CultureInfo.InvariantCulture));

    private static string Fixed(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    private static void Server(StringBuilder sb, SpinelServer server)
    {
        long nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long uptime = (nowMs - server.StartTimeMs) / 1000;
        sb.Append("# Server\r\n");
        Field(sb, "redis_version", ServerCommands.RedisVersion);
        Field(sb, "spinel_version", typeof(SpinelServer).Assembly.GetName().Version?.ToString() ?? "0.0.0");
        Field(sb, "redis_git_sha1", "00000000");
        Field(sb, "redis_git_dirty", 0);
        Field(sb, "redis_build_id", "0");
        Field(sb, "redis_mode", "standalone");
        Field(sb, "os", $"{RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}");
        Field(sb, "arch_bits", IntPtr.Size * 8);
        Field(sb, "monotonic_clock", "Stopwatch");
        Field(sb, "multiplexing_api", "dotnet-sockets");
        Field(sb, "atomicvar_api", "dotnet-interlocked");
        Field(sb, "gcc_version", "0.0.0");
        Field(sb, "process_id", Environment.ProcessId);
        Field(sb, "process_supervised", "no");
        Field(sb, "run_id", server.RunId);
        Field(sb, "tcp_port", server.EndPoints.Count > 0 ? server.EndPoints[0].Port : server.Config.Port);
        Field(sb, "server_time_usec", nowMs * 1000);
        Field(sb, "uptime_in_seconds", uptime);
        Field(sb, "uptime_in_days", uptime / 86400);
        Field(sb, "hz", server.Config.Hz);
        Field(sb, "configured_hz", server.Config.Hz);
        Field(sb, "lru_clock", server.Keyspace.AccessClock() & ((1 << 24) - 1));
        Field(sb, "executable", Environment.ProcessPath ?? "");
        Field(sb, "config_file", server.Config.ConfigFile ?? "");
        Field(sb, "io_threads_active", 0);
    }

    private static void Clients(StringBuilder sb, SpinelServer server)
    {
        int maxInput = 0;
        foreach (var session in server.Clients.Sessions()) maxInput = Math.Max(maxInput, session.QueryBufferSize);
        sb.Append("# Clients\r\n");
        Field(sb, "connected_clients", server.ConnectedClients);
        Field(sb, "cluster_connections", 0);
        Field(sb, "maxclients", server.Config.MaxClients);
        Field(sb, "client_recent_max_input_buffer", maxInput);
        Field(sb, "client_recent_max_output_buffer", 0);
        Field(sb, "blocked_clients", server.Blocking.Count);
        Field(sb, "tracking_clients", server.Tracking.ClientCount);
        Field(sb, "clients_in_timeout_table", server.Blocking.CountWithTimeout);
    }

    /// <summary>Bytes as Redis's bytesToHuman shows them: 512B, 1.18M, 23.54G.</summary>
    public static string Human(long bytes)
    {
        const double K = 1024;
        return bytes switch
        {
            < 1024 => bytes.ToString(CultureInfo.InvariantCulture) + "B",
            < 1024 * 1024 => Fixed(bytes / K, 2) + "K",
            < 1024L * 1024 * 1024 => Fixed(bytes / (K * K), 2) + "M",
            < 1024L * 1024 * 1024 * 1024 => Fixed(bytes / (K * K * K), 2) + "G",
            < 1024L * 1024 * 1024 * 1024 * 1024 => Fixed(bytes / (K * K * K * K), 2) + "T",
            _ => Fixed(bytes / (K * K * K * K * K), 2) + "P",
        };
    }

    private static void Memory(StringBuilder sb, SpinelServer server)
    {
        long used = GC.GetTotalMemory(forceFullCollection: false);
        long peak = Math.Max(Interlocked.Read(ref s_peakMemory), used);
        Interlocked.Exchange(ref s_peakMemory, peak);
        using var process = Process.GetCurrentProcess();
        long rss = process.WorkingSet64;
        var gc = GC.GetGCMemoryInfo();
        long committed = gc.TotalCommittedBytes;
        long total = gc.TotalAvailableMemoryBytes;
        // No limit is enforced yet, whatever CONFIG SET maxmemory stored (it logs that it is not acted on).
        const long maxBytes = 0;
        double fragmentation = used > 0 ? (double)rss / used : 0;

        sb.Append("# Memory\r\n");
        Field(sb, "used_memory", used);
        Field(sb, "used_memory_human", Human(used));
        Field(sb, "used_memory_rss", rss);
        Field(sb, "used_memory_rss_human", Human(rss));
        Field(sb, "used_memory_peak", peak);
        Field(sb, "used_memory_peak_human", Human(peak));
        Field(sb, "used_memory_peak_perc", Fixed(peak > 0 ? used * 100.0 / peak : 0, 2) + "%");
        Field(sb, "used_memory_overhead", 0);
        Field(sb, "used_memory_startup", 0);
        Field(sb, "used_memory_dataset", used);
        Field(sb, "used_memory_dataset_perc", "100.00%");
        Field(sb, "allocator_allocated", used);
        Field(sb, "allocator_active", committed);
        Field(sb, "allocator_resident", rss);
        Field(sb, "total_system_memory", total);
        Field(sb, "total_system_memory_human", Human(total));
        foreach (var name in new[] { "used_memory_lua", "used_memory_vm_eval" }) Field(sb, name, 0);
        Field(sb, "used_memory_lua_human", "0B");
        Field(sb, "used_memory_scripts_eval", server.Scripts.Cache.BodyBytes);
        Field(sb, "number_of_cached_scripts", server.Scripts.Cache.Count);
        Field(sb, "number_of_functions", server.Scripts.Functions.FunctionCount);
        Field(sb, "number_of_libraries", server.Scripts.Functions.LibraryCount);
        Field(sb, "used_memory_vm_functions", 0);
        Field(sb, "used_memory_vm_total", 0);
        Field(sb, "used_memory_vm_total_human", "0B");
        Field(sb, "used_memory_functions", 0);
        Field(sb, "used_memory_scripts", 0);
        Field(sb, "used_memory_scripts_human", "0B");
        Field(sb, "maxmemory", maxBytes);
        Field(sb, "maxmemory_human", Human(maxBytes));
        Field(sb, "maxmemory_policy", server.Config.MaxMemoryPolicy);
        Field(sb, "allocator_frag_ratio", Fixed(used > 0 ? (double)committed / used : 0, 2));
        Field(sb, "allocator_frag_bytes", Math.Max(0, committed - used));
        Field(sb, "allocator_rss_ratio", Fixed(committed > 0 ? (double)rss / committed : 0, 2));
        Field(sb, "allocator_rss_bytes", rss - committed);
        Field(sb, "rss_overhead_ratio", "1.00");
        Field(sb, "rss_overhead_bytes", 0);
        Field(sb, "mem_fragmentation_ratio", Fixed(fragmentation, 2));
        Field(sb, "mem_fragmentation_bytes", rss - used);
        foreach (var name in new[] { "mem_not_counted_for_evict", "mem_replication_backlog", "mem_total_replication_buffers", "mem_clients_slaves", "mem_clients_normal", "mem_cluster_links", "mem_aof_buffer" })
            Field(sb, name, 0);
        Field(sb, "mem_allocator", "dotnet-gc");
        Field(sb, "active_defrag_running", 0);
        Field(sb, "lazyfree_pending_objects", 0);
        Field(sb, "lazyfreed_objects", 0);
    }

    private static void Persistence(StringBuilder sb, SpinelServer server)
    {
        sb.Append("# Persistence\r\n");
        foreach (var name in new[] { "loading", "async_loading", "current_cow_peak", "current_cow_size", "current_cow_size_age" }) Field(sb, name, 0);
        Field(sb, "current_fork_perc", "0.00");
        Field(sb, "current_save_keys_processed", 0);
        Field(sb, "current_save_keys_total", 0);
        Field(sb, "rdb_changes_since_last_save", server.Keyspace.Dirty);
        Field(sb, "rdb_bgsave_in_progress", 0);
        Field(sb, "rdb_last_save_time", server.Stats.LastSaveUnixSeconds);
        Field(sb, "rdb_last_bgsave_status", "ok");
        Field(sb, "rdb_last_bgsave_time_sec", -1);
        Field(sb, "rdb_current_bgsave_time_sec", -1);
        Field(sb, "rdb_saves", 0);
        Field(sb, "rdb_last_cow_size", 0);
        Field(sb, "rdb_last_load_keys_expired", 0);
        Field(sb, "rdb_last_load_keys_loaded", 0);
        Field(sb, "aof_enabled", 0); // no AOF is written, whatever appendonly says (it logs that it is not acted on)
        Field(sb, "aof_rewrite_in_progress", 0);
        Field(sb, "aof_rewrite_scheduled", 0);
        Field(sb, "aof_last_rewrite_time_sec", -1);
        Field(sb, "aof_current_rewrite_time_sec", -1);
        Field(sb, "aof_last_bgrewrite_status", "ok");
        Field(sb, "aof_rewrites", 0);
        Field(sb, "aof_rewrites_consecutive_failures", 0);
        Field(sb, "aof_last_write_status", "ok");
        Field(sb, "aof_last_cow_size", 0);
        Field(sb, "module_fork_in_progress", 0);
        Field(sb, "module_fork_last_cow_size", 0);
    }

    private static void Stats(StringBuilder sb, SpinelServer server)
    {
        var stats = server.Stats;
        var ks = server.Keyspace.Stats;
        double seconds = Math.Max(1, (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - stats.ResetAtMs) / 1000.0);
        sb.Append("# Stats\r\n");
        Field(sb, "total_connections_received", Interlocked.Read(ref stats.ConnectionsReceived));
        Field(sb, "total_commands_processed", stats.CommandsProcessed);
        Field(sb, "instantaneous_ops_per_sec", (long)(stats.CommandsProcessed / seconds));
        foreach (var name in new[] { "total_net_input_bytes", "total_net_output_bytes", "total_net_repl_input_bytes", "total_net_repl_output_bytes" }) Field(sb, name, 0);
        foreach (var name in new[] { "instantaneous_input_kbps", "instantaneous_output_kbps", "instantaneous_input_repl_kbps", "instantaneous_output_repl_kbps" }) Field(sb, name, "0.00");
        Field(sb, "rejected_connections", Interlocked.Read(ref stats.RejectedConnections));
        Field(sb, "sync_full", 0);
        Field(sb, "sync_partial_ok", 0);
        Field(sb, "sync_partial_err", 0);
        Field(sb, "expired_keys", ks.ExpiredKeys);
        Field(sb, "expired_stale_perc", Fixed(ks.ExpiredStalePercent / 100.0, 2));
        Field(sb, "expired_time_cap_reached_count", ks.ExpiredTimeCapReachedCount);
        Field(sb, "expire_cycle_cpu_milliseconds", ks.ExpireCycleCpuMicros / 1000);
        Field(sb, "evicted_keys", 0);
        Field(sb, "evicted_clients", 0);
        Field(sb, "total_eviction_exceeded_time", 0);
        Field(sb, "current_eviction_exceeded_time", 0);
        Field(sb, "keyspace_hits", ks.KeyspaceHits);
        Field(sb, "keyspace_misses", ks.KeyspaceMisses);
        Field(sb, "pubsub_channels", server.PubSub.ChannelCount);
        Field(sb, "pubsub_patterns", server.PubSub.PatternCount);
        Field(sb, "pubsubshard_channels", server.PubSub.ShardChannelCount);
        foreach (var name in new[]
        {
            "latest_fork_usec", "total_forks", "migrate_cached_sockets",
            "slave_expires_tracked_keys", "active_defrag_hits", "active_defrag_misses", "active_defrag_key_hits", "active_defrag_key_misses",
            "total_active_defrag_time", "current_active_defrag_time",
        })
            Field(sb, name, 0);
        Field(sb, "tracking_total_keys", server.Tracking.KeyCount);
        Field(sb, "tracking_total_items", server.Tracking.ItemCount);
        Field(sb, "tracking_total_prefixes", server.Tracking.PrefixCount);
        Field(sb, "unexpected_error_replies", 0);
        Field(sb, "total_error_replies", stats.TotalErrorReplies);
        Field(sb, "dump_payload_sanitizations", 0);
        Field(sb, "total_reads_processed", stats.CommandsProcessed);
        Field(sb, "total_writes_processed", stats.CommandsProcessed);
        foreach (var name in new[] { "io_threaded_reads_processed", "io_threaded_writes_processed", "reply_buffer_shrinks", "reply_buffer_expands" }) Field(sb, name, 0);
    }

    private static void Replication(StringBuilder sb, SpinelServer server)
    {
        sb.Append("# Replication\r\n");
        Field(sb, "role", "master");
        Field(sb, "connected_slaves", 0);
        Field(sb, "master_failover_state", "no-failover");
        Field(sb, "master_replid", Convert.ToHexStringLower(SHA1.HashData(Encoding.ASCII.GetBytes(server.RunId))));
        Field(sb, "master_replid2", new string('0', 40));
        Field(sb, "master_repl_offset", 0);
        Field(sb, "second_repl_offset", -1);
        Field(sb, "repl_backlog_active", 0);
        Field(sb, "repl_backlog_size", server.Config.Find("repl-backlog-size")?.Get() ?? "1048576");
        Field(sb, "repl_backlog_first_byte_offset", 0);
        Field(sb, "repl_backlog_histlen", 0);
    }

    private static void Cpu(StringBuilder sb)
    {
        using var process = Process.GetCurrentProcess();
        string sys = Seconds(process.PrivilegedProcessorTime), user = Seconds(process.UserProcessorTime);
        sb.Append("# CPU\r\n");
        Field(sb, "used_cpu_sys", sys);
        Field(sb, "used_cpu_user", user);
        Field(sb, "used_cpu_sys_children", "0.000000");
        Field(sb, "used_cpu_user_children", "0.000000");
        // Commands run on whichever thread received them; there is no single main thread to report apart.
        Field(sb, "used_cpu_sys_main_thread", sys);
        Field(sb, "used_cpu_user_main_thread", user);
    }

    private static string Seconds(TimeSpan t) => Fixed(t.TotalSeconds, 6);

    private static void CommandStats(StringBuilder sb, SpinelServer server)
    {
        sb.Append("# Commandstats\r\n");
        var specs = new List<Commands.CommandSpec>();
        foreach (var spec in server.Commands.AllWithSubcommands())
        {
            if (spec.Subcommands is null) specs.Add(spec);
        }
        specs.Sort((a, b) => string.CompareOrdinal(a.FullName, b.FullName));
        foreach (var spec in specs)
        {
            var s = server.Commands.StatsOf(spec);
            if (s.Calls == 0 && s.FailedCalls == 0 && s.RejectedCalls == 0) continue;
            double perCall = s.Calls == 0 ? 0 : (double)s.Microseconds / s.Calls;
            sb.Append("cmdstat_").Append(spec.FullName).Append(':')
                .Append(CultureInfo.InvariantCulture, $"calls={s.Calls},usec={s.Microseconds},usec_per_call={Fixed(perCall, 2)},rejected_calls={s.RejectedCalls},failed_calls={s.FailedCalls}\r\n");
        }
    }

    private static void ErrorStats(StringBuilder sb, SpinelServer server)
    {
        sb.Append("# Errorstats\r\n");
        var codes = new List<string>(server.Stats.ErrorsByCode.Keys);
        codes.Sort(StringComparer.Ordinal);
        foreach (var code in codes) sb.Append("errorstat_").Append(code).Append(":count=").Append(server.Stats.ErrorsByCode[code]).Append("\r\n");
    }

    private static void Keyspace(StringBuilder sb, SpinelServer server)
    {
        sb.Append("# Keyspace\r\n");
        var keyspace = server.Keyspace;
        for (int i = 0; i < keyspace.DatabaseCount; i++)
        {
            var db = keyspace[i];
            if (db.Count == 0) continue;
            sb.Append(CultureInfo.InvariantCulture, $"db{i}:keys={db.Count},expires={db.ExpiresCount},avg_ttl=0\r\n");
        }
    }
}
