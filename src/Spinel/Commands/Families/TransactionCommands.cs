using Spinel.Server;
using Spinel.Storage;

namespace Spinel.Commands.Families;

/// <summary>
/// MULTI, EXEC, DISCARD, WATCH, UNWATCH. After MULTI the dispatcher queues commands (see
/// <see cref="IsQueued"/>); EXEC runs the queue as one command, so under the keyspace lock, with no
/// other client in between.
/// </summary>
public static class TransactionCommands
{
    public static readonly CommandSpec[] Commands =
    [
        new("multi", 1, "noscript loading stale fast allow_busy", "@transaction", Multi) { Group = "transactions", Since = "1.2.0" },
        new("exec", 1, "noscript loading stale skip_slowlog", "@transaction", Exec) { Group = "transactions", Since = "1.2.0" },
        new("discard", 1, "noscript loading stale fast allow_busy", "@transaction", Discard) { Group = "transactions", Since = "2.0.0" },
        new("watch", -2, "noscript loading stale fast allow_busy", "@transaction", Watch, "RO: index 1 range -1 1 0") { Group = "transactions", Since = "2.2.0" },
        new("unwatch", 1, "noscript loading stale fast allow_busy", "@transaction", Unwatch) { Group = "transactions", Since = "2.2.0" },
    ];

    private static readonly CommandSpec ExecSpec = Commands[1];

    public static bool IsExec(CommandSpec spec) => ReferenceEquals(spec, ExecSpec);

    /// <summary>Whether a command sent after MULTI is queued; these few run at once, as in Redis.</summary>
    public static bool IsQueued(CommandSpec spec) =>
        spec.Parent is not null || spec.Name is not ("exec" or "discard" or "multi" or "watch" or "quit" or "reset");

    private static void Multi(CommandContext ctx)
    {
        if (ctx.Client.Multi is not null)
        {
            ctx.Reply.WriteError("ERR MULTI calls can not be nested");
            return;
        }
        ctx.Client.BeginMulti();
        ctx.Reply.WriteOk();
    }

    private static void Exec(CommandContext ctx)
    {
        var client = ctx.Client;
        if (client.Multi is not { } multi)
        {
            ctx.Reply.WriteError("ERR EXEC without MULTI");
            return;
        }
        // Redis 7.0 also fails the transaction when a watched key has expired since WATCH, deleted yet or not.
        if (client.Watched is { Dirty: false } watched && WatchRegistry.AnyExpired(watched, ctx.Keyspace)) watched.Dirty = true;
        if (multi.Aborted)
        {
            Discard(ctx.Client, ctx.Keyspace);
            ctx.Reply.WriteError("EXECABORT Transaction discarded because of previous errors.");
            return;
        }
        if (client.Watched is { Dirty: true })
        {
            Discard(ctx.Client, ctx.Keyspace);
            ctx.Reply.WriteNullArray();
            return;
        }
        // Watches end before the queue runs: its own writes must not mark this client.
        Unwatch(client, ctx.Keyspace);
        var execArgs = ctx.Args;
        var execSpec = ctx.Command;
        bool couldBlock = ctx.CanBlock;
        ctx.CanBlock = false; // a blocking command in a transaction replies as if it timed out
        ctx.Reply.WriteArrayHeader(multi.Count);
        try
        {
            for (int i = 0; i < multi.Count; i++)
            {
                var (spec, args) = multi[i];
                ctx.Server.Dispatcher.RunQueued(ctx, spec, args);
            }
        }
        finally
        {
            client.EndMulti(); // kept until now so CLIENT LIST inside the transaction shows it, as in Redis
            ctx.CanBlock = couldBlock;
            ctx.Args = execArgs;
            ctx.Command = execSpec;
        }
    }

    private static void Discard(CommandContext ctx)
    {
        if (ctx.Client.Multi is null)
        {
            ctx.Reply.WriteError("ERR DISCARD without MULTI");
            return;
        }
        Discard(ctx.Client, ctx.Keyspace);
        ctx.Reply.WriteOk();
    }

    /// <summary>Leaves MULTI (if in it) and drops every watch and the dirty flag, as EXEC, DISCARD and RESET do.</summary>
    public static void Discard(Networking.ClientSession client, Keyspace keyspace)
    {
        client.EndMulti();
        Unwatch(client, keyspace);
    }

    /// <summary>
    /// An EXEC refused before it ran (wrong arity, NOAUTH) discards the transaction, and its error says so;
    /// Redis quotes the reason without a generic "ERR " code.
    /// </summary>
    public static string AbortMessage(Networking.ClientSession client, Keyspace keyspace, string error)
    {
        Discard(client, keyspace);
        if (error.StartsWith("ERR ", StringComparison.Ordinal)) error = error[4..];
        return "EXECABORT Transaction discarded because of: " + error;
    }

    private static void Watch(CommandContext ctx)
    {
        var client = ctx.Client;
        if (client.Multi is not null)
        {
            ctx.Reply.WriteError("ERR WATCH inside MULTI is not allowed");
            return;
        }
        var watched = client.Watched ??= new WatchedKeys();
        // A dirty client's EXEC fails whatever it watches now.
        if (!watched.Dirty)
        {
            var db = ctx.Db;
            for (int i = 1; i < ctx.ArgCount; i++) ctx.Keyspace.Watches.Watch(watched, db, ctx.Arg(i));
        }
        ctx.Reply.WriteOk();
    }

    private static void Unwatch(CommandContext ctx)
    {
        Unwatch(ctx.Client, ctx.Keyspace);
        ctx.Reply.WriteOk();
    }

    private static void Unwatch(Networking.ClientSession client, Keyspace keyspace)
    {
        if (client.Watched is not { } watched) return;
        keyspace.Watches.UnwatchAll(watched);
        watched.Dirty = false;
    }
}
