using System.Globalization;
using Spinel.Server;

namespace Spinel.Commands.Families;

/// <summary>Server-wide commands: INFO, TIME, DEBUG, SHUTDOWN, LASTSAVE.</summary>
public static class ServerCommands
{
    /// <summary>The Redis version Spinel is compatible with, reported where clients look for it.</summary>
    public const string RedisVersion = "7.0.15";

    private static readonly string[] DebugHelp =
    [
        "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ERROR <string>",
        "    Reply with <string> as an error.",
        "LOG <message>",
        "    Write <message> to the server log.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    0 stops removing expired keys in the background (they still expire when accessed); 1 resumes it.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds> (decimals allowed).",
        "HELP",
        "    Prints this help.",
    ];

    public static readonly CommandSpec[] Commands =
    [
        new("info", -1, "loading stale sentinel", "@dangerous", Info) { Tips = ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"], Group = "server", Since = "1.0.0" },
        new("time", 1, "loading stale fast", "", Time) { Tips = ["nondeterministic_output"], Group = "server", Since = "2.6.0" },
        new("debug", -2, "admin noscript loading stale protected", "", Debug) { Group = "server", Since = "1.0.0", DocFlags = ["syscmd"] },
        new("shutdown", -1, "admin noscript loading stale no_multi sentinel allow_busy", "", Shutdown) { Group = "server", Since = "1.0.0" },
        new("lastsave", 1, "loading stale fast", "@admin @dangerous", ctx => ctx.Reply.WriteInteger(ctx.Server.Stats.LastSaveUnixSeconds)) { Tips = ["nondeterministic_output"], Group = "server", Since = "1.0.0" },
    ];

    private static void Info(CommandContext ctx)
    {
        var args = new List<string>(ctx.ArgCount - 1);
        for (int i = 1; i < ctx.ArgCount; i++) args.Add(ctx.ArgString(i));
        ctx.Reply.WriteVerbatim(InfoBuilder.Build(ctx.Server, InfoBuilder.SelectSections(args)));
    }

    private static void Time(CommandContext ctx)
    {
        long micros = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
        ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulkInteger(micros / 1_000_000);
        ctx.Reply.WriteBulkInteger(micros % 1_000_000);
    }

    private static void Debug(CommandContext ctx)
    {
        string sub = ctx.ArgString(1);
        switch (sub.ToLowerInvariant())
        {
            case "help" when ctx.ArgCount == 2:
                ctx.Reply.WriteHelp(DebugHelp);
                return;
            case "sleep" when ctx.ArgCount == 3:
                // Like Redis, the whole server stops: the keyspace lock is held. Unparsable means 0 (strtod).
                double.TryParse(ctx.ArgString(2), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds);
                if (seconds > 0) Thread.Sleep(TimeSpan.FromSeconds(Math.Min(seconds, int.MaxValue / 1000.0)));
                ctx.Reply.WriteOk();
                return;
            case "set-active-expire" when ctx.ArgCount == 3:
                ctx.Server.Config.ActiveExpireEnabled = AtoI(ctx.ArgString(2)) != 0;
                ctx.Reply.WriteOk();
                return;
            case "log" when ctx.ArgCount == 3:
                ctx.Server.Log.Warning("DEBUG LOG: " + ctx.ArgString(2));
                ctx.Reply.WriteOk();
                return;
            case "error" when ctx.ArgCount == 3:
                ctx.Reply.WriteError(ctx.ArgString(2));
                return;
            default:
                ctx.Reply.WriteError($"ERR unknown subcommand or wrong number of arguments for '{Errors.Truncate(sub)}'. Try DEBUG HELP.");
                return;
        }
    }

    /// <summary>C's atoi: optional sign and leading digits, anything else ends the number (so "abc" is 0).</summary>
    private static long AtoI(string s)
    {
        s = s.TrimStart();
        int i = 0;
        bool negative = false;
        if (i < s.Length && s[i] is '+' or '-') negative = s[i++] == '-';
        long n = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]) && n < int.MaxValue) n = n * 10 + (s[i++] - '0');
        return negative ? -n : n;
    }

    /// <summary>
    /// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. Spinel has no persistence yet, so there is nothing to wait for.
    /// SAVE asks for a save that cannot happen: refused as Redis refuses a shutdown whose save failed, unless FORCE.
    /// Without NOSAVE, where Redis would save (save points, appendonly), the server stops and logs that nothing was
    /// saved (see MissingFeatures.LogShutdownWithoutSave). Once stopping, as in Redis, the caller's connection closes
    /// without a reply.
    /// </summary>
    private static void Shutdown(CommandContext ctx)
    {
        bool save = false, noSave = false, force = false, abort = false;
        for (int i = 1; i < ctx.ArgCount; i++)
        {
            if (ctx.ArgIs(i, "NOSAVE")) noSave = true;
            else if (ctx.ArgIs(i, "SAVE")) save = true;
            else if (ctx.ArgIs(i, "NOW")) { }
            else if (ctx.ArgIs(i, "FORCE")) force = true;
            else if (ctx.ArgIs(i, "ABORT")) abort = true;
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        if ((save && noSave) || (abort && ctx.ArgCount > 2))
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (abort)
        {
            ctx.Reply.WriteError("ERR No shutdown in progress.");
            return;
        }
        var log = ctx.Server.Log;
        log.Warning($"User requested shutdown... (client {ctx.Client.Id})");
        if (save)
        {
            log.Warning("WARNING: SHUTDOWN SAVE asked for a save, but Spinel has no persistence: nothing can be saved.");
            if (!force)
            {
                log.Warning("Errors trying to shut down the server: not stopping. SHUTDOWN NOSAVE stops without saving, SHUTDOWN SAVE FORCE stops anyway.");
                ctx.Reply.WriteError("ERR Errors trying to SHUTDOWN. Check logs.");
                return;
            }
            log.Warning("FORCE: stopping without saving.");
        }
        else if (!noSave) MissingFeatures.LogShutdownWithoutSave(ctx.Server);
        ctx.Client.CloseAfterReply = true;
        ctx.Server.RequestStop();
    }
}
