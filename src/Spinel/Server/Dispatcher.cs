using System.Diagnostics;
using System.Text;
using Spinel.Commands;
using Spinel.Commands.Families;
using Spinel.Networking;
using Spinel.Protocol;
using Spinel.PubSub;
using Spinel.Storage;

namespace Spinel.Server;

/// <summary>
/// Looks each command up in the table, applies the checks Redis applies before running a command
/// (arity, authentication, ...), and runs it. A batch runs under one acquisition of the keyspace lock.
/// </summary>
public sealed class Dispatcher
{
    private readonly SpinelServer _server;

    private readonly Func<BlockedClient, bool> _tryServe;

    public Dispatcher(SpinelServer server)
    {
        _server = server;
        _tryServe = TryServe;
    }

    /// <summary>
    /// Runs a batch under one acquisition of the lock; returns how many commands ran. <paramref name="specs"/>
    /// holds each command's entry in the table (null when unknown), looked up by the caller. It stops early when
    /// the client must close, blocks (BLPOP...), or must move off an I/O thread to run a script: the rest of its
    /// pipeline waits until then.
    /// </summary>
    public int ExecuteBatch(CommandContext ctx, ArgumentList[] batch, CommandSpec?[] specs, int count)
    {
        var pubsub = _server.PubSub;
        var keyspaceLock = _server.Keyspace.Lock;
        int first = 0;
        // Uncontended, this is the whole cost of busy-script support: the lock is free.
        if (!keyspaceLock.TryEnter())
        {
            first = WaitOrAnswerBusy(ctx, batch, specs, count);
            if (first == count) return count;
        }
        try
        {
            pubsub.Executing = ctx;
            return RunBatch(ctx, batch, specs, first, count);
        }
        finally
        {
            // BCAST clients get the batch's changes once it is done, as Redis sends them once per event-loop turn.
            if (_server.Tracking.HasBroadcast) _server.Tracking.Broadcast();
            pubsub.Executing = null;
            // A subscriber's replies join its pushes while the lock still keeps publishers out, so they stay in order.
            if (ctx.Client.PubSub?.Outbox is { Active: true } outbox) pubsub.QueueReplies(ctx.Client, outbox);
            keyspaceLock.Exit();
            // An epoll loop sends them once its turn is done, for every client it served (see EpollLoop).
            if (!Networking.Epoll.EpollLoop.OnLoopThread) ClientOutbox.RunDeferredDrains();
        }
    }

    /// <summary>How often a connection waiting for the lock looks whether a script has become busy.</summary>
    private static readonly TimeSpan BusyPoll = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// The lock is held elsewhere. Waits for it, but while a script has run past busy-reply-threshold answers
    /// the batch's commands itself, without the lock: BUSY for most, and SCRIPT KILL, FUNCTION KILL,
    /// FUNCTION STATS and SHUTDOWN NOSAVE run. Returns the index of the first command still to run, with
    /// the lock held, or <paramref name="count"/> (lock not held) when every command was answered.
    /// </summary>
    private int WaitOrAnswerBusy(CommandContext ctx, ArgumentList[] batch, CommandSpec?[] specs, int count)
    {
        var keyspaceLock = _server.Keyspace.Lock;
        var running = _server.Scripts.Running;
        int i = 0;
        while (i < count)
        {
            if (keyspaceLock.TryEnter(BusyPoll)) return i;
            if (!running.IsBusy(_server.Config.BusyReplyThreshold)) continue;
            if (!AnswerWhileBusy(ctx, batch[i], specs[i], running))
            {
                keyspaceLock.Enter();
                return i;
            }
            i++;
            if (ctx.Client.CloseAfterReply) break;
        }
        return count;
    }

