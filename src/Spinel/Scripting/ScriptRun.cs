using Spinel.Commands;
using Spinel.Scripting.Lua;

namespace Spinel.Scripting;

/// <summary>What one execution of a script or function needs while it runs (one per Lua state, reused).</summary>
internal sealed class ScriptRun
{
    /// <summary>The EVAL or FCALL command's context (its client, its reply).</summary>
    public CommandContext Caller = null!;

    /// <summary>Refuses write commands: EVAL_RO, FCALL_RO, or a no-writes flag.</summary>
    public bool ReadOnly;

    /// <summary>redis.setresp's level: how redis.call's replies are converted, and how booleans are returned.</summary>
    public int Resp = 2;

    /// <summary>The SHA or function name and the chunk name that errors quote.</summary>
    public string Name = "";
    public string ChunkName = "user_script";

    /// <summary>
    /// Set while a repeatable script runs on an I/O thread and has done nothing that a second run would do again
    /// (writes, PUBLISH): past <see cref="ScriptRuntime.IoThreadBudgetMs"/> it is stopped to run again elsewhere.
    /// </summary>
    public bool Movable;

    /// <summary>What the commands of a <see cref="Movable"/> run counted, to take back if it is abandoned.</summary>
    public readonly AbandonedRunCounts Counted = new();

    /// <summary>The line the last error raised by a host function (redis.call, error) came from: errors that carry no position use it.</summary>
    public int RaisedLine;

    /// <summary>
    /// That error itself: when it ends the script, its "on @user_script:N" is <see cref="RaisedLine"/> even if its
    /// message names another line (error(msg, 2) names the caller's), as Redis reports where it was raised.
    /// </summary>
    public LuaException? Raised;

    /// <summary>Notes <paramref name="error"/>, raised at <paramref name="line"/>, and returns it to throw.</summary>
    public LuaException NoteRaised(LuaException error, int line)
    {
        Raised = error;
        RaisedLine = line;
        return error;
    }
}
