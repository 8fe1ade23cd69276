using Spinel.Commands;
using Spinel.Scripting.Lua;
using Spinel.Server;

namespace Spinel.Scripting;

/// <summary>
/// The server's scripting state: the EVAL script cache and its Lua state, the function libraries, and what the
/// script being run publishes for other connections (<see cref="Running"/>). A script runs inside its EVAL or
/// FCALL command, on the connection's thread, under the keyspace lock; everything here but
/// <see cref="Running"/> is used under that lock.
/// </summary>
public sealed class ScriptRuntime
{
    private readonly SpinelServer _server;
    private LuaState? _lua;
    private RedisLuaApi? _api;

    public ScriptRuntime(SpinelServer server)
    {
        _server = server;
        Functions = new FunctionLibraries(server, this);
    }

    public RunningScript Running { get; } = new();
    public ScriptCache Cache { get; } = new();
    public FunctionLibraries Functions { get; }

    /// <summary>Calls between two looks at a kill request (SCRIPT KILL, FUNCTION KILL, SHUTDOWN NOSAVE).</summary>
    internal const int HookInterval = 1000;

    /// <summary>
    /// How long a script may run on an inline I/O thread before it moves to the thread pool (see
    /// <see cref="ScriptPlacement"/>). Other connections wait meanwhile, as they wait for any script in Redis.
    /// </summary>
    internal const int IoThreadBudgetMs = 50;

    /// <summary>Thrown by the hook to stop a script that must move off the I/O thread; not a Lua error, so pcall cannot catch it.</summary>
    private sealed class MoveOffIoThread : Exception;

    private static readonly LuaString KeysName = LuaString.FromAscii("KEYS");
    private static readonly LuaString ArgvName = LuaString.FromAscii("ARGV");

    private (LuaState Lua, RedisLuaApi Api) EvalState()
    {
        if (_lua is null)
        {
            var lua = new LuaState();
            lua.OpenStandardLibraries();
            var api = new RedisLuaApi(_server);
            lua.Globals.RawSet(LuaString.FromAscii("redis"), api.CreateTable(eval: true));
            LuaSandbox.ProtectEval(lua, api);
            InstallKillHook(lua, api);
            _lua = lua;
            _api = api;
        }
        return (_lua, _api!);
    }

    /// <summary>Lets SCRIPT KILL, FUNCTION KILL and SHUTDOWN NOSAVE stop a script: it looks for a request every few calls.</summary>
    internal void InstallKillHook(LuaState lua, RedisLuaApi api)
    {
        var running = Running;
        var run = api.Run;
        lua.Hook = () =>
        {
            if (running.KillRequested) throw api.Raise(lua, "Script killed by user with SCRIPT KILL...");
            if (run.Movable && running.ElapsedMs >= IoThreadBudgetMs) throw new MoveOffIoThread();
        };
        lua.HookInterval = HookInterval;
    }

    /// <summary>SCRIPT FLUSH: forgets every script, and starts a fresh Lua state as Redis does.</summary>
    public void FlushScripts()
    {
        Cache.Clear();
        _lua = null;
        _api = null;
    }

    /// <summary>The cached script for a body, compiling and caching it first if new; null with Redis's error on failure.</summary>
    public CachedScript? GetOrCompile(ReadOnlySpan<byte> body, out string? error)
    {
        error = null;
        var sha = ScriptCache.Sha1Hex(body);
        Span<byte> shaBytes = stackalloc byte[40];
        System.Text.Encoding.ASCII.GetBytes(sha, shaBytes);
        if (Cache.Find(shaBytes) is { } cached) return cached;
        if (!ScriptFlagNames.TryParseEvalShebang(body, out var flags, out error)) return null;
        var (lua, _) = EvalState();
        LuaFunction function;
        try
        {
            function = lua.Load(CommentOutShebang(body), "@user_script");
        }
        catch (LuaException e)
        {
            error = "ERR Error compiling script (new function): " + Message(e.Value);
            return null;
        }
        var script = new CachedScript(sha, body.ToArray(), flags, function);
        Cache.Add(script);
        return script;
    }