    /// <summary>
    /// One command while a script is busy, answered as Redis answers it; false when it must wait for the lock instead.
    /// It gets the usual checks first, then BUSY unless Redis flags it allow-busy. Of those, the ones that touch only the
    /// client's own state run now (MULTI, AUTH, HELLO, QUIT; inside MULTI, queuing; DISCARD, UNWATCH and RESET of a client
    /// that watches, subscribes to and tracks nothing), as do SCRIPT KILL, FUNCTION KILL, FUNCTION STATS and SHUTDOWN
    /// NOSAVE; the rest (WATCH, EXEC of a watching client...) change what the keyspace lock guards and wait for it.
    /// </summary>
    private bool AnswerWhileBusy(CommandContext ctx, ArgumentList args, CommandSpec? spec, Scripting.RunningScript running)
    {
        ctx.Args = args;
        if ((spec = Check(ctx, args, spec)) is null) return true;
        var client = ctx.Client;
        if (!spec.Is(CommandFlags.AllowBusy))
        {
            // A refused EXEC discards the transaction, and with it the client's watches, which only the lock may touch.
            if (TransactionCommands.IsExec(spec) && client.Watched is not null) return false;
            _server.Commands.StatsOf(spec).RejectedCalls++;
            Reject(ctx, Scripting.RunningScript.BusyError(running.IsEval), spec);
            return true;
        }
        if (client.Multi is { } multi && TransactionCommands.IsQueued(spec))
        {
            Queue(ctx, multi, spec);
            return true;
        }
        switch (spec.FullName)
        {
            case "script|kill" or "function|kill" or "function|stats" or "multi" or "auth" or "hello" or "quit":
                break;
            case "discard" or "unwatch" when client.Watched is null:
                break;
            case "watch" when client.Multi is not null: // refused inside MULTI
                break;
            case "reset" when client.Watched is null && client.PubSub is not { Any: true } && client.Tracking is null:
                break; // nothing registered beyond the client itself
            case "shutdown":
                // Only SHUTDOWN NOSAVE may stop a busy server; it stops the script too, written or not.
                bool noSave = false;
                for (int i = 1; i < args.Count; i++) noSave |= ctx.ArgIs(i, "NOSAVE");
                if (!noSave)
                {
                    ctx.Reply.WriteError(Scripting.RunningScript.BusyError(running.IsEval));
                    return true;
                }
                running.ForceKill();
                break;
            default:
                return false; // they change what the keyspace lock guards, so they wait for the script
        }
        ctx.Command = spec;
        spec.Handler!(ctx);
        return true;
    }

    /// <summary>The batch from <paramref name="start"/>; the caller holds the keyspace lock.</summary>
    private int RunBatch(CommandContext ctx, ArgumentList[] batch, CommandSpec?[] specs, int start, int count)
    {
        if (count >= 4 && start == 0) PrefetchKeys(ctx, batch, specs, count);
        // One clock read per command: each command's end is the next one's start.
        long timestamp = Stopwatch.GetTimestamp();
        for (int i = start; i < count; i++)
        {
            if (MustStartOffIoThread(ctx.Client, specs[i]) && OnIoThread) ctx.Client.ResumeOnThreadPool = true;
            else Execute(ctx, batch[i], specs[i], ref timestamp);
            // The command runs again, from the start, on the thread pool (see ScriptPlacement).
            if (ctx.Client.ResumeOnThreadPool) return i;
            if (ctx.Client.CloseAfterReply || ctx.Client.PendingWait is not null) return i + 1;
        }
        return count;
    }

    /// <summary>
    /// True on a thread that serves the sockets of many connections: the executable runs socket continuations
    /// inline on its epoll threads. Scripts must not run long there (see <see cref="Scripting.ScriptPlacement"/>).
    /// </summary>
    public static bool OnIoThread => !Thread.CurrentThread.IsThreadPoolThread;

    /// <summary>An EXEC with a script queued: a transaction cannot be repeated, so it may not start on an I/O thread.</summary>
    private static bool MustStartOffIoThread(ClientSession client, CommandSpec? spec) =>
        client.Multi is { RunsScript: true } && spec is { Name: "exec" };

    /// <summary>
    /// A pipelined batch is known in full before it runs, so the hash-table memory its keys will touch
    /// can be requested for all commands at once, in stages (bucket, entry, key and value). The cache
    /// misses then overlap instead of stalling each command in turn. Single-key commands on a big set or
    /// hash (SADD, HSET, SISMEMBER, HGET, ...) get the same for the member or field in argument 2. Scripts
    /// (EVALSHA, FCALL) get their first key's.
    /// </summary>
    private void PrefetchKeys(CommandContext ctx, ArgumentList[] batch, CommandSpec?[] specs, int count)
    {
        var db = ctx.Db;
        Span<int> hashes = stackalloc int[count];
        Span<int> commands = stackalloc int[count];
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            var args = batch[i];
            if (specs[i] is { RunsScript: true } && args.Count > 3 && args[2] is not [(byte)'0'])
            {
                // EVALSHA sha numkeys key ...: the script's first key (numkeys is checked when it runs).
                hashes[n] = KeyHash.Of(args[3]);
                commands[n++] = -1;
                continue;
            }
            if (args.Count < 2 || specs[i] is not { FirstKey: 1 } spec) continue;
            hashes[n] = KeyHash.Of(args[1]);
            // Set and hash commands whose argument 2 is a member or field: their lookups get a second stage.
            commands[n++] = spec.LastKey == 1 && args.Count >= 3 && (spec.Acl & ElementCommands) != 0 ? i : -1;
        }
        for (int stage = 0; stage < 3; stage++)
        {
            for (int i = 0; i < n; i++) db.Prefetch(hashes[i], stage);
        }

