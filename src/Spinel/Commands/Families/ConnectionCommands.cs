using System.Security.Cryptography;
using System.Text;

namespace Spinel.Commands.Families;

/// <summary>PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET.</summary>
public static class ConnectionCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("ping", -1, "fast sentinel", "@connection", Ping) { Tips = ["request_policy:all_shards", "response_policy:all_succeeded"], Group = "connection", Since = "1.0.0" },
        new("echo", 2, "loading stale fast", "@connection", Echo) { Group = "connection", Since = "1.0.0" },
        new("hello", -1, "noscript loading stale fast no_auth sentinel allow_busy", "@connection", Hello) { Group = "connection", Since = "6.0.0" },
        new("auth", -2, "noscript loading stale fast no_auth sentinel allow_busy", "@connection", Auth) { Group = "connection", Since = "1.0.0" },
        new("select", 2, "loading stale fast", "@connection", Select) { Group = "connection", Since = "1.0.0" },
        new("quit", -1, "allow_busy noscript loading stale fast no_auth", "@connection", Quit) { Group = "connection", Since = "1.0.0" },
        new("reset", 1, "noscript loading stale fast no_auth allow_busy", "@connection", Reset) { Group = "connection", Since = "6.2.0" },
    ];

    private static void Ping(CommandContext ctx)
    {
        if (ctx.ArgCount > 2)
        {
            ctx.Reply.WriteError(Errors.WrongArity("ping"));
            return;
        }
        // A RESP2 subscriber gets PING as a message-shaped array, so it cannot be mistaken for a push.
        if (ctx.Client.PubSub is { Any: true } && ctx.Client.Protocol == 2)
        {
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteBulk("pong"u8);
            ctx.Reply.WriteBulk(ctx.ArgCount == 2 ? ctx.Arg(1) : []);
        }
        else if (ctx.ArgCount == 1) ctx.Reply.WriteRaw("+PONG\r\n"u8);
        else ctx.Reply.WriteBulk(ctx.Arg(1));
    }

    private static void Echo(CommandContext ctx) => ctx.Reply.WriteBulk(ctx.Arg(1));

    private static void Hello(CommandContext ctx)
    {
        int protocol = ctx.Client.Protocol;
        int i = 1;
        if (ctx.ArgCount >= 2)
        {
            if (!Util.RedisNumbers.TryParseInt64(ctx.Arg(1), out long version))
            {
                ctx.Reply.WriteError("ERR Protocol version is not an integer or out of range");
                return;
            }
            if (version is < 2 or > 3)
            {
                ctx.Reply.WriteError("NOPROTO unsupported protocol version");
                return;
            }
            protocol = (int)version;
            i = 2;
        }
        string? user = null, password = null, name = null;
        for (; i < ctx.ArgCount; i++)
        {
            int more = ctx.ArgCount - i - 1;
            if (ctx.ArgIs(i, "AUTH") && more >= 2)
            {
                user = ctx.ArgString(i + 1);
                password = ctx.ArgString(i + 2);
                i += 2;
            }
            else if (ctx.ArgIs(i, "SETNAME") && more >= 1)
            {
                name = ctx.ArgString(i + 1);
                if (!ClientCommands.IsValidName(name))
                {
                    ctx.Reply.WriteError(ClientCommands.InvalidNameError);
                    return;
                }
                i++;
            }
            else
            {
                ctx.Reply.WriteError($"ERR Syntax error in HELLO option '{ctx.ArgString(i)}'");
                return;
            }
        }
        if (user is not null && !TryAuthenticate(ctx, user, password!)) return;
        if (!ctx.Client.Authenticated)
        {
            ctx.Reply.WriteError("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
            return;
        }
        if (name is not null) ctx.Client.Name = name;
        ctx.Client.Protocol = protocol;

        var r = ctx.Reply;
        r.WriteMapHeader(7);
        r.WriteBulk("server");
        r.WriteBulk("redis");
        r.WriteBulk("version");
        r.WriteBulk(ServerCommands.RedisVersion);
        r.WriteBulk("proto");
        r.WriteInteger(protocol);
        r.WriteBulk("id");
        r.WriteInteger(ctx.Client.Id);
        r.WriteBulk("mode");
        r.WriteBulk("standalone");
        r.WriteBulk("role");
        r.WriteBulk("master");
        r.WriteBulk("modules");
        r.WriteArrayHeader(0);
    }

    private static void Auth(CommandContext ctx)
    {
        if (ctx.ArgCount > 3)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (ctx.ArgCount == 2 && !ctx.Server.Config.AuthRequired)
        {
            ctx.Reply.WriteError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
            return;
        }
        string user = ctx.ArgCount == 3 ? ctx.ArgString(1) : "default";
        if (TryAuthenticate(ctx, user, ctx.ArgString(ctx.ArgCount - 1))) ctx.Reply.WriteOk();
    }

    /// <summary>Checks credentials for the default user (the only user until ACLs exist).</summary>
    private static bool TryAuthenticate(CommandContext ctx, string user, string password)
    {
        string expected = ctx.Server.Config.RequirePass;
        bool passwordOk = expected.Length == 0 || CryptographicOperations.FixedTimeEquals(Encoding.Latin1.GetBytes(password), Encoding.Latin1.GetBytes(expected));
        if (user == "default" && passwordOk)
        {
            ctx.Client.Authenticated = true;
            ctx.Client.User = user;
            return true;
        }
        ctx.Reply.WriteError("WRONGPASS invalid username-password pair or user is disabled.");
        return false;
    }

    private static void Select(CommandContext ctx)
    {
        if (!ctx.TryGetLong(1, out long index)) return;
        if (index < 0 || index >= ctx.Keyspace.DatabaseCount)
        {
            ctx.Reply.WriteError(Errors.DbIndexOutOfRange);
            return;
        }
        ctx.Client.Db = (int)index;
        ctx.Reply.WriteOk();
    }

    private static void Quit(CommandContext ctx)
    {
        ctx.Reply.WriteOk();
        ctx.Client.CloseAfterReply = true;
    }

    private static void Reset(CommandContext ctx)
    {
        TransactionCommands.Discard(ctx.Client, ctx.Keyspace);
        ctx.Server.PubSub.RemoveAll(ctx.Client);
        ctx.Server.Tracking.Disable(ctx.Client);
        ctx.Client.Reset(!ctx.Server.Config.AuthRequired);
        ctx.Reply.WriteRaw("+RESET\r\n"u8);
    }
}
