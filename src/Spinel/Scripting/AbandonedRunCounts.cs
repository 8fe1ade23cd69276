using Spinel.Commands;
using Spinel.Server;

namespace Spinel.Scripting;

/// <summary>
/// What the commands of a movable run counted (INFO commandstats, errorstats, keyspace hits and misses, commands
/// processed), so that a run abandoned to start again on the thread pool can take it back: the run that replaces
/// it counts the same reads again. Used under the keyspace lock, like the counters themselves.
/// </summary>
internal sealed class AbandonedRunCounts
{
    private readonly Dictionary<CommandStats, (long Calls, long Ticks, long Failed)> _byCommand = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, long> _errors = new(StringComparer.Ordinal);
    private long _hits, _misses, _processed;

    public void Begin(SpinelServer server)
    {
        _byCommand.Clear();
        _errors.Clear();
        _hits = server.Keyspace.Stats.KeyspaceHits;
        _misses = server.Keyspace.Stats.KeyspaceMisses;
        _processed = server.Stats.CommandsProcessed;
    }

    /// <summary>Notes a call the run made: its ticks, and its error's code if it failed.</summary>
    public void Add(CommandStats stats, long ticks, string? errorCode)
    {
        var (calls, total, failed) = _byCommand.GetValueOrDefault(stats);
        _byCommand[stats] = (calls + 1, total + ticks, errorCode is null ? failed : failed + 1);
        if (errorCode is not null) _errors[errorCode] = _errors.GetValueOrDefault(errorCode) + 1;
    }

    public void TakeBack(SpinelServer server)
    {
        foreach (var (stats, (calls, ticks, failed)) in _byCommand)
        {
            stats.Calls -= calls;
            stats.Ticks -= ticks;
            stats.FailedCalls -= failed;
        }
        foreach (var (code, count) in _errors) server.Stats.UncountErrors(code, count);
        server.Keyspace.Stats.KeyspaceHits = _hits;
        server.Keyspace.Stats.KeyspaceMisses = _misses;
        server.Stats.CommandsProcessed = _processed;
        _byCommand.Clear();
        _errors.Clear();
    }
}
