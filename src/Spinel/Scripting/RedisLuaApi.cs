using Spinel.Commands;
using Spinel.Networking;
using Spinel.Protocol;
using Spinel.Scripting.Lua;
using Spinel.Server;
using Spinel.Util;

namespace Spinel.Scripting;

/// <summary>
/// The <c>redis</c> table of one Lua state, and the command path behind redis.call and redis.pcall: the same
/// command table, arity and flag checks as clients get (plus the script-only ones), run by the dispatcher in a
/// context of the script's own (its own database selection, replies into a scratch buffer). The keyspace lock is
/// already held by the EVAL or FCALL running the script.
/// </summary>
internal sealed class RedisLuaApi
{
    private readonly SpinelServer _server;
    private readonly ArgumentList _args = new();
    private byte[] _argBuffer = new byte[256];
    private readonly RespWriter _replies = new();
    private readonly CommandContext _context;

    public RedisLuaApi(SpinelServer server)
    {
        _server = server;
        var session = new ClientSession("", "", _replies, 0) { Authenticated = true };
        _context = new CommandContext(server, session, _replies) { CanBlock = false };
    }

    /// <summary>The execution in progress; set by the runtime around each call into Lua.</summary>
    public ScriptRun Run { get; } = new();

    /// <summary>Prepares the command context for a new script run by <paramref name="caller"/>.</summary>
    public void Begin(CommandContext caller)
    {
        Run.Caller = caller;
        Run.Resp = 2;
        Run.RaisedLine = 0;
        Run.Raised = null;
        _context.Client.Db = caller.Client.Db;
        _replies.Protocol = 2;
    }

    public const string Version = "7.0.15";
    public const int VersionNumber = (7 << 16) | (0 << 8) | 15;

    /// <summary>The redis table for EVAL scripts (<paramref name="eval"/>) or for functions being called.</summary>
    public LuaTable CreateTable(bool eval)
    {
        var redis = new LuaTable(0, 32);
        Set(redis, "call", (lua, args) => Call(lua, args, raise: true));
        Set(redis, "pcall", (lua, args) => Call(lua, args, raise: false));
        Set(redis, "error_reply", ErrorReply);
        Set(redis, "status_reply", StatusReply);
        Set(redis, "sha1hex", Sha1Hex);
        Set(redis, "log", Log);
        Set(redis, "setresp", SetResp);
        Set(redis, "set_repl", SetRepl);
        Set(redis, "acl_check_cmd", AclCheckCommand);
        if (eval)
        {
            Set(redis, "replicate_commands", (lua, args) => lua.Return(LuaValue.True));
            Set(redis, "breakpoint", (lua, args) => lua.Return(LuaValue.False));
            Set(redis, "debug", (lua, args) => lua.Return());
        }
        AddConstants(redis);
        redis.RawSet(LuaString.FromAscii("REPL_NONE"), 0);
        redis.RawSet(LuaString.FromAscii("REPL_AOF"), 1);
        redis.RawSet(LuaString.FromAscii("REPL_SLAVE"), 2);
        redis.RawSet(LuaString.FromAscii("REPL_REPLICA"), 2);
        redis.RawSet(LuaString.FromAscii("REPL_ALL"), 3);
        return redis;
    }

    /// <summary>Log levels and versions, which every redis table has (the one FUNCTION LOAD's code sees too).</summary>
    public void AddConstants(LuaTable redis)
    {
        redis.RawSet(LuaString.FromAscii("LOG_DEBUG"), 0);
        redis.RawSet(LuaString.FromAscii("LOG_VERBOSE"), 1);
        redis.RawSet(LuaString.FromAscii("LOG_NOTICE"), 2);
        redis.RawSet(LuaString.FromAscii("LOG_WARNING"), 3);
        redis.RawSet(LuaString.FromAscii("REDIS_VERSION"), LuaValue.FromAscii(Version));
        redis.RawSet(LuaString.FromAscii("REDIS_VERSION_NUM"), VersionNumber);
    }

    public void AddLog(LuaTable redis) => Set(redis, "log", Log);