    /// <summary>A "#!" first line becomes a comment, so line numbers in errors still count it.</summary>
    internal static byte[] CommentOutShebang(ReadOnlySpan<byte> body)
    {
        var source = body.ToArray();
        if (source.Length >= 2 && source[0] == (byte)'#' && source[1] == (byte)'!')
        {
            source[0] = (byte)'-';
            source[1] = (byte)'-';
        }
        return source;
    }

    internal static string Message(LuaValue error)
    {
        if (error.IsTable && error.AsTable.RawGet(LuaReplyConverter.Err) is { IsString: true } err) return err.AsString.ToString();
        return error.CoerceToString()?.ToString() ?? "unknown error";
    }

    /// <summary>EVAL, EVALSHA, EVAL_RO, EVALSHA_RO.</summary>
    public void Eval(CommandContext ctx, bool bySha, bool readOnly)
    {
        if (bySha && ctx.Arg(1).Length != 40)
        {
            ctx.Reply.WriteError(NoScript);
            return;
        }
        if (!TryGetKeyCount(ctx, Errors.NotInteger, out int keyCount)) return;
        CachedScript? script;
        if (bySha)
        {
            script = Cache.Find(ctx.Arg(1));
            if (script is null)
            {
                ctx.Reply.WriteError(NoScript);
                return;
            }
        }
        else
        {
            script = GetOrCompile(ctx.Arg(1), out var error);
            if (script is null)
            {
                ctx.Reply.WriteError(error!);
                return;
            }
        }
        var flags = script.Flags;
        if (readOnly && (flags & ScriptFlags.NoShebang) == 0 && (flags & ScriptFlags.NoWrites) == 0)
        {
            ctx.Reply.WriteError(WriteFlagWithRo);
            return;
        }

        var (lua, api) = EvalState();
        lua.Globals.RawSet(KeysName, ArgumentTable(ctx, 3, keyCount));
        lua.Globals.RawSet(ArgvName, ArgumentTable(ctx, 3 + keyCount, ctx.ArgCount - 3 - keyCount));
        var run = api.Run;
        run.ReadOnly = readOnly || (flags & ScriptFlags.NoWrites) != 0;
        run.Name = script.Sha;
        run.ChunkName = "user_script";
        ExecuteOrMove(ctx, lua, api, script.Function, [], isEval: true, functionName: null, script.Placement);
    }

    /// <summary>FCALL and FCALL_RO.</summary>
    public void Fcall(CommandContext ctx, bool readOnly)
    {
        var function = Functions.Find(ctx.Arg(1));
        if (function is null)
        {
            ctx.Reply.WriteError("ERR Function not found");
            return;
        }
        if (!TryGetKeyCount(ctx, "ERR Bad number of keys provided", out int keyCount)) return;
        if (readOnly && (function.Flags & ScriptFlags.NoWrites) == 0)
        {
            ctx.Reply.WriteError(WriteFlagWithRo);
            return;
        }
        var (lua, api) = Functions.State();
        var run = api.Run;
        run.ReadOnly = readOnly || (function.Flags & ScriptFlags.NoWrites) != 0;
        run.Name = function.Name;
        run.ChunkName = "user_function";
        LuaValue keys = ArgumentTable(ctx, 3, keyCount);
        LuaValue args = ArgumentTable(ctx, 3 + keyCount, ctx.ArgCount - 3 - keyCount);
        ExecuteOrMove(ctx, lua, api, function.Callback, [keys, args], isEval: false, functionName: function.Name, function.Placement);
    }

    private const string NoScript = "NOSCRIPT No matching script. Please use EVAL.";
    private const string WriteFlagWithRo = "ERR Can not execute a script with write flag using *_ro command.";

