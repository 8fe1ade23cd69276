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

    /// <summary>Client kinds as CLIENT LIST/KILL TYPE name them. Spinel has no replication yet, so no master or replica clients.</summary>
    private enum ClientType { Normal, Replica, Master, PubSub }

    private static bool TryParseType(string word, out ClientType type)
    {
        switch (word.ToLowerInvariant())
        {
            case "normal": type = ClientType.Normal; return true;
            case "slave" or "replica": type = ClientType.Replica; return true;
            case "master": type = ClientType.Master; return true;
            case "pubsub": type = ClientType.PubSub; return true;
            default: type = ClientType.Normal; return false;
        }
    }

    /// <summary>As Redis classes a client: a subscriber (flag P) is "pubsub", whatever its protocol.</summary>
    private static ClientType TypeOf(ClientSession s) => s.PubSub is { Any: true } ? ClientType.PubSub : ClientType.Normal;

    private static void List(CommandContext ctx)
    {
        var sessions = ctx.Server.Clients.Sessions();
        if (ctx.ArgCount == 4 && ctx.ArgIs(2, "TYPE"))
        {
            var type = ctx.ArgString(3);
            if (!TryParseType(type, out var wanted))
            {
                ctx.Reply.WriteError($"ERR Unknown client type '{type}'");
                return;
            }
            sessions.RemoveAll(s => TypeOf(s) != wanted);
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

    /// <summary>
    /// One CLIENT LIST line, fields in Redis 7.0's order, with Spinel's own buffers in Redis's terms. qbuf/qbuf-free: the
    /// query buffer's unprocessed bytes (the running batch included, for the caller) and its free space. argv-mem: the
    /// running command's argument bytes, or those of a command still arriving. Redis keeps a fixed reply buffer plus a
    /// list of further blocks; Spinel has one reply buffer a batch writes into and an outbox for queued output
    /// (subscribers, tracking), so rbs/rbp/obl are the reply buffer's size, peak and bytes not sent yet, oll/omem the
    /// outbox's buffers and bytes. tot-mem adds the buffers up. events: r always (every connection is read), w while
    /// output waits for the socket.
    /// </summary>
    private static StringBuilder Describe(StringBuilder sb, CommandContext ctx, ClientSession s, long nowMs)
    {
        bool self = s == ctx.Client;
        string cmd = self ? ctx.Command.FullName : s.LastCommand;
        long argvMem = s.PendingArgvBytes;
        if (self && s.Multi is not null)
        {
            // Run by EXEC (a queued CLIENT LIST): Redis shows the command the client sent, EXEC, and its one argument.
            cmd = "exec";
            argvMem = "exec".Length;
        }
        else if (self)
        {
            argvMem = 0;
            for (int i = 0; i < ctx.ArgCount; i++) argvMem += ctx.Arg(i).Length;
        }
        long multiMem = s.Multi?.Bytes ?? 0;
        var writer = s.Writer;
        int replyBytes = writer.Length, replySize = writer.Capacity;
        var (queuedBytes, queuedBuffers, queueSize, sending) = s.PubSub?.Outbox.Usage() ?? (0, 0, 0, false);
        // Another client's replies are in its buffer only between its batch and the end of their send: waiting on the socket.
        bool waitingToWrite = sending || (!self && replyBytes > 0);
        long totalMemory = s.QueryBufferSize + replySize + queueSize + argvMem + multiMem;
        return sb.Append(CultureInfo.InvariantCulture,
            $"id={s.Id} addr={s.Address} laddr={s.LocalAddress} fd={s.Fd} name={s.Name} age={Math.Max(0, nowMs - s.CreatedMs) / 1000} idle={Math.Max(0, nowMs - s.LastInteractionMs) / 1000} flags={Flags(s)} db={s.Db} sub={s.PubSub?.Channels ?? 0} psub={s.PubSub?.Patterns ?? 0} ssub={s.PubSub?.ShardChannels ?? 0} multi={s.Multi?.Count ?? -1} qbuf={s.QueryBufferLength} qbuf-free={s.QueryBufferSize - s.QueryBufferLength} argv-mem={argvMem} multi-mem={multiMem} rbs={replySize} rbp={writer.Peak} obl={replyBytes} oll={queuedBuffers} omem={queuedBytes} tot-mem={totalMemory} events={(waitingToWrite ? "rw" : "r")} cmd={cmd} user={s.User} redir={(s.Tracking is { Enabled: true } t ? t.RedirectId : -1)} resp={s.Protocol}");
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

    /// <summary>
    /// CLIENT KILL addr:port (old form: +OK, or an error when nobody matched; may kill the caller), or CLIENT KILL with
    /// filter pairs, all of which must match (replies the count; SKIPME yes by default). Pairs are checked in order, so
    /// the first bad one decides the error, as in Redis; MAXAGE came in Redis 7.4 and is a syntax error in 7.0.
    /// </summary>
    private static void Kill(CommandContext ctx)
    {
        var client = ctx.Client;
        long? id = null;
        ClientType? type = null;
        string? addrFilter = null, laddrFilter = null, userFilter = null;
        bool skipMe = true;
        bool oldForm = ctx.ArgCount == 3;
        if (oldForm)
        {
            addrFilter = ctx.ArgString(2);
            skipMe = false;
        }
        for (int i = 2; !oldForm && i < ctx.ArgCount; i += 2)
        {
            if (i + 1 >= ctx.ArgCount)
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
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
                if (!TryParseType(value, out var parsed))
                {
                    ctx.Reply.WriteError($"ERR Unknown client type '{value}'");
                    return;
                }
                type = parsed;
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
            else if (ctx.ArgIs(i, "SKIPME") && (ctx.ArgIs(i + 1, "YES") || ctx.ArgIs(i + 1, "NO"))) skipMe = ctx.ArgIs(i + 1, "YES");
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }

        var victims = new List<ClientSession>();
        foreach (var session in ctx.Server.Clients.Sessions())
        {
            if (addrFilter is not null && session.Address != addrFilter) continue;
            if (laddrFilter is not null && session.LocalAddress != laddrFilter) continue;
            if (type is { } wantedType && TypeOf(session) != wantedType) continue;
            if (id is { } wanted && session.Id != wanted) continue;
            if (userFilter is not null && session.User != userFilter) continue;
            if (skipMe && session == client) continue;
            victims.Add(session);
        }
        if (!oldForm) ctx.Reply.WriteInteger(victims.Count);
        else if (victims.Count == 0) ctx.Reply.WriteError("ERR No such client");
        else ctx.Reply.WriteOk();
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
