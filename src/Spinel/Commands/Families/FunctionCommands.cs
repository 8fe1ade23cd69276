using Spinel.Scripting;

namespace Spinel.Commands.Families;

/// <summary>FCALL, FCALL_RO and FUNCTION: libraries of named Lua functions (<see cref="FunctionLibraries"/>).</summary>
public static class FunctionCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("fcall", -3, "noscript skip_monitor no_mandatory_keys stale", "@scripting", Fcall, "RW ACCESS UPDATE: index 2 keynum 0 1 1 | We cannot tell how the keys will be used so we assume the worst, RW and UPDATE") { Group = "scripting", RunsScript = true, Since = "7.0.0" },
        new("fcall_ro", -3, "noscript skip_monitor no_mandatory_keys stale readonly", "@scripting", FcallRo, "RO ACCESS: index 2 keynum 0 1 1 | We cannot tell how the keys will be used so we assume the worst, RO and ACCESS") { Group = "scripting", RunsScript = true, Since = "7.0.0" },
        new CommandSpec("function", -2, "", "", null) { Group = "scripting", Since = "7.0.0" }.WithSubcommands(
            new("delete", 3, "noscript write", "@scripting", Delete) { Tips = ["request_policy:all_shards", "response_policy:all_succeeded"], Group = "scripting", Since = "7.0.0" },
            new("dump", 2, "noscript", "@scripting", Dump) { Group = "scripting", Since = "7.0.0" },
            new("flush", -2, "noscript write", "@scripting", Flush) { Tips = ["request_policy:all_shards", "response_policy:all_succeeded"], Group = "scripting", Since = "7.0.0" },
            new("help", 2, "loading stale", "@scripting", Help) { Group = "scripting", Since = "7.0.0" },
            new("kill", 2, "noscript allow_busy", "@scripting", Kill) { Tips = ["request_policy:all_shards", "response_policy:one_succeeded"], Group = "scripting", Since = "7.0.0" },
            new("list", -2, "noscript", "@scripting", List) { Tips = ["nondeterministic_output_order"], Group = "scripting", Since = "7.0.0" },
            new("load", -3, "noscript write denyoom", "@scripting", Load) { Tips = ["request_policy:all_shards", "response_policy:all_succeeded"], Group = "scripting", Since = "7.0.0" },
            new("restore", -3, "noscript write denyoom", "@scripting", Restore) { Tips = ["request_policy:all_shards", "response_policy:all_succeeded"], Group = "scripting", Since = "7.0.0" },
            new("stats", 2, "noscript allow_busy", "@scripting", Stats) { Tips = ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"], Group = "scripting", Since = "7.0.0" }),
    ];

    private static readonly string[] HelpLines =
    [
        "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "LOAD [REPLACE] <FUNCTION CODE>",
        "    Create a new library with the given library name and code.",
        "DELETE <LIBRARY NAME>",
        "    Delete the given library.",
        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Library description",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
        "STATS",
        "    Return information about the current function running:",
        "    * Function name",
        "    * Command used to run the function",
        "    * Duration in MS that the function is running",
        "    If no function is running, return nil",
        "    In addition, returns a list of available engines.",
        "KILL",
        "    Kill the current running function.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
        "DUMP",
        "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
        "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
        "    control how to handle existing libraries (default APPEND):",
        "    * FLUSH: delete all existing libraries.",
        "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
        "      libraries with the new libraries (notice that even on this option there is a chance of failure",
        "      in case of functions name collision with another library).",
        "HELP",
        "    Prints this help.",
    ];

    private static void Fcall(CommandContext ctx) => ctx.Server.Scripts.Fcall(ctx, readOnly: false);
    private static void FcallRo(CommandContext ctx) => ctx.Server.Scripts.Fcall(ctx, readOnly: true);

    private static void Load(CommandContext ctx)
    {
        // The last argument is the code; the words before it are options.
        bool replace = false;
        int i = 2;
        for (; i < ctx.ArgCount - 1; i++)
        {
            if (ctx.ArgIs(i, "REPLACE")) replace = true;
            else
            {
                ctx.Reply.WriteError("ERR Unknown option given: " + ctx.ArgString(i));
                return;
            }
        }
        var name = ctx.Server.Scripts.Functions.Load(ctx.Arg(i), replace, out var error);
        if (name is null) ctx.Reply.WriteError(error!);
        else
        {
            ctx.Server.Keyspace.Dirty++;
            ctx.Reply.WriteBulk(name);
        }
    }

    private static void Delete(CommandContext ctx)
    {
        if (!ctx.Server.Scripts.Functions.Delete(ctx.Arg(2)))
        {
            ctx.Reply.WriteError("ERR Library not found");
            return;
        }
        ctx.Server.Keyspace.Dirty++;
        ctx.Reply.WriteOk();
    }

    private static void Flush(CommandContext ctx)
    {
        if (ctx.ArgCount > 3)
        {
            ctx.Reply.WriteError(Errors.SubcommandSyntax(ctx.ArgString(1), ctx.ArgString(0)));
            return;
        }
        if (ctx.ArgCount == 3 && !ctx.ArgIs(2, "SYNC") && !ctx.ArgIs(2, "ASYNC"))
        {
            ctx.Reply.WriteError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
            return;
        }
        ctx.Server.Scripts.Functions.Flush();
        ctx.Server.Keyspace.Dirty++;
        ctx.Reply.WriteOk();
    }

    private static void List(CommandContext ctx)
    {
        bool withCode = false;
        byte[]? pattern = null;
        for (int i = 2; i < ctx.ArgCount; i++)
        {
            if (ctx.ArgIs(i, "WITHCODE") && !withCode) withCode = true;
            else if (ctx.ArgIs(i, "LIBRARYNAME") && pattern is null)
            {
                if (i + 1 >= ctx.ArgCount)
                {
                    ctx.Reply.WriteError("ERR library name argument was not given");
                    return;
                }
                pattern = ctx.Args.ToArray(++i);
            }
            else
            {
                ctx.Reply.WriteError("ERR Unknown argument " + ctx.ArgString(i));
                return;
            }
        }
        ctx.Server.Scripts.Functions.WriteList(ctx.Reply, pattern, withCode);
    }

    private static void Dump(CommandContext ctx) => ctx.Reply.WriteBulk(ctx.Server.Scripts.Functions.Dump());

    private static void Restore(CommandContext ctx)
    {
        var policy = FunctionLibraries.RestorePolicy.Append;
        if (ctx.ArgCount > 4)
        {
            ctx.Reply.WriteError(Errors.SubcommandSyntax(ctx.ArgString(1), ctx.ArgString(0)));
            return;
        }
        if (ctx.ArgCount == 4)
        {
            if (ctx.ArgIs(3, "FLUSH")) policy = FunctionLibraries.RestorePolicy.Flush;
            else if (ctx.ArgIs(3, "APPEND")) policy = FunctionLibraries.RestorePolicy.Append;
            else if (ctx.ArgIs(3, "REPLACE")) policy = FunctionLibraries.RestorePolicy.Replace;
            else
            {
                ctx.Reply.WriteError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
                return;
            }
        }
        var error = ctx.Server.Scripts.Functions.Restore(ctx.Arg(2), policy);
        if (error is not null)
        {
            ctx.Reply.WriteError(error);
            return;
        }
        ctx.Server.Keyspace.Dirty++;
        ctx.Reply.WriteOk();
    }

    private static void Kill(CommandContext ctx)
    {
        var error = ctx.Server.Scripts.Running.TryKill(eval: false);
        if (error is null) ctx.Reply.WriteOk();
        else ctx.Reply.WriteError(error);
    }

    /// <summary>Also answered while a function is busy (without the keyspace lock): it reads only what a script cannot change.</summary>
    private static void Stats(CommandContext ctx)
    {
        var running = ctx.Server.Scripts.Running;
        if (running.IsRunning && running.IsEval)
        {
            ctx.Reply.WriteError(RunningScript.BusyError(isEval: true));
            return;
        }
        var reply = ctx.Reply;
        reply.WriteMapHeader(2);
        reply.WriteBulk("running_script");
        var command = running.IsRunning ? running.Command : null;
        if (command is null) reply.WriteNull();
        else
        {
            reply.WriteMapHeader(3);
            reply.WriteBulk("name");
            reply.WriteBulk(running.FunctionName ?? "");
            reply.WriteBulk("command");
            reply.WriteArrayHeader(command.Length);
            foreach (var arg in command) reply.WriteBulk(arg);
            reply.WriteBulk("duration_ms");
            reply.WriteInteger(running.ElapsedMs);
        }
        reply.WriteBulk("engines");
        reply.WriteMapHeader(1);
        reply.WriteBulk("LUA");
        reply.WriteMapHeader(2);
        reply.WriteBulk("libraries_count");
        reply.WriteInteger(ctx.Server.Scripts.Functions.LibraryCount);
        reply.WriteBulk("functions_count");
        reply.WriteInteger(ctx.Server.Scripts.Functions.FunctionCount);
    }

    private static void Help(CommandContext ctx) => ctx.Reply.WriteHelp(HelpLines);
}
