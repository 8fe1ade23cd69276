using System.Globalization;
using System.Text;
using Spinel.Networking;
using Spinel.Util;

namespace Spinel.Commands.Families;

/// <summary>CLIENT and its subcommands.</summary>
public static partial class ClientCommands
{
    public const string InvalidNameError = "ERR Client names cannot contain spaces, newlines or special characters.";

    private static readonly string[] HelpLines =
    [
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "HELP",
        "    Prints this help.",
    ];

    public static readonly CommandSpec[] Commands =
    [
        new CommandSpec("client", -2, "sentinel", "", null) { Group = "connection", Since = "2.4.0" }.WithSubcommands(
            new("id", 2, "noscript loading stale sentinel", "@connection", ctx => ctx.Reply.WriteInteger(ctx.Client.Id)) { Group = "connection", Since = "5.0.0" },
            new("setname", 3, "noscript loading stale sentinel", "@connection", SetName) { Group = "connection", Since = "2.6.9" },
            new("getname", 2, "noscript loading stale sentinel", "@connection", GetName) { Group = "connection", Since = "2.6.9" },
            new("list", -2, "admin noscript loading stale sentinel", "@connection", List) { Tips = ["nondeterministic_output"], Group = "connection", Since = "2.4.0" },
            new("info", 2, "noscript loading stale sentinel", "@connection", Info) { Tips = ["nondeterministic_output"], Group = "connection", Since = "6.2.0" },
            new("kill", -3, "admin noscript loading stale sentinel", "@connection", Kill) { Group = "connection", Since = "2.4.0" },
            new("unblock", -3, "admin noscript loading stale sentinel", "@connection", Unblock) { Group = "connection", Since = "5.0.0" },
            new("help", 2, "loading stale sentinel", "@connection", ctx => ctx.Reply.WriteHelp(HelpLines)) { Group = "connection", Since = "5.0.0" },
            new("no-evict", 3, "admin noscript loading stale sentinel", "@connection", NoEvict) { Group = "connection", Since = "7.0.0" },
            new("tracking", -3, "noscript loading stale sentinel", "@connection", Tracking) { Group = "connection", Since = "6.0.0" },
            new("caching", 3, "noscript loading stale sentinel", "@connection", Caching) { Group = "connection", Since = "6.0.0" },
            new("getredir", 2, "noscript loading stale sentinel", "@connection", GetRedir) { Group = "connection", Since = "6.0.0" },
            new("trackinginfo", 2, "noscript loading stale sentinel", "@connection", TrackingInfo) { Group = "connection", Since = "6.2.0" }),
    ];

    /// <summary>Client names are printable ASCII without spaces, as in Redis.</summary>
    public static bool IsValidName(string name)
    {
        foreach (char c in name)
        {
            if (c < '!' || c > '~') return false;
        }
        return true;
    }

    private static void SetName(CommandContext ctx)
    {
        var name = ctx.ArgString(2);
        if (!IsValidName(name))
        {
            ctx.Reply.WriteError(InvalidNameError);
            return;
        }
        ctx.Client.Name = name;
        ctx.Reply.WriteOk();
    }

    private static void GetName(CommandContext ctx)
    {
        if (ctx.Client.Name.Length == 0) ctx.Reply.WriteNull();
        else ctx.Reply.WriteBulk(ctx.Client.Name);
    }

    /// <summary>Client kinds as CLIENT LIST/KILL TYPE name them; Spinel has only normal clients so far.</summary>
    private static bool TryParseType(string word, out bool normal)
    {
        switch (word.ToLowerInvariant())
        {
            case "normal": normal = true; return true;
            case "master" or "slave" or "replica" or "pubsub": normal = false; return true;
            default: normal = false; return false;
        }
    }