    internal static void Set(LuaTable table, string name, LuaHostBody body) =>
        table.RawSet(LuaString.FromAscii(name), new LuaHostFunction(name, body));

    /// <summary>Raises an error table {err = "ERR message"} from a host function, noting where the script was.</summary>
    public LuaException Raise(LuaState lua, string message) => Raise(lua, ScriptErrors.Table(message));

    private LuaException Raise(LuaState lua, LuaTable error)
    {
        return Run.NoteRaised(new LuaException(error), ScriptPosition.CurrentLine(lua));
    }

    private int Fail(LuaState lua, bool raise, string message)
    {
        var error = ScriptErrors.Table(message);
        if (raise) throw Raise(lua, error);
        return lua.Return(error);
    }

    private int Call(LuaState lua, LuaArgs args, bool raise)
    {
        var run = Run;
        if (args.Count == 0) return Fail(lua, raise, "Please specify at least one argument for this redis lib call");
        if (!BuildArguments(args)) return Fail(lua, raise, "Lua redis lib command arguments must be strings or integers");
        var spec = _server.Commands.Find(_args[0]);
        if (spec?.Subcommands is not null && _args.Count >= 2) spec = spec.FindSubcommand(_args[1]);
        if (spec is null) return Fail(lua, raise, "Unknown Redis command called from script");
        if ((spec.Arity > 0 && spec.Arity != _args.Count) || _args.Count < -spec.Arity)
            return Fail(lua, raise, "Wrong number of args calling Redis command from script");
        if (spec.Is(CommandFlags.NoScript)) return Fail(lua, raise, "This Redis command is not allowed from script");
        if (spec.Is(CommandFlags.Write))
        {
            if (run.ReadOnly) return Fail(lua, raise, "Write commands are not allowed from read-only scripts.");
            _server.Scripts.Running.MarkWritten();
        }
        if ((spec.Flags & (CommandFlags.Write | CommandFlags.MayReplicate)) != 0) run.Movable = false;

        if (run.Movable)
        {
            var stats = _server.Commands.StatsOf(spec);
            long ticksBefore = stats.Ticks, failedBefore = stats.FailedCalls;
            _server.Dispatcher.RunQueued(_context, spec, _args);
            run.Counted.Add(stats, stats.Ticks - ticksBefore, stats.FailedCalls != failedBefore ? _context.Reply.LastErrorCode : null);
        }
        else _server.Dispatcher.RunQueued(_context, spec, _args);
        // A read by the script makes its caller remember the keys the script was given (KEYS), not the ones read:
        // Redis 7.0 takes them from the caller's command (7.2 takes the read command's).
        if (run.Caller.Client.Tracking is { Enabled: true } tracking && spec.Is(CommandFlags.ReadOnly))
            _server.Tracking.RememberReads(run.Caller.Command, run.Caller.Args, run.Caller.Client.Id, tracking);
        var written = _replies.WrittenSpan;
        bool failed = written.Length > 0 && written[0] == (byte)'-';
        int at = 0;
        LuaValue result;
        if (failed)
        {
            // "-CODE message\r\n": the table keeps "CODE message".
            result = ScriptErrors.FromReply(LuaValue.FromBytes(written[1..^2]));
        }
        else result = LuaReplyConverter.FromResp(written, ref at);
        _replies.Truncate(0);
        if (failed && raise) throw Raise(lua, result.AsTable);
        return lua.Return(result);
    }

    /// <summary>Copies the arguments (strings, or numbers as "%.17g" text) into one buffer the argument list slices.</summary>
    private bool BuildArguments(LuaArgs args)
    {
        Span<byte> number = stackalloc byte[32];
        int total = 0;
        for (int i = 0; i < args.Count; i++)
        {
            var value = args[i];
            if (value.IsString) total += value.AsString.Length;
            else if (value.IsNumber) total += RedisNumbers.FormatDouble(value.Number, number);
            else return false;
        }
        if (_argBuffer.Length < total) _argBuffer = new byte[Math.Max(total, _argBuffer.Length * 2)];
        var buffer = _argBuffer;
        _args.Reset(buffer);
        int at = 0;
        for (int i = 0; i < args.Count; i++)
        {
            var value = args[i];
            int length;
            if (value.IsString)
            {
                value.AsString.Span.CopyTo(buffer.AsSpan(at));
                length = value.AsString.Length;
            }
            else length = RedisNumbers.FormatDouble(value.Number, buffer.AsSpan(at));
            _args.Add(at, length);
            at += length;
        }
        return true;
    }

