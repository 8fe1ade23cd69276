namespace Spinel.Scripting;

/// <summary>
/// Where a script or function may run. Not long on an inline I/O thread: every other connection would go
/// unanswered there, even SCRIPT KILL. Moving every call to the thread pool costs about as much CPU as a short
/// script (EVALSHA at -P 1 fell from 0.96x to 0.75x Redis), so a call starts where it is when it can be
/// repeated: past <see cref="ScriptRuntime.IoThreadBudgetMs"/> the hook stops it, if it has neither written nor
/// published, and the command runs again from the start on the thread pool. From then on it starts there.
/// </summary>
public sealed class ScriptPlacement(bool repeatable)
{
    /// <summary>An abandoned call leaves nothing behind: EVAL scripts, and functions that keep no state (see LuaClosure.KeepsNoState).</summary>
    public bool Repeatable { get; } = repeatable;

    /// <summary>Has been moved off an I/O thread once.</summary>
    public bool RunsLong { get; set; }

    /// <summary>Whether a call may start on an I/O thread (anywhere else, it always may).</summary>
    public bool MayStartOnIoThread => Repeatable && !RunsLong;
}
