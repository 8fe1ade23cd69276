using System.Text.Json;
using Spinel.Commands;

namespace Spinel.Tests.Commands;

/// <summary>
/// Checks every declaration in Spinel's command table against Redis's own command metadata
/// (shared/redis-commands, from Redis 7.2), corrected for the few places where 7.0.15 — our
/// specification — differs. Generic: commands added to the table later are checked too.
/// </summary>
public sealed class CommandTableMetadataTests
{
    /// <summary>
    /// Where 7.0.15 differs from the 7.2 metadata (see shared/redis-commands/README.md). Each entry was
    /// checked against redis-server 7.0.15's COMMAND INFO (and <see cref="CommandInfoDifferentialTests"/>
    /// re-checks them on the oracle). Flags: "+word" / "-word" relative to the metadata; tips: the full 7.0 list.
    /// </summary>
    public static readonly Dictionary<string, (int? Arity, string? Flags, string[]? Tips)> Redis70 = new()
    {
        ["zrank"] = (3, null, null),
        ["zrevrank"] = (3, null, null),
        ["command|getkeys"] = (-4, null, null),
        ["command|getkeysandflags"] = (-4, null, null),
        ["blpop"] = (null, "+noscript", null),
        ["brpop"] = (null, "+noscript", null),
        ["brpoplpush"] = (null, "+noscript", null),
        ["blmove"] = (null, "+noscript", null),
        ["bzpopmin"] = (null, "+noscript", null),
        ["bzpopmax"] = (null, "+noscript", null),
        ["wait"] = (null, "+noscript", null),
        ["publish"] = (null, "-may_replicate", null),
        ["spublish"] = (null, "-may_replicate", null),
        ["eval"] = (null, "-may_replicate", null),
        ["evalsha"] = (null, "-may_replicate", null),
        ["fcall"] = (null, "-may_replicate", null),
        ["pfcount"] = (null, "-may_replicate", null),
        ["cluster|slots"] = (null, "-loading", null),
        ["cluster|shards"] = (null, "-loading", null),
        ["scan"] = (null, "-touches_arbitrary_keys", ["nondeterministic_output", "request_policy:special"]),
        ["randomkey"] = (null, "-touches_arbitrary_keys", ["request_policy:all_shards", "nondeterministic_output"]),
        ["msetnx"] = (null, null, ["request_policy:multi_shard", "response_policy:agg_min"]),
        ["latency|reset"] = (null, null, ["request_policy:all_nodes", "response_policy:all_succeeded"]),
        ["acl|setuser"] = (null, null, []),
        ["acl|deluser"] = (null, null, []),
        ["acl|save"] = (null, null, []),
        ["config|resetstat"] = (null, null, []),
        ["config|rewrite"] = (null, null, []),
        ["client|setname"] = (null, null, []),
    };

