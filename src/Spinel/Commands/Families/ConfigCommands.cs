using System.Text;
using Spinel.Config;
using Spinel.Server;
using Spinel.Util;

namespace Spinel.Commands.Families;

/// <summary>CONFIG GET / SET / RESETSTAT / REWRITE / HELP.</summary>
public static class ConfigCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new CommandSpec("config", -2, "", "", null) { Group = "server", Since = "2.0.0" }.WithSubcommands(
            new("get", -3, "admin noscript loading stale", "", Get) { Group = "server", Since = "2.0.0" },
            new("set", -4, "admin noscript loading stale", "", Set) { Tips = ["request_policy:all_nodes", "response_policy:all_succeeded"], Group = "server", Since = "2.0.0" },
            new("resetstat", 2, "admin noscript loading stale", "", ResetStat) { Group = "server", Since = "2.0.0" },
            new("rewrite", 2, "admin noscript loading stale", "", Rewrite) { Group = "server", Since = "2.8.0" },
            new("help", 2, "loading stale", "", Help) { Group = "server", Since = "5.0.0" }),
    ];

    private static readonly string[] HelpLines =
    [
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        "HELP",
        "    Prints this help.",
    ];

    private static void Help(CommandContext ctx) => ctx.Reply.WriteHelp(HelpLines);

    /// <summary>
    /// Every pattern is a glob over setting names and their aliases (matched separately, as Redis lists
    /// both); a pattern without glob characters is a plain lookup and echoes the name as given.
    /// A setting matched by several patterns is listed once.
    /// </summary>
    private static void Get(CommandContext ctx)
    {
        var config = ctx.Server.Config;
        var found = new List<(string Name, ConfigEntry Entry)>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            string pattern = ctx.ArgString(i);
            if (pattern.AsSpan().IndexOfAny("[*?") < 0)
            {
                if (config.Find(pattern) is { } entry && seen.Add(pattern)) found.Add((pattern, entry));
                continue;
            }
            foreach (var entry in config.Entries)
            {
                if (entry.Hidden) continue; // as in Redis, a hidden setting needs its exact name
                if (Glob(pattern, entry.Name) && seen.Add(entry.Name)) found.Add((entry.Name, entry));
                foreach (var alias in entry.Aliases)
                {
                    if (Glob(pattern, alias) && seen.Add(alias)) found.Add((alias, entry));
                }
            }
        }
        ctx.Reply.WriteMapHeader(found.Count);
        foreach (var (name, entry) in found)
        {
            ctx.Reply.WriteBulk(name);
            ctx.Reply.WriteBulk(Encoding.Latin1.GetBytes(entry.Get()));
        }
    }

    private static void Set(CommandContext ctx)
    {
        if (ctx.ArgCount % 2 != 0)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        var pairs = new List<(string, string)>((ctx.ArgCount - 2) / 2);
        for (int i = 2; i < ctx.ArgCount; i += 2) pairs.Add((ctx.ArgString(i), ctx.ArgString(i + 1)));
        var config = ctx.Server.Config;
        string? error = config.SetAtRuntime(pairs, config.AllowsProtectedConfigs(ctx.Client));
        if (error is null) ctx.Reply.WriteOk();
        else ctx.Reply.WriteError(error);
    }

    private static void ResetStat(CommandContext ctx)
    {
        ServerStats.ResetAll(ctx.Server);
        ctx.Reply.WriteOk();
    }

    private static void Rewrite(CommandContext ctx)
    {
        var config = ctx.Server.Config;
        if (config.ConfigFile is null)
        {
            ctx.Reply.WriteError("ERR The server is running without a config file");
            return;
        }
        try
        {
            ConfigRewriter.Rewrite(config, config.ConfigFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ctx.Server.Log.Warning("CONFIG REWRITE failed: " + e.Message);
            ctx.Reply.WriteError("ERR Rewriting config file: " + e.Message);
            return;
        }
        ctx.Server.Log.Notice("CONFIG REWRITE executed with success.");
        ctx.Reply.WriteOk();
    }

    /// <summary>CONFIG GET matches setting names with KEYS-style globs, ignoring case.</summary>
    private static bool Glob(string pattern, string name) =>
        GlobMatcher.IsMatch(Encoding.Latin1.GetBytes(pattern), Encoding.ASCII.GetBytes(name), ignoreCase: true);
}
