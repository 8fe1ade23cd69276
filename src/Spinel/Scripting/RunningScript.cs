using System.Diagnostics;

namespace Spinel.Scripting;

/// <summary>
/// What other connections may know about the script being run, without the keyspace lock its thread holds:
/// when it started, whether it has written, whether someone asked to kill it. The script's thread publishes
/// with <see cref="Begin"/> and <see cref="End"/>; the rest read volatile fields.
/// </summary>
public sealed class RunningScript
{
    private volatile bool _running;
    private long _startTimestamp;
    private volatile bool _isEval;
    private volatile bool _hasWritten;
    private volatile bool _onIoThread;
    private long _generation;
    private long _killGeneration = -1;

    /// <summary>For FUNCTION STATS: the function's name and the FCALL arguments, set while a function runs.</summary>
    public string? FunctionName { get; private set; }
    public byte[][]? Command { get; private set; }

    public bool IsRunning => _running;
    public bool IsEval => _isEval;
    public bool HasWritten => _hasWritten;

    /// <summary>Runs on an inline I/O thread: the connections that thread serves wait meanwhile (see ScriptPlacement).</summary>
    public bool HoldsIoThread => _running && _onIoThread;

    internal void Begin(bool isEval, string? functionName, byte[][]? command, bool onIoThread)
    {
        Interlocked.Increment(ref _generation);
        _isEval = isEval;
        _hasWritten = false;
        _onIoThread = onIoThread;
        FunctionName = functionName;
        Command = command;
        Volatile.Write(ref _startTimestamp, Stopwatch.GetTimestamp());
        _running = true;
    }

    internal void End()
    {
        _running = false;
        FunctionName = null;
        Command = null;
    }

    internal void MarkWritten() => _hasWritten = true;

    /// <summary>Checked by the script's hook.</summary>
    internal bool KillRequested => Volatile.Read(ref _killGeneration) == Volatile.Read(ref _generation);

    public long ElapsedMs => (long)Stopwatch.GetElapsedTime(Volatile.Read(ref _startTimestamp)).TotalMilliseconds;

    /// <summary>True once a running script has gone past the threshold: other clients then get BUSY.</summary>
    public bool IsBusy(long thresholdMs) => _running && ElapsedMs >= thresholdMs;

    public static string BusyError(bool isEval) => isEval
        ? "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
        : "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

    public const string NotBusyError = "NOTBUSY No scripts in execution right now.";
    public const string UnkillableError = "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
    public const string KilledError = "ERR Script killed by user with SCRIPT KILL...";

    /// <summary>SCRIPT KILL (<paramref name="eval"/>) or FUNCTION KILL: null when the kill was requested, else the error to reply.</summary>
    public string? TryKill(bool eval)
    {
        long generation = Volatile.Read(ref _generation);
        if (!_running) return NotBusyError;
        if (_hasWritten) return UnkillableError;
        if (_isEval != eval) return BusyError(_isEval);
        Volatile.Write(ref _killGeneration, generation);
        return null;
    }

    /// <summary>SHUTDOWN NOSAVE: stops the script whatever it did.</summary>
    internal void ForceKill() => Volatile.Write(ref _killGeneration, Volatile.Read(ref _generation));
}
