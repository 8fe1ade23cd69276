using System.Diagnostics;
using System.Text;
using Spinel.Commands;
using Spinel.Protocol;

namespace Spinel.Server;

/// <summary>
/// Looks each command up in the table, applies the checks Redis applies before running a command
/// (arity, authentication, ...), and runs it. A batch runs under one acquisition of the keyspace lock.
/// </summary>
public sealed class Dispatcher
{
    private readonly SpinelServer _server;

    public Dispatcher(SpinelServer server) => _server = server;

    public void ExecuteBatch(CommandContext ctx, ArgumentList[] batch, int count)
    {
        var keyspace = _server.Keyspace;
        lock (keyspace.Lock)
        {
            for (int i = 0; i < count; i++)
            {
                Execute(ctx, batch[i]);
                if (ctx.Client.CloseAfterReply) break;
            }
        }
    }

    /// <summary>Runs one command; the caller holds the keyspace lock.</summary>
    public void Execute(CommandContext ctx, ArgumentList args)
    {
        ctx.Args = args;
        var reply = ctx.Reply;
        var spec = _server.Commands.Find(args[0]);
        if (spec is null)
        {
            RejectUnknown(ctx);
            return;
        }
        if (spec.Subcommands is not null && args.Count >= 2)
        {
            var sub = FindSubcommand(spec, args[1]);
            if (sub is null)
            {
                Reject(ctx, Errors.UnknownSubcommand(ctx.ArgString(1), spec.Name));
                return;
            }
            spec = sub;
        }
        if ((spec.Arity > 0 && spec.Arity != args.Count) || args.Count < -spec.Arity)
        {
            spec.Stats.RejectedCalls++;
            Reject(ctx, Errors.WrongArity(spec.FullName));
            return;
        }
        if (spec.Is(CommandFlags.Protected) && !_server.Config.AllowsProtected(spec, ctx.Client))
        {
            spec.Stats.RejectedCalls++;
            Reject(ctx, $"ERR {spec.Name.ToUpperInvariant()} command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.");
            return;
        }
        if (!ctx.Client.Authenticated && !spec.Is(CommandFlags.NoAuth))
        {
            spec.Stats.RejectedCalls++;
            Reject(ctx, Errors.NoAuth);
            return;
        }

        ctx.Command = spec;
        _server.Keyspace.RefreshClock();
        long errorsBefore = reply.ErrorCount;
        long start = Stopwatch.GetTimestamp();
        spec.Handler!(ctx);
        var stats = spec.Stats;
        stats.Calls++;
        stats.Microseconds += (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        if (reply.ErrorCount != errorsBefore)
        {
            stats.FailedCalls++;
            _server.Stats.CountError(reply.LastErrorCode);
        }
        _server.Stats.CommandsProcessed++;
        ctx.Client.LastCommand = spec.FullName;
    }

    private static CommandSpec? FindSubcommand(CommandSpec container, ReadOnlySpan<byte> name)
    {
        if (name.Length > 64) return null;
        Span<char> chars = stackalloc char[name.Length];
        for (int i = 0; i < name.Length; i++) chars[i] = (char)(name[i] | 0x20);
        foreach (var (key, sub) in container.Subcommands!)
        {
            if (chars.SequenceEqual(key)) return sub;
        }
        return null;
    }

    private void Reject(CommandContext ctx, string message)
    {
        ctx.Reply.WriteError(message);
        _server.Stats.CountError(ctx.Reply.LastErrorCode);
    }

    private void RejectUnknown(CommandContext ctx)
    {
        var args = ctx.Args;
        var text = new StringBuilder();
        for (int i = 1; i < args.Count && text.Length < 128; i++)
        {
            var arg = args[i];
            int take = Math.Min(arg.Length, 128 - text.Length);
            text.Append('\'').Append(Encoding.Latin1.GetString(arg[..take])).Append("' ");
        }
        var name = args[0];
        Reject(ctx, $"ERR unknown command '{Encoding.Latin1.GetString(name[..Math.Min(name.Length, 128)])}', with args beginning with: {text}");
    }
}