    private static bool TryGetKeyCount(CommandContext ctx, string notInteger, out int keyCount)
    {
        keyCount = 0;
        if (!Util.RedisNumbers.TryParseInt64(ctx.Arg(2), out long count))
        {
            ctx.Reply.WriteError(notInteger);
            return false;
        }
        if (count < 0)
        {
            ctx.Reply.WriteError("ERR Number of keys can't be negative");
            return false;
        }
        if (count > ctx.ArgCount - 3)
        {
            ctx.Reply.WriteError("ERR Number of keys can't be greater than number of args");
            return false;
        }
        keyCount = (int)count;
        return true;
    }

    /// <summary>KEYS or ARGV: copies of the argument bytes (Lua strings are immutable byte strings; no .NET strings).</summary>
    private static LuaTable ArgumentTable(CommandContext ctx, int first, int count)
    {
        var table = LuaTable.ForSequence(count);
        for (int i = 0; i < count; i++) table.RawSet(i + 1, LuaValue.FromBytes(ctx.Arg(first + i)));
        return table;
    }

    /// <summary>Runs the call here, or has the connection run the command again on the thread pool (see <see cref="ScriptPlacement"/>).</summary>
    private void ExecuteOrMove(CommandContext ctx, LuaState lua, RedisLuaApi api, LuaFunction function, ReadOnlySpan<LuaValue> args, bool isEval, string? functionName, ScriptPlacement placement)
    {
        bool onIoThread = Server.Dispatcher.OnIoThread;
        if (onIoThread && !placement.MayStartOnIoThread)
        {
            ctx.Client.ResumeOnThreadPool = true;
            return;
        }
        if (!Execute(ctx, lua, api, function, args, isEval, functionName, onIoThread))
        {
            placement.RunsLong = true;
            ctx.Client.ResumeOnThreadPool = true;
        }
    }

    /// <summary>
    /// Runs a script or function and writes its reply; publishes it as running meanwhile (BUSY, kill). False,
    /// with nothing replied, when it ran long <paramref name="onIoThread"/> and must run again elsewhere.
    /// </summary>
    private bool Execute(CommandContext ctx, LuaState lua, RedisLuaApi api, LuaFunction function, ReadOnlySpan<LuaValue> args, bool isEval, string? functionName, bool onIoThread)
    {
        var run = api.Run;
        api.Begin(ctx);
        run.Movable = onIoThread;
        if (onIoThread) run.Counted.Begin(_server);
        Running.Begin(isEval, functionName, isEval ? null : ctx.Args.ToArrays(), onIoThread);
        try
        {
            var results = lua.Call(function, args);
            var value = results.Length > 0 ? results[0] : LuaValue.Nil;
            LuaReplyConverter.ToResp(value, ctx.Reply, run.Resp);
        }
        catch (LuaException e)
        {
            int line = e == run.Raised ? run.RaisedLine : ScriptErrors.LineOf(e.Value, run.ChunkName);
            if (line == 0) line = e.HostCallLine > 0 ? e.HostCallLine : run.RaisedLine > 0 ? run.RaisedLine : 1;
            ctx.Reply.WriteError(ScriptErrors.Describe(e.Value, run.Name, run.ChunkName, line));
        }
        catch (InsufficientExecutionStackException)
        {
            ctx.Reply.WriteError($"ERR stack overflow script: {run.Name}, on @{run.ChunkName}:1.");
        }
        catch (MoveOffIoThread)
        {
            run.Counted.TakeBack(_server);
            return false;
        }
        finally
        {
            run.Movable = false;
            Running.End();
            // An EVAL script keeps nothing between runs (no globals), so a coroutine it left suspended can never be
            // resumed: end its thread now rather than when the collector finds it. Function libraries may keep
            // coroutines in upvalues across FCALLs, so theirs stay.
            if (isEval) lua.CloseCoroutines();
        }
        return true;
    }
}
