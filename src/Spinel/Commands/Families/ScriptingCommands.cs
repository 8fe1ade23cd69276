using Spinel.Scripting;

namespace Spinel.Commands.Families;

/// <summary>
/// EVAL, EVALSHA, their _RO forms, and SCRIPT. The work is in <see cref="ScriptRuntime"/>; scripts run inside
/// the command, so under the keyspace lock, with no other client's command in between.
/// </summary>
public static class ScriptingCommands
{
    // As 7.0 declares them: no may_replicate (7.2 added it).
    public static readonly CommandSpec[] Commands =
    [
        new("eval", -3, "noscript skip_monitor no_mandatory_keys stale", "@scripting", Eval, "RW ACCESS UPDATE: index 2 keynum 0 1 1 | We cannot tell how the keys will be used so we assume the worst, RW and UPDATE") { Group = "scripting", RunsScript = true, Since = "2.6.0" },
        new("evalsha", -3, "noscript skip_monitor no_mandatory_keys stale", "@scripting", Evalsha, "RW ACCESS UPDATE: index 2 keynum 0 1 1") { Group = "scripting", RunsScript = true, Since = "2.6.0" },
        new("eval_ro", -3, "noscript skip_monitor no_mandatory_keys stale readonly", "@scripting", EvalRo, "RO ACCESS: index 2 keynum 0 1 1 | We cannot tell how the keys will be used so we assume the worst, RO and ACCESS") { Group = "scripting", RunsScript = true, Since = "7.0.0" },
        new("evalsha_ro", -3, "noscript skip_monitor no_mandatory_keys stale readonly", "@scripting", EvalshaRo, "RO ACCESS: index 2 keynum 0 1 1") { Group = "scripting", RunsScript = true, Since = "7.0.0" },
        new CommandSpec("script", -2, "", "", null) { Group = "scripting", Since = "2.6.0" }.WithSubcommands(
            new("debug", 3, "noscript", "@scripting", Debug) { Group = "scripting", Since = "3.2.0" },
            new("exists", -3, "noscript", "@scripting", Exists) { Tips = ["request_policy:all_shards", "response_policy:agg_logical_and"], Group = "scripting", Since = "2.6.0" },
            new("flush", -2, "noscript", "@scripting", Flush) { Tips = ["request_policy:all_nodes", "response_policy:all_succeeded"], Group = "scripting", Since = "2.6.0" },
            new("help", 2, "loading stale", "@scripting", Help) { Group = "scripting", Since = "5.0.0" },
            new("kill", 2, "noscript allow_busy", "@scripting", Kill) { Tips = ["request_policy:all_shards", "response_policy:one_succeeded"], Group = "scripting", Since = "2.6.0" },
            new("load", 3, "noscript stale", "@scripting", Load) { Tips = ["request_policy:all_nodes", "response_policy:all_succeeded"], Group = "scripting", Since = "2.6.0" }),
    ];

    private static readonly string[] HelpLines =
    [
        "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DEBUG (YES|SYNC|NO)",
        "    Set the debug mode for subsequent scripts executed.",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the scripts cache.",
        "    * SYNC: Synchronously flush the scripts cache.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it.",
        "HELP",
        "    Prints this help.",
    ];

    private static void Eval(CommandContext ctx) => ctx.Server.Scripts.Eval(ctx, bySha: false, readOnly: false);
    private static void Evalsha(CommandContext ctx) => ctx.Server.Scripts.Eval(ctx, bySha: true, readOnly: false);
    private static void EvalRo(CommandContext ctx) => ctx.Server.Scripts.Eval(ctx, bySha: false, readOnly: true);
    private static void EvalshaRo(CommandContext ctx) => ctx.Server.Scripts.Eval(ctx, bySha: true, readOnly: true);

    private static void Load(CommandContext ctx)
    {
        var script = ctx.Server.Scripts.GetOrCompile(ctx.Arg(2), out var error);
        if (script is null) ctx.Reply.WriteError(error!);
        else ctx.Reply.WriteBulk(script.Sha);
    }

    private static void Exists(CommandContext ctx)
    {
        var cache = ctx.Server.Scripts.Cache;
        ctx.Reply.WriteArrayHeader(ctx.ArgCount - 2);
        for (int i = 2; i < ctx.ArgCount; i++) ctx.Reply.WriteInteger(cache.Find(ctx.Arg(i)) is null ? 0 : 1);
    }

    private static void Flush(CommandContext ctx)
    {
        if (ctx.ArgCount > 3 || (ctx.ArgCount == 3 && !ctx.ArgIs(2, "SYNC") && !ctx.ArgIs(2, "ASYNC")))
        {
            ctx.Reply.WriteError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
            return;
        }
        ctx.Server.Scripts.FlushScripts();
        ctx.Reply.WriteOk();
    }

    private static void Kill(CommandContext ctx)
    {
        var error = ctx.Server.Scripts.Running.TryKill(eval: true);
        if (error is null) ctx.Reply.WriteOk();
        else ctx.Reply.WriteError(error);
    }

    /// <summary>The Lua debugger is not implemented: NO is accepted, YES and SYNC refused.</summary>
    private static void Debug(CommandContext ctx)
    {
        if (ctx.ArgIs(2, "NO")) ctx.Reply.WriteOk();
        else if (ctx.ArgIs(2, "YES") || ctx.ArgIs(2, "SYNC")) ctx.Reply.WriteError("ERR SCRIPT DEBUG is not supported by this server");
        else ctx.Reply.WriteError("ERR Use SCRIPT DEBUG YES/SYNC/NO");
    }

    private static void Help(CommandContext ctx) => ctx.Reply.WriteHelp(HelpLines);
}