        // Second level: the key's value is now in cache, so finding its element table costs little.
        var tables = _elementTables;
        int m = 0;
        for (int i = 0; i < n && m < tables.Length; i++)
        {
            if (commands[i] < 0) continue;
            var args = batch[commands[i]];
            if (db.PeekHashed(args[1], hashes[i]) is not DataObject { Elements: { } table }) continue;
            tables[m] = table;
            hashes[m++] = KeyHash.Of(args[2]);
        }
        for (int stage = 0; stage < 3; stage++)
        {
            for (int i = 0; i < m; i++) tables[i]!.Prefetch(hashes[i], stage);
        }
        tables.AsSpan(0, m).Clear();
    }

    private const AclCategories ElementCommands = AclCategories.Set | AclCategories.Hash;

    // Scratch for PrefetchKeys, used under the keyspace lock.
    private readonly IPrefetchable?[] _elementTables = new IPrefetchable?[ClientConnection.MaxBatch];

    /// <summary>Runs one command; the caller holds the keyspace lock.</summary>
    public void Execute(CommandContext ctx, ArgumentList args)
    {
        long timestamp = Stopwatch.GetTimestamp();
        Execute(ctx, args, _server.Commands.Find(args[0]), ref timestamp);
    }

    /// <summary>Runs one command, already looked up, that starts at <paramref name="timestamp"/>; leaves it at the command's end.</summary>
    private void Execute(CommandContext ctx, ArgumentList args, CommandSpec? spec, ref long timestamp)
    {
        Run(ctx, args, spec, ref timestamp);
        if (ctx.Client.ResumeOnThreadPool) return; // did not run: it will, on the thread pool
        if (ctx.Client.Tracking is { } tracking) _server.Tracking.AfterCommand(ctx, tracking, spec);
    }

    /// <summary>The checks and the command itself (see <see cref="Execute(CommandContext, ArgumentList, CommandSpec?, ref long)"/>).</summary>
    private void Run(CommandContext ctx, ArgumentList args, CommandSpec? spec, ref long timestamp)
    {
        ctx.Args = args;
        if ((spec = Check(ctx, args, spec)) is null) return;
        if (_server.Tracking.OverLimit) _server.Tracking.EnforceLimit();
        if (ctx.Client.Multi is { } multi && TransactionCommands.IsQueued(spec))
        {
            Queue(ctx, multi, spec);
            return;
        }

        ctx.Command = spec;
        _server.Keyspace.RefreshClock(timestamp);
        timestamp = Invoke(ctx, spec, timestamp);
        ctx.Client.LastCommand = spec.FullName;
        if (_server.Blocking.HasReady) _server.Blocking.ServeReady(_tryServe, _server.Keyspace);
    }

    /// <summary>
    /// The checks Redis makes before a command runs, in its order: unknown command or subcommand, arity, protected,
    /// NOAUTH, a RESP2 subscriber's allowed commands. Returns the entry to run (a subcommand's own), or null after
    /// replying the refusal.
    /// </summary>
    private CommandSpec? Check(CommandContext ctx, ArgumentList args, CommandSpec? spec)
    {
        if (spec is null)
        {
            RejectUnknown(ctx);
            return null;
        }
        if (spec.Subcommands is not null && args.Count >= 2)
        {
            var sub = spec.FindSubcommand(args[1]);
            if (sub is null)
            {
                var name = new StringBuilder();
                AppendCString(name, args[1], 128);
                Reject(ctx, Errors.UnknownSubcommand(name.ToString(), spec.Name));
                return null;
            }
            spec = sub;
        }
        string? refusal = null;
        if ((spec.Arity > 0 && spec.Arity != args.Count) || args.Count < -spec.Arity)
            refusal = Errors.WrongArity(spec.FullName);
        else if (spec.Is(CommandFlags.Protected) && !_server.Config.AllowsProtected(spec, ctx.Client))
            refusal = $"ERR {spec.Name.ToUpperInvariant()} command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.";
        else if (!ctx.Client.Authenticated && !spec.Is(CommandFlags.NoAuth))
            refusal = Errors.NoAuth;
        else if (ctx.Client.PubSub is { Any: true } && ctx.Client.Protocol == 2 && !SubscriberMode.Allows(spec))
            refusal = SubscriberMode.Error(spec);
        if (refusal is null) return spec;
        _server.Commands.StatsOf(spec).RejectedCalls++;
        Reject(ctx, refusal, spec);
        return null;
    }

    /// <summary>Runs the handler and counts the call; returns the end timestamp.</summary>
    private long Invoke(CommandContext ctx, CommandSpec spec, long start)
    {
        var reply = ctx.Reply;
        long errorsBefore = reply.ErrorCount;
        long nestedBefore = _nestedErrors;
        spec.Handler!(ctx);
        if (ctx.Client.ResumeOnThreadPool) return start; // not counted: it runs again on the thread pool
        if (ctx.Client.Tracking is { Enabled: true } tracking && spec.Is(CommandFlags.ReadOnly))
            _server.Tracking.RememberReads(spec, ctx.Args, ctx.Client.Id, tracking);
        long end = Stopwatch.GetTimestamp();
        var stats = _server.Commands.StatsOf(spec);
        stats.Calls++;
        stats.Ticks += end - start;
        // Errors of commands run inside this one (EXEC's queue) were counted to them already.
        long ownErrors = reply.ErrorCount - errorsBefore - (_nestedErrors - nestedBefore);
        if (ownErrors > 0)
        {
            stats.FailedCalls++;
            _server.Stats.CountError(reply.LastErrorCode);
        }
        _nestedErrors += ownErrors;
        _server.Stats.CommandsProcessed++;
        return end;
    }

    // Errors replied by commands so far, for telling a command's own errors from those of commands it ran.
    private long _nestedErrors;

    /// <summary>
    /// Runs a command queued by MULTI, from EXEC: it was checked when queued, it sees the clock EXEC started
    /// with, and blocked clients are served once EXEC is done, as in Redis.
    /// </summary>
    internal void RunQueued(CommandContext ctx, CommandSpec spec, ArgumentList args)
    {
        ctx.Args = args;
        ctx.Command = spec;
        Invoke(ctx, spec, Stopwatch.GetTimestamp());
    }

    /// <summary>After MULTI: a command that passed the checks above is queued (no-multi ones are refused).</summary>
    private void Queue(CommandContext ctx, MultiState multi, CommandSpec spec)
    {
        if (spec.Is(CommandFlags.NoMulti))
        {
            _server.Commands.StatsOf(spec).RejectedCalls++;
            Reject(ctx, "ERR Command not allowed inside a transaction");
            return;
        }
        // A doomed transaction keeps nothing, as in Redis: EXEC will not run it anyway.
        if (!multi.Aborted && ctx.Client.Watched is not { Dirty: true }) multi.Add(spec, ctx.Args);
        ctx.Client.LastCommand = spec.FullName;
        ctx.Reply.WriteRaw("+QUEUED\r\n"u8);
    }

    /// <summary>Re-runs a blocked client's command now that one of its keys changed; false if it must keep waiting.</summary>
    private bool TryServe(BlockedClient waiter)
    {
        var ctx = waiter.Context;
        ctx.StillBlocked = false;
        long errorsBefore = ctx.Reply.ErrorCount;
        ctx.Command.Handler!(ctx);
        if (ctx.StillBlocked) return false;
        var stats = _server.Commands.StatsOf(ctx.Command);
        stats.Calls++;
        if (ctx.Reply.ErrorCount != errorsBefore)
        {
            stats.FailedCalls++;
            _server.Stats.CountError(ctx.Reply.LastErrorCode);
        }
        return true;
    }

    /// <summary>Refuses a command before it runs; inside MULTI this dooms the transaction, and a refused EXEC discards it.</summary>
    private void Reject(CommandContext ctx, string message, CommandSpec? spec = null)
    {
        if (spec is not null && TransactionCommands.IsExec(spec)) message = TransactionCommands.AbortMessage(ctx.Client, _server.Keyspace, message);
        else if (ctx.Client.Multi is { } multi) multi.Aborted = true;
        ctx.Reply.WriteError(message);
        _server.Stats.CountError(ctx.Reply.LastErrorCode);
    }

    /// <summary>Redis quotes the name and up to 128 bytes of arguments, each cut at a NUL as C strings are.</summary>
    private void RejectUnknown(CommandContext ctx)
    {
        var args = ctx.Args;
        var text = new StringBuilder("ERR unknown command '");
        AppendCString(text, args[0], 128);
        text.Append("', with args beginning with: ");
        int argsStart = text.Length;
        for (int i = 1; i < args.Count && text.Length - argsStart < 128; i++)
        {
            int room = 128 - (text.Length - argsStart);
            text.Append('\'');
            AppendCString(text, args[i], room);
            text.Append("' ");
        }
        Reject(ctx, text.ToString());
    }

    private static void AppendCString(StringBuilder text, ReadOnlySpan<byte> bytes, int max)
    {
        int nul = bytes.IndexOf((byte)0);
        if (nul >= 0) bytes = bytes[..nul];
        text.Append(Encoding.Latin1.GetString(bytes[..Math.Min(bytes.Length, max)]));
    }
}