    private static void List(CommandContext ctx)
    {
        var sessions = ctx.Server.Clients.Sessions();
        if (ctx.ArgCount == 4 && ctx.ArgIs(2, "TYPE"))
        {
            var type = ctx.ArgString(3);
            if (!TryParseType(type, out bool normal))
            {
                ctx.Reply.WriteError($"ERR Unknown client type '{type}'");
                return;
            }
            if (!normal) sessions.Clear();
        }
        else if (ctx.ArgCount > 3 && ctx.ArgIs(2, "ID"))
        {
            var ids = new HashSet<long>();
            for (int i = 3; i < ctx.ArgCount; i++)
            {
                if (!RedisNumbers.TryParseInt64(ctx.Arg(i), out long id))
                {
                    ctx.Reply.WriteError("ERR Invalid client ID");
                    return;
                }
                ids.Add(id);
            }
            sessions.RemoveAll(s => !ids.Contains(s.Id));
        }
        else if (ctx.ArgCount != 2)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        var sb = new StringBuilder();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var session in sessions) Describe(sb, ctx, session, now).Append('\n');
        ctx.Reply.WriteVerbatim(sb.ToString());
    }

    private static void Info(CommandContext ctx)
    {
        var sb = new StringBuilder();
        Describe(sb, ctx, ctx.Client, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).Append('\n');
        ctx.Reply.WriteVerbatim(sb.ToString());
    }

    /// <summary>One CLIENT LIST line, fields in Redis 7.0's order. Buffer sizes are Spinel's own.</summary>
    private static StringBuilder Describe(StringBuilder sb, CommandContext ctx, ClientSession s, long nowMs)
    {
        bool self = s == ctx.Client;
        string cmd = self ? ctx.Command.FullName : s.LastCommand;
        long argvMem = 0;
        if (self)
        {
            for (int i = 0; i < ctx.ArgCount; i++) argvMem += ctx.Arg(i).Length;
        }
        long outputLength = s.Writer.Length;
        long totalMemory = s.QueryBufferSize + outputLength + argvMem;
        return sb.Append(CultureInfo.InvariantCulture,
            $"id={s.Id} addr={s.Address} laddr={s.LocalAddress} fd=-1 name={s.Name} age={Math.Max(0, nowMs - s.CreatedMs) / 1000} idle={Math.Max(0, nowMs - s.LastInteractionMs) / 1000} flags={Flags(s)} db={s.Db} sub={s.PubSub?.Channels ?? 0} psub={s.PubSub?.Patterns ?? 0} ssub={s.PubSub?.ShardChannels ?? 0} multi={s.Multi?.Count ?? -1} qbuf={s.QueryBufferLength} qbuf-free={s.QueryBufferSize - s.QueryBufferLength} argv-mem={argvMem} multi-mem={s.Multi?.Bytes ?? 0} rbs={outputLength} rbp={outputLength} obl={outputLength} oll=0 omem={s.PubSub?.Outbox.Size ?? 0} tot-mem={totalMemory} events=r cmd={cmd} user={s.User} redir={(s.Tracking is { Enabled: true } t ? t.RedirectId : -1)} resp={s.Protocol}");
    }

    /// <summary>
    /// CLIENT LIST's flags, in Redis's order: P subscriber, x in MULTI, b blocked, t tracking, R tracking redirect broken,
    /// B broadcast tracking, d a watched key changed; N for none.
    /// </summary>
    private static string Flags(ClientSession s)
    {
        string flags = (s.PubSub is { Any: true } ? "P" : "") + (s.Multi is null ? "" : "x") + (s.Blocked is null ? "" : "b") + TrackingFlags(s.Tracking) + (s.Watched is { Dirty: true } ? "d" : "")
            + (s.NoEvict ? "e" : "");
        return flags.Length == 0 ? "N" : flags;
    }

    /// <summary>CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends another client's blocking wait as if it timed out, or with an error.</summary>
    private static void Unblock(CommandContext ctx)
    {
        if (!ctx.TryGetLong(2, out long id)) return;
        string? error = null;
        if (ctx.ArgCount == 4 && ctx.ArgIs(3, "ERROR")) error = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
        else if (ctx.ArgCount > 4 || (ctx.ArgCount == 4 && !ctx.ArgIs(3, "TIMEOUT")))
        {
            ctx.Reply.WriteError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
        bool unblocked = ctx.Server.Clients.Find(id)?.Blocked is { } blocked && ctx.Server.Blocking.Unblock(blocked, error);
        ctx.Reply.WriteInteger(unblocked ? 1 : 0);
    }

    private static void Kill(CommandContext ctx)
    {
        var client = ctx.Client;
        if (ctx.ArgCount == 3)
        {
            // Old form: CLIENT KILL addr:port, +OK or an error.
            string addr = ctx.ArgString(2);
            foreach (var session in ctx.Server.Clients.Sessions())
            {
                if (session.Address != addr) continue;
                ctx.Reply.WriteOk();
                Close(client, session);
                return;
            }
            ctx.Reply.WriteError("ERR No such client");
            return;
        }
        if (ctx.ArgCount % 2 != 0)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        long? id = null;
        bool? normalType = null;
        string? addrFilter = null, laddrFilter = null, userFilter = null;
        bool skipMe = true;
        for (int i = 2; i < ctx.ArgCount; i += 2)
        {
            string value = ctx.ArgString(i + 1);
            if (ctx.ArgIs(i, "ID"))
            {
                if (!RedisNumbers.TryParseInt64(ctx.Arg(i + 1), out long parsed) || parsed <= 0)
                {
                    ctx.Reply.WriteError("ERR client-id should be greater than 0");
                    return;
                }
                id = parsed;
            }
            else if (ctx.ArgIs(i, "TYPE"))
            {
                if (!TryParseType(value, out bool normal))
                {
                    ctx.Reply.WriteError($"ERR Unknown client type '{value}'");
                    return;
                }
                normalType = normal;
            }
            else if (ctx.ArgIs(i, "ADDR")) addrFilter = value;
            else if (ctx.ArgIs(i, "LADDR")) laddrFilter = value;
            else if (ctx.ArgIs(i, "USER"))
            {
                if (value != "default")
                {
                    ctx.Reply.WriteError($"ERR No such user '{value}'");
                    return;
                }
                userFilter = value;
            }
            else if (ctx.ArgIs(i, "SKIPME"))
            {
                if (ctx.ArgIs(i + 1, "YES")) skipMe = true;
                else if (ctx.ArgIs(i + 1, "NO")) skipMe = false;
                else
                {
                    ctx.Reply.WriteError(Errors.Syntax);
                    return;
                }
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }

        var victims = new List<ClientSession>();
        foreach (var session in ctx.Server.Clients.Sessions())
        {
            if (id is { } wanted && session.Id != wanted) continue;
            if (normalType is false) continue;
            if (addrFilter is not null && session.Address != addrFilter) continue;
            if (laddrFilter is not null && session.LocalAddress != laddrFilter) continue;
            if (userFilter is not null && session.User != userFilter) continue;
            if (skipMe && session == client) continue;
            victims.Add(session);
        }
        ctx.Reply.WriteInteger(victims.Count);
        foreach (var victim in victims) Close(client, victim);
    }

    /// <summary>Another client is disconnected at once; the caller itself gets its reply first.</summary>
    private static void Close(ClientSession caller, ClientSession victim)
    {
        if (victim == caller) caller.CloseAfterReply = true;
        else victim.Disconnect();
    }

    private static void NoEvict(CommandContext ctx)
    {
        // Spinel never evicts clients, so the protection is always in effect; the flag is only shown (CLIENT LIST 'e').
        if (ctx.ArgIs(2, "ON") || ctx.ArgIs(2, "OFF"))
        {
            ctx.Client.NoEvict = ctx.ArgIs(2, "ON");
            ctx.Reply.WriteOk();
        }
        else ctx.Reply.WriteError(Errors.Syntax);
    }
}