    /// <summary>shared/redis-commands, found next to the repository root (…/main or …/wt/name), or null.</summary>
    public static string? MetadataDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "redis-commands");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    public static IEnumerable<CommandSpec> AllSpecs(CommandTable table)
    {
        foreach (var spec in table.All)
        {
            yield return spec;
            if (spec.Subcommands is null) continue;
            foreach (var sub in spec.Subcommands.Values) yield return sub;
        }
    }

    /// <summary>The metadata of one command ("get", "config|get"), or null when Redis has no such command.</summary>
    public static JsonElement? Load(string dir, string fullName)
    {
        var path = Path.Combine(dir, fullName.Replace('|', '-') + ".json");
        if (!File.Exists(path)) return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var property in doc.RootElement.EnumerateObject()) return property.Value.Clone();
        return null;
    }

    [SkippableFact]
    public void CommandTableMatchesRedisMetadata()
    {
        var dir = MetadataDir();
        Skip.If(dir is null, "shared/redis-commands not found next to the repository");
        var mismatches = new List<string>();
        foreach (var spec in AllSpecs(new CommandTable())) mismatches.AddRange(Compare(dir!, spec));
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} differences from Redis 7.0.15's metadata:\n" + string.Join("\n", mismatches));
    }

    [SkippableFact]
    public void ExceptionListOnlyNamesRealCommands()
    {
        var dir = MetadataDir();
        Skip.If(dir is null, "shared/redis-commands not found next to the repository");
        foreach (var name in Redis70.Keys) Assert.True(Load(dir!, name) is not null, name);
    }

    public static List<string> Compare(string dir, CommandSpec spec)
    {
        var problems = new List<string>();
        string name = spec.FullName;
        void Problem(string what, object ours, object redis) => problems.Add($"{name}: {what}: ours {ours}, Redis 7.0 {redis}");

        var meta = Load(dir, name);
        if (meta is not { } m)
        {
            problems.Add($"{name}: not a Redis command");
            return problems;
        }
        if (m.TryGetProperty("since", out var since) && since.GetString()!.StartsWith("7.2", StringComparison.Ordinal))
        {
            problems.Add($"{name}: added in Redis 7.2, absent from 7.0.15");
            return problems;
        }
        Redis70.TryGetValue(name, out var exception);

        int arity = exception.Arity ?? m.GetProperty("arity").GetInt32();
        if (spec.Arity != arity) Problem("arity", spec.Arity, arity);

        var flags = Words(m, "command_flags");
        foreach (var delta in (exception.Flags ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (delta[0] == '+') flags.Add(delta[1..]);
            else flags.Remove(delta[1..]);
        }
        var ourFlags = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var flag in Enum.GetValues<CommandFlags>())
        {
            if (flag is not CommandFlags.None and not CommandFlags.MovableKeys && spec.Is(flag)) ourFlags.Add(FlagWords.Name(flag));
        }
        if (!ourFlags.SetEquals(flags)) Problem("flags", string.Join(' ', ourFlags), string.Join(' ', flags));

        var acl = Words(m, "acl_categories");
        var ourAcl = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var category in Enum.GetValues<AclCategories>())
        {
            if (category != AclCategories.None && (spec.ExplicitAcl & category) != 0) ourAcl.Add(FlagWords.Name(category)[1..]);
        }
        if (!ourAcl.SetEquals(acl)) Problem("explicit ACL categories", string.Join(' ', ourAcl), string.Join(' ', acl));

        var tips = exception.Tips ?? List(m, "command_tips");
        if (!spec.Tips.SequenceEqual(tips)) Problem("tips", string.Join(' ', spec.Tips), string.Join(' ', tips));

        var keySpecs = m.TryGetProperty("key_specs", out var ks) ? ks.EnumerateArray().ToList() : [];
        if (keySpecs.Count != spec.KeySpecs.Length) Problem("key spec count", spec.KeySpecs.Length, keySpecs.Count);
        for (int i = 0; i < Math.Min(keySpecs.Count, spec.KeySpecs.Length); i++)
        {
            string ours = Describe(spec.KeySpecs[i]), redis = Describe(keySpecs[i]);
            if (ours != redis) Problem($"key spec {i}", ours, redis);
        }
        return problems;
    }

    private static SortedSet<string> Words(JsonElement m, string property) =>
        new(List(m, property), StringComparer.Ordinal);

    private static string[] List(JsonElement m, string property) =>
        m.TryGetProperty(property, out var list) ? list.EnumerateArray().Select(e => e.GetString()!.ToLowerInvariant()).ToArray() : [];

    private static string Describe(KeySpec k)
    {
        var flags = Enum.GetValues<KeySpecFlags>().Where(f => f != KeySpecFlags.None && (k.Flags & f) != 0).Select(f => FlagWords.Name(f).ToUpperInvariant());
        string begin = k.Begin switch
        {
            KeySpec.BeginKind.Index => $"index {k.Index}",
            KeySpec.BeginKind.Keyword => $"keyword {k.Keyword} {k.StartFrom}",
            _ => "unknown",
        };
        string find = k.Find switch
        {
            KeySpec.FindKind.Range => $"range {k.LastKey} {k.KeyStep} {k.Limit}",
            KeySpec.FindKind.KeyNum => $"keynum {k.KeyNumIndex} {k.FirstKey} {k.KeyStep}",
            _ => "unknown",
        };
        return $"[{string.Join(' ', flags)}] {begin} {find} notes={k.Notes}";
    }

    private static string Describe(JsonElement k)
    {
        var order = Enum.GetValues<KeySpecFlags>().Select(f => FlagWords.Name(f).ToUpperInvariant()).ToList();
        IEnumerable<string> flags = k.TryGetProperty("flags", out var f) ? f.EnumerateArray().Select(e => e.GetString()!).OrderBy(order.IndexOf) : [];
        var b = k.GetProperty("begin_search");
        string begin = b.TryGetProperty("index", out var index) ? $"index {index.GetProperty("pos").GetInt32()}"
            : b.TryGetProperty("keyword", out var kw) ? $"keyword {kw.GetProperty("keyword").GetString()} {kw.GetProperty("startfrom").GetInt32()}"
            : "unknown";
        var fk = k.GetProperty("find_keys");
        string find = fk.TryGetProperty("range", out var r) ? $"range {r.GetProperty("lastkey").GetInt32()} {r.GetProperty("step").GetInt32()} {r.GetProperty("limit").GetInt32()}"
            : fk.TryGetProperty("keynum", out var n) ? $"keynum {n.GetProperty("keynumidx").GetInt32()} {n.GetProperty("firstkey").GetInt32()} {n.GetProperty("step").GetInt32()}"
            : "unknown";
        string? notes = k.TryGetProperty("notes", out var nt) ? nt.GetString() : null;
        return $"[{string.Join(' ', flags)}] {begin} {find} notes={notes}";
    }
}