    private static readonly LuaValue WrongArguments = LuaValue.FromAscii("ERR wrong number or type of arguments");

    /// <summary>redis.error_reply(msg): the error table; bad arguments give an error table too (returned, not raised).</summary>
    private static int ErrorReply(LuaState lua, LuaArgs args)
    {
        if (args.Count != 1 || !args[0].IsString) return lua.Return(ScriptErrors.FromReply(WrongArguments));
        var text = args[0].AsString.ToString();
        return lua.Return(ScriptErrors.Table(text.StartsWith('-') ? text : "-" + text));
    }

    private static int StatusReply(LuaState lua, LuaArgs args)
    {
        if (args.Count != 1 || !args[0].IsString) return lua.Return(ScriptErrors.FromReply(WrongArguments));
        var table = new LuaTable(0, 1);
        table.RawSet(LuaReplyConverter.Ok, args[0]);
        return lua.Return(table);
    }

    private int Sha1Hex(LuaState lua, LuaArgs args)
    {
        if (args.Count != 1) throw Raise(lua, "wrong number of arguments");
        var text = args[0].CoerceToString();
        return lua.Return(LuaValue.FromAscii(ScriptCache.Sha1Hex(text is null ? [] : text.Span)));
    }

    private int Log(LuaState lua, LuaArgs args)
    {
        if (args.Count < 2) throw Raise(lua, "redis.log() requires two arguments or more.");
        if (!args[0].IsNumber) throw Raise(lua, "First argument must be a number (log level).");
        double level = args[0].Number;
        if (level < 0 || level > 3 || level != Math.Floor(level)) throw Raise(lua, "Invalid debug level.");
        var text = new System.Text.StringBuilder();
        for (int i = 1; i < args.Count; i++)
        {
            if (i > 1) text.Append(' ');
            if (args[i].CoerceToString() is { } part) text.Append(part.ToString());
        }
        switch ((int)level)
        {
            case 0: _server.Log.Debug(text.ToString()); break;
            case 1: _server.Log.Verbose(text.ToString()); break;
            case 2: _server.Log.Notice(text.ToString()); break;
            default: _server.Log.Warning(text.ToString()); break;
        }
        return lua.Return();
    }

    private int SetResp(LuaState lua, LuaArgs args)
    {
        if (args.Count != 1) throw Raise(lua, "redis.setresp() requires one argument.");
        if (!args[0].TryGetNumber(out double resp) || (resp != 2 && resp != 3)) throw Raise(lua, "RESP version must be 2 or 3.");
        Run.Resp = (int)resp;
        _replies.Protocol = (int)resp;
        return lua.Return();
    }

    private int SetRepl(LuaState lua, LuaArgs args)
    {
        if (args.Count != 1) throw Raise(lua, "redis.set_repl() requires two arguments.");
        if (!args[0].TryGetNumber(out double flags) || flags < 0 || flags > 3 || flags != Math.Floor(flags))
            throw Raise(lua, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
        return lua.Return();
    }

    /// <summary>ACLs are not implemented yet: every existing command is allowed.</summary>
    private int AclCheckCommand(LuaState lua, LuaArgs args)
    {
        if (args.Count == 0) throw Raise(lua, "Please specify at least one argument for this redis lib call");
        if (!BuildArguments(args)) throw Raise(lua, "Lua redis lib command arguments must be strings or integers");
        var spec = _server.Commands.Find(_args[0]);
        if (spec?.Subcommands is not null && _args.Count >= 2) spec = spec.FindSubcommand(_args[1]);
        if (spec is null) throw Raise(lua, "Invalid command passed to redis.acl_check_cmd()");
        return lua.Return(LuaValue.True);
    }
}
