using Spinel.Commands;
using Spinel.Protocol;

namespace Spinel.Server;

/// <summary>A client between MULTI and EXEC/DISCARD: the commands queued so far, already checked and resolved.</summary>
public sealed class MultiState
{
    private readonly List<(CommandSpec Spec, ArgumentList Args)> _queue = [];

    /// <summary>A command was refused while queuing (unknown, wrong arity, NOAUTH, ...): EXEC replies EXECABORT.</summary>
    public bool Aborted { get; internal set; }

    public int Count => _queue.Count;

    /// <summary>Bytes held by the queued arguments, for CLIENT LIST's multi-mem.</summary>
    public long Bytes { get; private set; }

    /// <summary>A queued command runs a script: EXEC, which cannot be repeated, must leave an inline I/O thread first.</summary>
    public bool RunsScript { get; private set; }

    public (CommandSpec Spec, ArgumentList Args) this[int index] => _queue[index];

    // Argument lists of earlier transactions, reused: a client running transactions in a loop allocates nothing.
    private readonly List<ArgumentList> _spare = [];

    /// <summary>Queues a command; its arguments are copied, since the connection reuses its input buffer.</summary>
    internal void Add(CommandSpec spec, ArgumentList args)
    {
        if (_queue.Count == _spare.Count) _spare.Add(new ArgumentList());
        var copy = _spare[_queue.Count];
        int bytes = args.CopyOwnedInto(copy);
        _queue.Add((spec, copy));
        RunsScript |= spec.RunsScript;
        Bytes += bytes + (long)IntPtr.Size * copy.Count; // as Redis counts it: the bytes plus one pointer per argument
    }

    /// <summary>Empties the transaction for the client's next MULTI; a big one's buffers are let go.</summary>
    internal void Reset()
    {
        if (Bytes > 64 * 1024 || _spare.Count > 64) _spare.Clear();
        _queue.Clear();
        Aborted = false;
        RunsScript = false;
        Bytes = 0;
    }
}
